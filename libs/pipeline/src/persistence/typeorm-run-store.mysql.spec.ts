import { DataSource, QueryFailedError } from 'typeorm';
import {
  createScratchDatabase,
  describeWithMysql,
  type ScratchDatabase,
} from '../../../../test/utils/services';
import { emptyDecision, type Decision } from '../engine/decision';
import type { NodeRecord } from '../engine/run-state';
import type { PipelineTree } from '../model/tree.types';
import { runStoreContract } from '../ports/run-store.contract.spec-helper';
import type { NewRun, StoredEvent } from '../ports/run-store.port';
import { StaleStateError } from '../ports/stale-state.error';
import { defineOn } from './contract-definitions.spec-helper';
import { buildDataSourceOptions } from './database-options';
import { isUniqueViolation } from './db-errors';
import { RunSql } from './run-sql';
import { TypeormRunStore } from './typeorm-run-store';

const TREE: PipelineTree = {
  id: 'mysql-tree',
  start_event: { id: 's', type: 'EmptyStartEvent', incoming: '', outgoing: 'f0' },
  end_event: { id: 'e', type: 'EmptyEndEvent', incoming: ['f1'], outgoing: '' },
  activities: {
    a: { id: 'a', type: 'ServiceActivity', incoming: ['f0'], outgoing: 'f1', component: { code: 'noop', inputs: {} } },
  },
  gateways: {},
  flows: { f0: { id: 'f0', source: 's', target: 'a' }, f1: { id: 'f1', source: 'a', target: 'e' } },
  data: { inputs: {}, outputs: [] },
};

let seq = 0;
function newRun(): NewRun {
  const id = `10000000-0000-4000-8000-${String(++seq).padStart(12, '0')}`;
  return {
    id,
    pipelineId: null,
    pipelineVersion: null,
    tree: TREE,
    converges: {},
    state: 'RUNNING',
    businessKey: null,
    priority: 0,
    inputs: {},
    context: {},
    rootProcess: { id: `p${id.slice(1)}`, runId: id, parentId: null, scopeId: TREE.id, currentNodeId: 's', destinationId: null, state: 'ACTIVE', pendingChildren: 0, rev: 0 },
    createdAt: new Date(Date.UTC(2026, 0, 1, 0, 0, 0, 7)),
  };
}

function node(runId: string, patch: Partial<NodeRecord> = {}): NodeRecord {
  return {
    runId, nodeId: 'a', scopeId: TREE.id, processId: `p${runId.slice(1)}`, state: 'RUNNING', version: 1, loop: 1, retries: 0,
    skip: false, skipReason: null, errorIgnored: false, scheduleTimes: 0, awaiting: 'execute', callbacks: [], callbackSeq: 0, inputs: {}, outputs: {}, exData: null,
    startedAt: new Date(Date.UTC(2026, 0, 1, 12, 0, 0, 123)), finishedAt: null, ...patch,
  };
}

const decision = (patch: Partial<Decision>): Decision => ({ ...emptyDecision(), ...patch });

/** A migrated scratch database and a store on it; `extra` overrides DataSource options. */
async function openStore(serverUrl: string, extra: Record<string, unknown> = {}) {
  const db = await createScratchDatabase(serverUrl);
  const ds = new DataSource({ ...buildDataSourceOptions({ databaseUrl: db.url }), ...extra } as never);
  try {
    await ds.initialize();
  } catch (err) {
    await db.drop();
    throw err;
  }
  return {
    db,
    ds,
    store: new TypeormRunStore(ds),
    define: defineOn(ds),
    close: async () => {
      if (ds.isInitialized) await ds.destroy();
      await db.drop();
    },
  };
}

