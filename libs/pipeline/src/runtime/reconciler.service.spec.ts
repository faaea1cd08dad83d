import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { DataSource } from 'typeorm';
import type { PipelineTree } from '../model/tree.types';
import { defineOn } from '../persistence/contract-definitions.spec-helper';
import { buildDataSourceOptions } from '../persistence/database-options';
import { TypeormRunStore } from '../persistence/typeorm-run-store';
import type { JobQueue, QueuedJob } from '../ports/job-queue.port';
import type { NewRun } from '../ports/run-store.port';
import { Reconciler } from './reconciler.service';

const TREE: PipelineTree = {
  id: 'rec-tree',
  start_event: { id: 's', type: 'EmptyStartEvent', incoming: '', outgoing: 'f0' },
  end_event: { id: 'e', type: 'EmptyEndEvent', incoming: ['f0'], outgoing: '' },
  activities: {},
  gateways: {},
  flows: { f0: { id: 'f0', source: 's', target: 'e' } },
  data: { inputs: {}, outputs: [] },
};
const PIPELINE = 'd0000000-0000-4000-8000-00000000aaaa';

let seq = 0;
function newRun(): NewRun {
  const id = `20000000-0000-4000-8000-${String(++seq).padStart(12, '0')}`;
  return {
    id, pipelineId: PIPELINE, pipelineVersion: 1, tree: TREE, converges: {}, state: 'RUNNING', businessKey: null, priority: 0, inputs: {}, context: {},
    rootProcess: { id: `p${id.slice(1)}`, runId: id, parentId: null, scopeId: TREE.id, currentNodeId: 's', destinationId: null, state: 'ACTIVE', pendingChildren: 0, rev: 0 },
    createdAt: new Date(Date.UTC(2026, 0, 1, 0, 0, seq)),
  };
}

describe('Reconciler: admission safety net (DESIGN §8.4)', () => {
  let dir: string;
  let ds: DataSource;
  let store: TypeormRunStore;
  const added: QueuedJob[] = [];
  const queue = { add: async (jobs: QueuedJob[]) => void added.push(...jobs) } as unknown as JobQueue;

  beforeAll(async () => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'reconciler-'));
    ds = new DataSource(buildDataSourceOptions({ databaseUrl: `sqlite:${path.join(dir, 'db.sqlite')}` }));
    await ds.initialize();
    store = new TypeormRunStore(ds);
  });
  afterAll(async () => {
    await ds?.destroy();
    fs.rmSync(dir, { recursive: true, force: true });
  });

  it('admits PENDING runs into free slots (a raised cap whose admission was lost) and dispatches them; never a PENDING run otherwise', async () => {
    const define = defineOn(ds);
    await define({ id: PIPELINE, maxConcurrentRuns: 1, queueMode: 'fifo', uniqueBusinessKey: false });
    const runs = [newRun(), newRun(), newRun()];
    for (const r of runs) await store.createRun(r);
    const reconciler = new Reconciler(store, queue);

    const first = await reconciler.reconcileOnce(0);
    // Only the admitted run's root process is live work: the PENDING ones are not dispatched.
    expect(first).toEqual({ advanced: 1, executed: 0, scheduled: 0 });
    expect(added.map((j) => j.job.runId)).toEqual([runs[0].id]);

    // The cap raised behind admission's back (say the api died before admitting).
    added.length = 0;
    await define({ id: PIPELINE, maxConcurrentRuns: 2, queueMode: 'fifo', uniqueBusinessKey: false });
    const second = await reconciler.reconcileOnce(0);
    expect(second.admitted).toBe(1);
    expect(added.map((j) => j.job)).toContainEqual({ kind: 'advance', runId: runs[1].id, processId: runs[1].rootProcess.id, rev: 0, nodeId: 's' });
    expect((await store.getRun(runs[1].id))!.state).toBe('RUNNING');
    expect((await store.getRun(runs[2].id))!.state).toBe('PENDING');
  });
});
