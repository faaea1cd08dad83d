import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { DataSource } from 'typeorm';
import { createScratchDatabase, describeWithMysql } from '../../../../../test/utils/services';
import { emptyDecision } from '../../engine/decision';
import { buildDataSourceOptions } from '../database-options';
import { TypeormRunStore } from '../typeorm-run-store';
import { AddEventSequence1763683800000 } from './1763683800000-add-event-sequence';
import { PIPELINE_MIGRATIONS } from './index';

/** AddEventSequence's position: later migrations may follow it. */
const AT = PIPELINE_MIGRATIONS.indexOf(AddEventSequence1763683800000);

const RUNS = ['30000000-0000-4000-8000-000000000001', '30000000-0000-4000-8000-000000000002', '30000000-0000-4000-8000-000000000003'];

/**
 * A database migrated up to just before `AddEventSequence` with events of two runs
 * interleaved by id (and a run without any), then migrated to the end: each run's events are
 * numbered 1..n in id order, the run rows hold n, and the store goes on from there.
 */
async function checkBackfill(databaseUrl: string): Promise<void> {
  const before = new DataSource({ ...buildDataSourceOptions({ databaseUrl }), migrations: PIPELINE_MIGRATIONS.slice(0, AT) });
  await before.initialize();
  try {
    for (const id of RUNS) {
      await before.query(
        "INSERT INTO `run` (`id`, `root_tree_id`, `state`, `priority`, `tree`, `converges`, `rev`, `created_at`) VALUES (?, 't', 'RUNNING', 0, '{}', '{}', 0, '2026-01-01 00:00:00.000')",
        [id],
      );
    }
    const order = [RUNS[0], RUNS[1], RUNS[0], RUNS[0], RUNS[1], RUNS[0]];
    for (const [i, runId] of order.entries()) {
      await before.query(
        "INSERT INTO `run_event` (`run_id`, `node_id`, `event_type`, `data`, `created_at`) VALUES (?, NULL, 'node_enter', ?, '2026-01-01 00:00:00.000')",
        [runId, JSON.stringify({ i })],
      );
    }
  } finally {
    await before.destroy();
  }

  const after = new DataSource(buildDataSourceOptions({ databaseUrl }));
  await after.initialize();
  try {
    expect(await after.showMigrations()).toBe(false);
    const store = new TypeormRunStore(after);
    const numbered = async (runId: string) => (await store.listEvents(runId, 0, 100)).map((e) => [e.seq, e.data?.i]);
    expect(await numbered(RUNS[0])).toEqual([[1, 0], [2, 2], [3, 3], [4, 5]]);
    expect(await numbered(RUNS[1])).toEqual([[1, 1], [2, 4]]);
    const counters = await after.query('SELECT `id`, `event_seq` FROM `run` ORDER BY `id`');
    expect(counters.map((r: { event_seq: number }) => Number(r.event_seq))).toEqual([4, 2, 0]);
    for (const [runId, next] of [[RUNS[0], 5], [RUNS[2], 1]] as const) {
      await store.apply(runId, { ...emptyDecision(), events: [{ type: 'node_finish', nodeId: null, data: { i: 9 } }] }, new Date());
      expect((await store.listEvents(runId, next - 1, 10)).map((e) => [e.seq, e.data?.i])).toEqual([[next, 9]]);
    }
    // An event left unnumbered when the migrations are undone is numbered on the way down.
    await store.apply(RUNS[1], { ...emptyDecision(), events: [{ type: 'node_finish', nodeId: null, data: { i: 10 } }] }, new Date());
    // (run_id, seq) is unique.
    await expect(
      after.query("INSERT INTO `run_event` (`run_id`, `seq`, `event_type`, `created_at`) VALUES (?, 1, 'dup', '2026-01-01 00:00:00.000')", [RUNS[1]]),
    ).rejects.toThrow();
    // And it rolls back to the old shape (after the migrations that came later).
    for (let i = AT + 1; i < PIPELINE_MIGRATIONS.length; i++) await after.undoLastMigration();
    const seqs = await after.query('SELECT `seq` FROM `run_event` WHERE `run_id` = ? ORDER BY `id`', [RUNS[1]]);
    expect(seqs.map((r: { seq: number }) => Number(r.seq))).toEqual([1, 2, 3]);
    await after.undoLastMigration();
    const columns = await after.query('SELECT * FROM `run_event` LIMIT 1');
    expect(Object.keys(columns[0])).not.toContain('seq');
  } finally {
    await after.destroy();
  }
}

describe('AddEventSequence on SQLite', () => {
  it('numbers existing events per run in id order and sets each run’s counter', async () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'event-seq-'));
    try {
      await checkBackfill(`sqlite:${path.join(dir, 'db.sqlite')}`);
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });
});

describeWithMysql('AddEventSequence on MySQL', (serverUrl) => {
  it('numbers existing events per run in id order and sets each run’s counter', async () => {
    const db = await createScratchDatabase(serverUrl);
    try {
      await checkBackfill(db.url);
    } finally {
      await db.drop();
    }
  });
});