describeWithMysql('TypeormRunStore on MySQL', (serverUrl) => {
  runStoreContract('TypeORM on MySQL (mysql2, migrations)', () => openStore(serverUrl));

  describe('MySQL specifics', () => {
    let db: ScratchDatabase;
    let ds: DataSource;
    let store: TypeormRunStore;
    let close: () => Promise<void>;
    beforeAll(async () => ({ db, ds, store, close } = await openStore(serverUrl)));
    afterAll(async () => close?.());

    it('counts an update that writes identical values as applied (FOUND_ROWS)', async () => {
      const run = newRun();
      await store.createRun(run);
      const at = new Date(Date.UTC(2026, 0, 2, 3, 4, 5, 678));
      await store.apply(run.id, decision({ nodes: [{ expect: null, record: node(run.id) }] }), at);
      // Same record, same `now`: every column is rewritten with the value it already has.
      const same = decision({
        nodes: [{ expect: { state: 'RUNNING', version: 1, callbackSeq: 0 }, record: node(run.id) }],
        processes: [{ expectRev: 0, record: run.rootProcess }],
      });
      await expect(store.apply(run.id, same, at)).resolves.toEqual({ woken: [] });
      await expect(store.apply(run.id, same, at)).resolves.toEqual({ woken: [] });
    });

    it('sends a transaction with its COMMIT as one batch when the server aborts at a lost guard (probed)', async () => {
      // MariaDB 10.11 here; a server that evaluated the guard's subquery eagerly would answer false
      // and keep the separate COMMIT (the contract suite's guard tests cover both paths' effects).
      await expect((store as unknown as { canFoldCommit(): Promise<boolean> }).canFoldCommit()).resolves.toBe(true);
    });

    it('would report an identical update as a lost race without FOUND_ROWS (the flag matters)', async () => {
      const other = await openStore(serverUrl, { flags: ['-FOUND_ROWS'] });
      try {
        const run = newRun();
        await other.store.createRun(run);
        const at = new Date();
        await other.store.apply(run.id, decision({ nodes: [{ expect: null, record: node(run.id) }] }), at);
        const same = decision({ nodes: [{ expect: { state: 'RUNNING', version: 1, callbackSeq: 0 }, record: node(run.id) }] });
        await expect(other.store.apply(run.id, same, at)).rejects.toBeInstanceOf(StaleStateError);
      } finally {
        await other.close();
      }
    });

    it('stores datetimes as UTC with milliseconds, whatever the process time zone', async () => {
      const saved = process.env.TZ;
      process.env.TZ = 'Asia/Kolkata'; // +05:30: a local-time conversion would show
      try {
        const run = newRun();
        await store.createRun(run);
        const started = new Date(Date.UTC(2026, 5, 30, 23, 59, 59, 999));
        await store.apply(run.id, decision({ nodes: [{ expect: null, record: node(run.id, { startedAt: started }) }] }), started);
        const [raw] = await ds.query(
          "SELECT DATE_FORMAT(started_at, '%Y-%m-%d %H:%i:%s.%f') AS s, DATE_FORMAT(updated_at, '%Y-%m-%d %H:%i:%s.%f') AS u FROM node_state WHERE run_id = ?",
          [run.id],
        );
        expect(raw).toEqual({ s: '2026-06-30 23:59:59.999000', u: '2026-06-30 23:59:59.999000' });
        expect((await store.loadNode(run.id, 'a'))!.startedAt!.toISOString()).toBe(started.toISOString());
        expect((await store.getRun(run.id))!.createdAt.toISOString()).toBe(run.createdAt.toISOString());
        // Filters compare in UTC too.
        const live = await store.listLiveNodes(['RUNNING'], 100, new Date(started.getTime() + 1));
        expect(live.map((n) => n.runId)).toContain(run.id);
        const notYet = await store.listLiveNodes(['RUNNING'], 100, started);
        expect(notYet.map((n) => n.runId)).not.toContain(run.id);
      } finally {
        if (saved === undefined) delete process.env.TZ;
        else process.env.TZ = saved;
      }
    });

    it('reads tinyint flags back as booleans', async () => {
      const run = newRun();
      await store.createRun(run);
      await store.apply(run.id, decision({ nodes: [{ expect: null, record: node(run.id, { skip: true, errorIgnored: false }) }] }), new Date());
      const n = await store.loadNode(run.id, 'a');
      expect(n!.skip).toBe(true);
      expect(n!.errorIgnored).toBe(false);
      const [raw] = await ds.query('SELECT `skip`, error_ignored FROM node_state WHERE run_id = ?', [run.id]);
      expect(raw).toEqual({ skip: 1, error_ignored: 0 });
    });

    it('keeps ids and context keys case-sensitive (binary collation)', async () => {
      const run = newRun();
      await store.createRun(run);
      await store.apply(
        run.id,
        decision({
          nodes: [
            { expect: null, record: node(run.id, { nodeId: 'a' }) },
            { expect: null, record: node(run.id, { nodeId: 'A' }) },
          ],
          context: [
            { scopeId: TREE.id, key: '${x}', value: 'lower' },
            { scopeId: TREE.id, key: '${X}', value: 'upper' },
            { scopeId: TREE.id, key: '${é}', value: 'accent' },
            { scopeId: TREE.id, key: '${e}', value: 'plain' },
          ],
        }),
        new Date(),
      );
      expect((await store.listNodes(run.id)).map((n) => n.nodeId).sort()).toEqual(['A', 'a']);
      expect(await store.loadContext(run.id, TREE.id)).toEqual({ '${x}': 'lower', '${X}': 'upper', '${é}': 'accent', '${e}': 'plain' });
      const [{ c }] = await ds.query(
        "SELECT COUNT(*) AS c FROM information_schema.COLUMNS WHERE TABLE_SCHEMA = ? AND COLLATION_NAME IS NOT NULL AND COLLATION_NAME <> 'utf8mb4_bin' AND TABLE_NAME <> 'pipeline_migrations'",
        [db.database],
      );
      expect(Number(c)).toBe(0);
    });

    it('round-trips Unicode and JSON larger than 64 KB', async () => {
      const run = newRun();
      await store.createRun(run);
      const big = { text: '日本語 🚀 '.repeat(20_000), nested: { list: [1, 'two', null, true] } };
      await store.apply(run.id, decision({ nodes: [{ expect: null, record: node(run.id, { outputs: big }) }] }), new Date());
      expect((await store.loadNode(run.id, 'a'))!.outputs).toEqual(big);
    });

    it('recognises a duplicate key as a unique violation (ER_DUP_ENTRY)', async () => {
      const run = newRun();
      await store.createRun(run);
      const err = await store.createRun(run).catch((e: unknown) => e);
      expect(err).toBeInstanceOf(QueryFailedError);
      expect((err as QueryFailedError & { driverError: { code: string } }).driverError.code).toBe('ER_DUP_ENTRY');
      expect(isUniqueViolation(err)).toBe(true);
    });

    it('turns a concurrent insert of the same node into StaleStateError', async () => {
      const run = newRun();
      await store.createRun(run);
      const results = await Promise.allSettled(
        Array.from({ length: 10 }, () => store.apply(run.id, decision({ nodes: [{ expect: null, record: node(run.id) }] }), new Date())),
      );
      expect(results.filter((r) => r.status === 'fulfilled')).toHaveLength(1);
      for (const r of results) if (r.status === 'rejected') expect(r.reason).toBeInstanceOf(StaleStateError);
    });

    it('turns a deadlock inside apply into StaleStateError and leaves nothing half-written', async () => {
      const run = newRun();
      await store.createRun(run);
      await store.apply(run.id, decision({ nodes: [{ expect: null, record: node(run.id) }] }), new Date());
      // Another session locks the run row and does enough work to be the heavier transaction,
      // so InnoDB picks the store's transaction as the deadlock victim.
      const other = ds.createQueryRunner();
      await other.connect();
      try {
        await other.startTransaction();
        await other.query('UPDATE run SET priority = priority + 1 WHERE id = ?', [run.id]);
        for (let i = 0; i < 20; i++) {
          await other.query("INSERT INTO run_event (run_id, seq, node_id, event_type, data, created_at) VALUES (?, ?, NULL, 'filler', NULL, NOW(3))", [run.id, 1000 + i]);
        }
        // apply locks node `a`, then waits for the run row held above ...
        const applying = store
          .apply(
            run.id,
            decision({
              nodes: [{ expect: { state: 'RUNNING', version: 1, callbackSeq: 0 }, record: node(run.id, { state: 'FINISHED' }) }],
              run: { expectRev: 0, state: 'FINISHED' },
            }),
            new Date(),
          )
          .then(
            () => 'applied',
            (e: unknown) => e,
          );
        await waitForLockWait(ds);
        // ... and this session now wants node `a`: a deadlock.
        const otherUpdate = other.query("UPDATE node_state SET awaiting = 'schedule' WHERE run_id = ? AND node_id = 'a'", [run.id]);
        const outcome = await applying;
        await otherUpdate;
        await other.rollbackTransaction();
        expect(outcome).toBeInstanceOf(StaleStateError);
        expect((outcome as Error).message).toMatch(/ER_LOCK_DEADLOCK/);
        expect((await store.loadNode(run.id, 'a'))!.state).toBe('RUNNING');
        expect((await store.getRun(run.id))!.state).toBe('RUNNING');
      } finally {
        if (other.isTransactionActive) await other.rollbackTransaction();
        await other.release();
      }
    });

    it('never lets a pager miss an event whose transaction took the lower id but committed last', async () => {
      const run = newRun();
      await store.createRun(run);
      const enter = (nodeId: string) =>
        decision({ nodes: [{ expect: null, record: node(run.id, { nodeId }) }], events: [{ type: 'node_enter', nodeId, data: { nodeId } }] });
      // Two readers paging as clients do: by the last `seq` read, and (older clients) by the last id.
      const bySeq = { seen: [] as StoredEvent[], after: 0 };
      const byId = { seen: [] as StoredEvent[], afterId: 0 };
      const pageOn = async () => {
        for (let page; (page = await store.listEvents(run.id, bySeq.after, 100)).length; bySeq.after = page[page.length - 1].seq) bySeq.seen.push(...page);
        for (;;) {
          const after = byId.afterId ? await store.findEventSeq(run.id, byId.afterId) : 0;
          const page = await store.listEvents(run.id, after!, 100);
          if (!page.length) break;
          byId.seen.push(...page);
          byId.afterId = page[page.length - 1].id;
        }
      };
      // Branch A writes its decision, event included (so it takes the lower id), and stays open...
      const a = ds.createQueryRunner();
      await a.connect();
      try {
        await a.query('SET TRANSACTION ISOLATION LEVEL READ COMMITTED');
        await a.query('START TRANSACTION');
        for (const st of new RunSql(true).decisionStatements(run.id, enter('a'), new Date())) await a.query(st.text, st.params);
        // ... while branch B of the same run applies through the store and commits first (events
        // take no lock on the run row): a reader sees B's event, numbered 1, while A's is not
        // committed; A's is numbered 2 once it commits, and both pagers get it.
        expect(await store.apply(run.id, enter('b'), new Date())).toEqual({ woken: [] });
        await pageOn();
        expect(bySeq.seen.map((e) => [e.seq, e.nodeId])).toEqual([[1, 'b']]);
        await a.query('COMMIT');
        await pageOn();
        expect(bySeq.seen.map((e) => [e.seq, e.nodeId])).toEqual([[1, 'b'], [2, 'a']]);
        expect(byId.seen.map((e) => [e.seq, e.nodeId])).toEqual([[1, 'b'], [2, 'a']]);
        expect(bySeq.seen[1].id).toBeLessThan(bySeq.seen[0].id);
      } finally {
        await a.query('ROLLBACK').catch(() => undefined);
        await a.release();
      }
    });

    it('has the indexes the hot queries need', async () => {
      const rows: { t: string; i: string; c: string }[] = await ds.query(
        `SELECT TABLE_NAME AS t, INDEX_NAME AS i, GROUP_CONCAT(COLUMN_NAME ORDER BY SEQ_IN_INDEX) AS c
           FROM information_schema.STATISTICS WHERE TABLE_SCHEMA = ? GROUP BY TABLE_NAME, INDEX_NAME`,
        [db.database],
      );
      const indexes = new Set(rows.map((r) => `${r.t}(${r.c})`));
      for (const expected of [
        'node_state(run_id,node_id)', // PRIMARY: loads by run + node ids, CAS updates
        'node_state(state,updated_at)', // live nodes by state (reconciler)
        'run_process(id)',
        'run_process(state,updated_at)', // live processes by state (reconciler)
        'context_value(run_id,scope_id,key)', // context by run + scope
        'node_history(run_id,node_id)',
        'run_event(run_id,seq)', // the log by run, paged by sequence (unique)
        'run(id)',
        'run(created_at)', // runs list, no filter
        'run(pipeline_id,created_at)',
        'run(pipeline_id,state,created_at)',
        'run(state,created_at)',
        'run(business_key)',
        'pipeline_definitions(key)',
        'pipeline_definitions(created_at)',
      ]) {
        expect(indexes).toContain(expected);
      }
      expect(indexes).not.toContain('run(state)');
    });
  });
});

/**
 * Waits until some transaction of this server is waiting for a row lock. InnoDB refreshes
 * INNODB_TRX only when it has not been read for 0.1 s, so polling faster never sees a change.
 */
async function waitForLockWait(ds: DataSource): Promise<void> {
  for (let i = 0; i < 40; i++) {
    await new Promise((r) => setTimeout(r, 150));
    const [{ n }] = await ds.query("SELECT COUNT(*) AS n FROM information_schema.INNODB_TRX WHERE trx_state = 'LOCK WAIT'");
    if (Number(n) > 0) return;
  }
  throw new Error('no transaction started waiting for a lock');
}
