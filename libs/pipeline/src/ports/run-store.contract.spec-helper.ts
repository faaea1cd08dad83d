/**
 * The RunStore contract: every adapter (TypeORM on SQLite, TypeORM on MySQL, ...) runs this
 * same suite. Import it from a spec and call it with a factory for a fresh, empty store.
 */
import type { Decision } from '../engine/decision';
import { emptyDecision } from '../engine/decision';
import type { NodeRecord, ProcessRecord } from '../engine/run-state';
import type { PipelineTree } from '../model/tree.types';
import type { NewRun, NodeKey, RunStore } from './run-store.port';
import { StaleStateError } from './stale-state.error';
import { DuplicateBusinessKeyError } from '../errors/duplicate-business-key.error';

const TREE: PipelineTree = {
  id: 'contract-tree',
  start_event: { id: 's', type: 'EmptyStartEvent', incoming: '', outgoing: 'f0' },
  end_event: { id: 'e', type: 'EmptyEndEvent', incoming: ['f1'], outgoing: '' },
  activities: {
    a: { id: 'a', type: 'ServiceActivity', incoming: ['f0'], outgoing: 'f1', component: { code: 'noop', inputs: {} } },
  },
  gateways: {},
  flows: {
    f0: { id: 'f0', source: 's', target: 'a' },
    f1: { id: 'f1', source: 'a', target: 'e' },
  },
  data: { inputs: {}, outputs: [] },
};

let seq = 0;
function newRun(overrides: Partial<NewRun> = {}): NewRun {
  const id = `00000000-0000-4000-8000-${String(++seq).padStart(12, '0')}`;
  return {
    id,
    pipelineId: null,
    pipelineVersion: null,
    tree: TREE,
    converges: { x: 'y' },
    state: 'RUNNING',
    businessKey: `bk-${seq}`,
    priority: 0,
    inputs: { x: 1 },
    context: { '${x}': 1 },
    rootProcess: rootProcess(id),
    createdAt: new Date(Date.UTC(2026, 0, 1, 0, 0, seq)),
    ...overrides,
  };
}

/** Ids are UUID-sized (36 characters), as the columns are: MySQL refuses longer ones. */
function processId(runId: string, tag = 'p'): string {
  return tag + runId.slice(1);
}

function rootProcess(runId: string): ProcessRecord {
  return { id: processId(runId), runId, parentId: null, scopeId: TREE.id, currentNodeId: 's', destinationId: null, state: 'ACTIVE', pendingChildren: 0, rev: 0 };
}

function node(runId: string, patch: Partial<NodeRecord> = {}): NodeRecord {
  return {
    runId, nodeId: 'a', scopeId: TREE.id, processId: processId(runId), state: 'RUNNING', version: 1, loop: 1, retries: 0,
    skip: false, skipReason: null, errorIgnored: false, scheduleTimes: 0, awaiting: 'execute', callbacks: [], callbackSeq: 0, inputs: { big: 'x'.repeat(70_000), n: 1 }, outputs: {}, exData: null,
    startedAt: new Date(Date.UTC(2026, 0, 1, 12, 0, 0, 123)), finishedAt: null, pickedUpAt: null, ...patch,
  };
}

function decision(patch: Partial<Decision>): Decision {
  return { ...emptyDecision(), ...patch };
}

/** A stored definition's admission settings (DESIGN §8.4), as the contract sets them up. */
export interface ContractDefinition {
  id: string;
  maxConcurrentRuns: number | null;
  queueMode: 'fifo' | 'lifo';
  uniqueBusinessKey: boolean;
}

export interface ContractStore {
  store: RunStore;
  close: () => Promise<void>;
  /** Stores (or overwrites) a definition row with these settings. */
  define: (def: ContractDefinition) => Promise<void>;
}

export function runStoreContract(name: string, make: () => Promise<ContractStore>): void {
  describe(`RunStore contract: ${name}`, () => {
    let store: RunStore;
    let close: () => Promise<void>;
    let define: ContractStore['define'];
    beforeAll(async () => ({ store, close, define } = await make()));
    afterAll(async () => close?.());

    it('creates a run with its root process, tree and context', async () => {
      const run = newRun();
      await store.createRun(run);
      const row = await store.getRun(run.id);
      expect(row).toMatchObject({ id: run.id, state: 'RUNNING', rev: 0, inputs: { x: 1 }, businessKey: run.businessKey, rootTreeId: TREE.id });
      expect(row!.createdAt.toISOString()).toBe(run.createdAt.toISOString());
      expect(await store.loadTree(run.id)).toEqual({ tree: TREE, converges: { x: 'y' } });
      const slice = await store.loadProcessSlice(run.id, run.rootProcess.id);
      expect(slice).toMatchObject({ run: { id: run.id, state: 'RUNNING', rev: 0 }, process: run.rootProcess, parent: null, context: { '${x}': 1 } });
      expect(slice!.nodes.size).toBe(0);
    });

    it('answers null for unknown ids', async () => {
      expect(await store.getRun('nope')).toBeNull();
      expect(await store.loadTree('nope')).toBeNull();
      expect(await store.loadProcessSlice('nope', 'nope')).toBeNull();
      expect(await store.loadNode('nope', 'a')).toBeNull();
    });

    it('applies a decision atomically and round-trips records (JSON, dates, booleans)', async () => {
      const run = newRun();
      await store.createRun(run);
      const child: ProcessRecord = { ...rootProcess(run.id), id: processId(run.id, 'c'), parentId: run.rootProcess.id, currentNodeId: 'a', destinationId: 'cg' };
      const rec = node(run.id, { errorIgnored: true, exData: { why: 'x' } });
      await store.apply(
        run.id,
        decision({
          nodes: [{ expect: null, record: rec }],
          processes: [
            { expectRev: 0, record: { ...run.rootProcess, state: 'WAITING', pendingChildren: 1, rev: 1 } },
            { expectRev: null, record: child },
          ],
          context: [{ scopeId: TREE.id, key: '${y}', value: { deep: [1, 'two'] } }],
          run: { expectRev: 0, state: 'FAILED' },
          histories: [{ kind: 'loop', record: { ...rec, state: 'FINISHED' } }],
          events: [{ type: 'node_enter', nodeId: 'a', data: { version: 1 } }],
        }),
        new Date(),
      );
      expect(await store.loadNode(run.id, 'a')).toEqual(rec);
      const slice = await store.loadProcessSlice(run.id, child.id);
      expect(slice!.process).toEqual(child);
      expect(slice!.parent).toMatchObject({ id: run.rootProcess.id, state: 'WAITING', pendingChildren: 1, rev: 1 });
      expect(slice!.nodes.get('a')).toEqual(rec);
      expect(slice!.context).toEqual({ '${x}': 1, '${y}': { deep: [1, 'two'] } });
      expect(slice!.run).toEqual({ id: run.id, state: 'FAILED', rev: 1 });
      const hist = await store.listHistories(run.id, 'a');
      expect(hist).toHaveLength(1);
      expect(hist[0]).toMatchObject({ kind: 'loop', record: { state: 'FINISHED', version: 1, inputs: rec.inputs } });
      const events = await store.listEvents(run.id, 0, 10);
      expect(events.map((e) => [e.eventType, e.nodeId, e.data])).toEqual([['node_enter', 'a', { version: 1 }]]);
    });

    it('writes nothing when any guard fails, and says so with StaleStateError', async () => {
      const run = newRun();
      await store.createRun(run);
      await store.apply(run.id, decision({ nodes: [{ expect: null, record: node(run.id) }] }), new Date());
      const bad = decision({
        nodes: [{ expect: { state: 'RUNNING', version: 1, callbackSeq: 0 }, record: node(run.id, { state: 'FINISHED' }) }],
        context: [{ scopeId: TREE.id, key: '${z}', value: 1 }],
        processes: [{ expectRev: 5, record: { ...run.rootProcess, rev: 6 } }],
      });
      await expect(store.apply(run.id, bad, new Date())).rejects.toBeInstanceOf(StaleStateError);
      expect((await store.loadNode(run.id, 'a'))!.state).toBe('RUNNING');
      expect(await store.loadContext(run.id, TREE.id)).toEqual({ '${x}': 1 });
      // a second insert of the same node, a stale node version and a stale run rev all fail too
      for (const d of [
        decision({ nodes: [{ expect: null, record: node(run.id) }] }),
        decision({ nodes: [{ expect: { state: 'RUNNING', version: 2, callbackSeq: 0 }, record: node(run.id, { version: 3 }) }] }),
        decision({ nodes: [{ expect: { state: 'FAILED', version: 1, callbackSeq: 0 }, record: node(run.id, { version: 2 }) }] }),
        decision({ run: { expectRev: 7, state: 'FINISHED' } }),
      ]) {
        await expect(store.apply(run.id, d, new Date())).rejects.toBeInstanceOf(StaleStateError);
      }
    });

    it('lets exactly one of many concurrent compare-and-sets win', async () => {
      const run = newRun();
      await store.createRun(run);
      await store.apply(run.id, decision({ nodes: [{ expect: null, record: node(run.id) }] }), new Date());
      const results = await Promise.allSettled(
        Array.from({ length: 20 }, (_, i) =>
          store.apply(run.id, decision({ nodes: [{ expect: { state: 'RUNNING', version: 1, callbackSeq: 0 }, record: node(run.id, { state: 'FINISHED', outputs: { i } }) }] }), new Date()),
        ),
      );
      expect(results.filter((r) => r.status === 'fulfilled')).toHaveLength(1);
      expect(results.filter((r) => r.status === 'rejected').every((r) => (r as PromiseRejectedResult).reason instanceof StaleStateError)).toBe(true);
    });

    it('reads back exactly what it wrote through every read path (dates to the ms, JSON, flags)', async () => {
      const run = newRun();
      await store.createRun(run);
      const rec = node(run.id, {
        processId: run.rootProcess.id,
        skip: true,
        errorIgnored: true,
        awaiting: 'callback',
        callbacks: [{ a: 1 }, 'two'],
        callbackSeq: 2,
        outputs: { deep: { list: [1, null, 'x'] } },
        exData: { why: 'because' },
        finishedAt: new Date(Date.UTC(2026, 0, 2, 3, 4, 5, 678)),
      });
      await store.apply(run.id, decision({ nodes: [{ expect: null, record: rec }], context: [{ scopeId: TREE.id, key: '${y}', value: { n: 2 } }] }), new Date());
      const viaSlice = await store.loadProcessSlice(run.id, run.rootProcess.id, ['a']);
      expect(viaSlice!.nodes.get('a')).toEqual(rec);
      expect(viaSlice!.context).toEqual({ '${x}': 1, '${y}': { n: 2 } });
      expect(viaSlice!.process).toEqual(run.rootProcess);
      const viaNode = await store.loadNodeSlice(run.id, 'a', true);
      expect(viaNode!.node).toEqual(rec);
      expect(viaNode!.process).toEqual(run.rootProcess);
      expect(viaNode!.run).toEqual({ id: run.id, state: 'RUNNING', rev: 0 });
      expect(viaNode!.context).toEqual({ '${x}': 1, '${y}': { n: 2 } });
      expect(await store.loadNode(run.id, 'a')).toEqual(rec);
      expect(await store.loadNodeSlice(run.id, 'nope', false)).toBeNull();
      expect(await store.loadProcessSlice(run.id, 'nope')).toBeNull();
    });

    it('touches a running node so recovery sees it as busy, without changing it', async () => {
      const run = newRun();
      await store.createRun(run);
      const rec = node(run.id);
      await store.apply(run.id, decision({ nodes: [{ expect: null, record: rec }] }), new Date(Date.now() - 60_000));
      const before = new Date(Date.now() - 30_000);
      expect((await store.listLiveNodes(['RUNNING'], 1000, before)).some((n) => n.runId === run.id)).toBe(true);
      await store.touchNode(run.id, 'a', rec.version);
      expect((await store.listLiveNodes(['RUNNING'], 1000, before)).some((n) => n.runId === run.id)).toBe(false);
      expect(await store.loadNode(run.id, 'a')).toEqual(rec);
    });

    it('joins many branches at once without conflicts; the last one wakes the parent exactly once', async () => {
      const run = newRun();
      await store.createRun(run);
      const n = 30;
      const children: ProcessRecord[] = Array.from({ length: n }, (_, i) => ({
        ...run.rootProcess,
        id: processId(run.id, String.fromCharCode(97 + (i % 26)) + String(i).padStart(2, '0')).slice(0, 36),
        parentId: run.rootProcess.id,
        destinationId: 'cg',
        currentNodeId: 'cg',
        rev: 0,
      }));
      await store.apply(
        run.id,
        decision({
          processes: [
            { expectRev: 0, record: { ...run.rootProcess, state: 'WAITING', pendingChildren: n, rev: 1 } },
            ...children.map((c) => ({ expectRev: null, record: c })),
          ],
        }),
        new Date(),
      );
      const results = await Promise.all(
        children.map((c) =>
          store.apply(
            run.id,
            decision({ processes: [{ expectRev: 0, record: { ...c, state: 'DONE', rev: 1 } }], joins: [{ parentId: run.rootProcess.id, destinationId: 'cg' }] }),
            new Date(),
          ),
        ),
      );
      const woken = results.flatMap((r) => r.woken);
      expect(woken).toHaveLength(1);
      const snap = await store.loadRunSnapshot(run.id);
      const parent = snap!.processes.find((p) => p.id === run.rootProcess.id)!;
      expect(parent).toMatchObject({ state: 'ACTIVE', currentNodeId: 'cg', pendingChildren: 0 });
      expect(woken[0]).toEqual({ processId: parent.id, rev: parent.rev });
      expect(snap!.processes.filter((p) => p.state === 'DONE')).toHaveLength(n);
      // a join on a parent that is no longer waiting changes nothing
      const late = await store.apply(run.id, decision({ joins: [{ parentId: run.rootProcess.id, destinationId: 'cg' }] }), new Date());
      expect(late.woken).toEqual([]);
    });

    it('settles a run FAILED only once a process is blocked and none moves (settleRun)', async () => {
      const run = newRun();
      await store.createRun(run);
      const branch = (tag: string): ProcessRecord => ({
        ...run.rootProcess, id: processId(run.id, tag), parentId: run.rootProcess.id, destinationId: 'cg', currentNodeId: 'a', rev: 0,
      });
      const [x, y] = [branch('x'), branch('y')];
      await store.apply(
        run.id,
        decision({
          processes: [
            { expectRev: 0, record: { ...run.rootProcess, state: 'WAITING', pendingChildren: 2, rev: 1 } },
            { expectRev: null, record: { ...x, state: 'IN_NODE' } },
            { expectRev: null, record: { ...y, state: 'IN_NODE' } },
          ],
        }),
        new Date(),
      );
      // x blocks while y still runs: the run stays RUNNING.
      const blocked = await store.apply(run.id, decision({ processes: [{ expectRev: 0, record: { ...x, state: 'BLOCKED', rev: 1 } }], settleRun: true }), new Date());
      expect(blocked.failed ?? false).toBe(false);
      expect((await store.getRun(run.id))!.state).toBe('RUNNING');
      // without the flag nothing is settled, even with nothing moving
      await store.apply(run.id, decision({ processes: [{ expectRev: 0, record: { ...y, state: 'SUSPENDED', rev: 1 } }] }), new Date());
      expect((await store.getRun(run.id))!.state).toBe('RUNNING');
      // y stops for good (joins): nothing moves, x is blocked: FAILED, with a new run rev.
      const joined = await store.apply(
        run.id,
        decision({ processes: [{ expectRev: 1, record: { ...y, state: 'DONE', rev: 2 } }], joins: [{ parentId: run.rootProcess.id, destinationId: 'cg' }], settleRun: true }),
        new Date(),
      );
      expect(joined).toEqual({ woken: [], failed: true });
      expect(await store.getRun(run.id)).toMatchObject({ state: 'FAILED', rev: 1 });
      // a FAILED run is not settled again
      const again = await store.apply(run.id, decision({ settleRun: true }), new Date());
      expect(again.failed ?? false).toBe(false);
    });

    it('settles a run FAILED when its last two moving branches stop at the same time', async () => {
      // Each stop sees the other still moving unless the store serialises them (see settleRun).
      const runs = await Promise.all(
        Array.from({ length: 8 }, async () => {
          const run = newRun();
          await store.createRun(run);
          const [x, y] = ['x', 'y'].map((tag) => ({
            ...run.rootProcess, id: processId(run.id, tag), parentId: run.rootProcess.id, destinationId: 'cg', currentNodeId: 'a', state: 'IN_NODE' as const, rev: 0,
          }));
          await store.apply(
            run.id,
            decision({
              processes: [
                { expectRev: 0, record: { ...run.rootProcess, state: 'WAITING', pendingChildren: 2, rev: 1 } },
                { expectRev: null, record: x },
                { expectRev: null, record: y },
              ],
            }),
            new Date(),
          );
          return { run, x, y };
        }),
      );
      await Promise.all(
        runs.flatMap(({ run, x, y }) => [
          store.apply(run.id, decision({ processes: [{ expectRev: 0, record: { ...x, state: 'BLOCKED', rev: 1 } }], settleRun: true }), new Date()),
          store.apply(
            run.id,
            decision({ processes: [{ expectRev: 0, record: { ...y, state: 'DONE', rev: 1 } }], joins: [{ parentId: run.rootProcess.id, destinationId: 'cg' }], settleRun: true }),
            new Date(),
          ),
        ]),
      );
      const states = await Promise.all(runs.map(async ({ run }) => (await store.getRun(run.id))!.state));
      expect(states).toEqual(runs.map(() => 'FAILED'));
    });

    it('resets and upserts context values', async () => {
      const run = newRun();
      await store.createRun(run);
      await store.apply(run.id, decision({ context: [{ scopeId: 'sub', key: '${a}', value: 1 }, { scopeId: 'sub', key: '${b}', value: 2 }] }), new Date());
      await store.apply(run.id, decision({ contextResets: ['sub'], context: [{ scopeId: 'sub', key: '${a}', value: 3 }] }), new Date());
      await store.apply(run.id, decision({ context: [{ scopeId: 'sub', key: '${a}', value: null }] }), new Date());
      expect(await store.loadContext(run.id, 'sub')).toEqual({ '${a}': null });
      expect(await store.loadContext(run.id, TREE.id)).toEqual({ '${x}': 1 });
    });

    it('lists runs with filters and pagination, newest first', async () => {
      const pid = `pl-${seq}`;
      const runs = [newRun({ pipelineId: pid }), newRun({ pipelineId: pid, businessKey: 'order-42' }), newRun({ pipelineId: pid, state: 'PENDING' })];
      for (const r of runs) await store.createRun(r);
      const all = await store.listRuns({ pipelineId: pid, offset: 0, limit: 10 });
      expect(all.total).toBe(3);
      expect(all.items.map((r) => r.id)).toEqual([runs[2].id, runs[1].id, runs[0].id]);
      expect((await store.listRuns({ pipelineId: pid, offset: 1, limit: 1 })).items.map((r) => r.id)).toEqual([runs[1].id]);
      expect((await store.listRuns({ businessKey: 'order-42', offset: 0, limit: 10 })).items.map((r) => r.id)).toEqual([runs[1].id]);
      expect((await store.listRuns({ pipelineId: pid, state: 'PENDING', offset: 0, limit: 10 })).total).toBe(1);
    });

    it("numbers a run's events 1, 2, 3... from its creation on, and pages by that number", async () => {
      const ev = (type: string, i: number) => ({ type, nodeId: 'a', data: { i } });
      const run = newRun({ events: [ev('pre_prepare_run_pipeline', 1), ev('post_prepare_run_pipeline', 2)] });
      const other = newRun({ events: [ev('pre_prepare_run_pipeline', 1)] });
      await store.createRun(run);
      await store.createRun(other);
      // Logged unnumbered, with a run update and without one; a lost guard logs nothing.
      await store.apply(run.id, decision({ run: { expectRev: 0, state: 'RUNNING' }, events: [ev('node_enter', 3), ev('node_finish', 4)] }), new Date());
      await store.apply(other.id, decision({ events: [ev('node_enter', 2)] }), new Date());
      // Numbered when the log is read: what committed so far, after the creation events.
      expect((await store.listEvents(run.id, 2, 100)).map((e) => [e.seq, e.data?.i])).toEqual([[3, 3], [4, 4]]);
      await store.apply(run.id, decision({ events: [ev('node_enter', 5), ev('node_finish', 6), ev('node_enter', 7)] }), new Date());
      await store.apply(run.id, decision({ context: [{ scopeId: TREE.id, key: '${q}', value: 1 }] }), new Date());
      await expect(store.apply(run.id, decision({ run: { expectRev: 99 }, events: [ev('lost', 0)] }), new Date())).rejects.toBeInstanceOf(StaleStateError);
      await store.apply(run.id, decision({ events: [ev('node_finish', 8)] }), new Date());
      expect(await store.numberEvents(run.id)).toBe(4);
      expect(await store.numberEvents(run.id)).toBe(0);

      const all = await store.listEvents(run.id, 0, 100);
      expect(all.map((e) => [e.seq, e.data?.i])).toEqual([1, 2, 3, 4, 5, 6, 7, 8].map((i) => [i, i]));
      expect(all.every((e) => e.runId === run.id)).toBe(true);
      const paged: number[] = [];
      for (let after = 0; ; ) {
        const page = await store.listEvents(run.id, after, 3);
        if (page.length === 0) break;
        paged.push(...page.map((e) => e.seq));
        after = page[page.length - 1].seq;
      }
      expect(paged).toEqual([1, 2, 3, 4, 5, 6, 7, 8]);
      expect((await store.listEvents(other.id, 0, 100)).map((e) => e.seq)).toEqual([1, 2]);
      expect(await store.findEventSeq(run.id, all[4].id)).toBe(5);
      expect(await store.findEventSeq(other.id, all[4].id)).toBeNull();
    });

    it('keeps every run’s log gapless, each decision’s events together, under concurrent writers and readers', async () => {
      const runs = [newRun({ events: [{ type: 'pre_prepare_run_pipeline', nodeId: null, data: {} }] }), newRun()];
      for (const r of runs) await store.createRun(r);
      const branches = 24;
      // Each branch enters its own node and logs 1-3 events, all runs' branches at once, while
      // a reader per run pages through the log (by the last seq it got) as it grows.
      const writes = runs.flatMap((r) =>
        Array.from({ length: branches }, (_, b) => {
          const nodeId = `n${b}`;
          const events = Array.from({ length: 1 + (b % 3) }, (_, k) => ({ type: 'node_enter', nodeId, data: { b, k } }));
          const d = decision({ nodes: [{ expect: null, record: node(r.id, { nodeId, inputs: { b } }) }], events });
          return store.apply(r.id, d, new Date());
        }),
      );
      let writing = true;
      const readers = runs.map(async (r) => {
        const seen: number[] = [];
        for (let after = 0, last = false; !last; ) {
          last = !writing;
          for (let page; (page = await store.listEvents(r.id, after, 5)).length; after = page[page.length - 1].seq) seen.push(...page.map((e) => e.seq));
        }
        return seen;
      });
      await Promise.all(writes);
      writing = false;
      const seenByReaders = await Promise.all(readers);
      for (const [i, r] of runs.entries()) {
        const total = (r.events?.length ?? 0) + Array.from({ length: branches }, (_, b) => 1 + (b % 3)).reduce((x, y) => x + y, 0);
        const logged = await store.listEvents(r.id, 0, 1000);
        expect(logged.map((e) => e.seq)).toEqual(Array.from({ length: total }, (_, k) => k + 1));
        // The reader saw every number once, in order, though it read while they were handed out.
        expect(seenByReaders[i]).toEqual(logged.map((e) => e.seq));
        // Each decision's events sit together, in the decision's order.
        for (let b = 0; b < branches; b++) {
          const mine = logged.filter((e) => e.data?.b === b);
          expect(mine.map((e) => e.data)).toEqual(Array.from({ length: 1 + (b % 3) }, (_, k) => ({ b, k })));
          expect(mine[mine.length - 1].seq - mine[0].seq).toBe(mine.length - 1);
        }
      }
    });

    it('pages through every live node in key order, however many, each exactly once', async () => {
      const live = [newRun(), newRun(), newRun()];
      const done = newRun();
      for (const r of [...live, done]) await store.createRun(r);
      // Ids whose binary order is not their case-insensitive one: keyset and ORDER BY must agree.
      const ids = ['a', 'A', 'b', 'B10', 'B9', 'n_1', 'n-2', 'z'];
      for (const r of [...live, done]) {
        await store.apply(
          r.id,
          decision({
            nodes: ids.map((nodeId, i) => ({ expect: null, record: node(r.id, { nodeId, inputs: {}, state: i === 2 ? 'FINISHED' : 'RUNNING' }) })),
            ...(r === done ? { run: { expectRev: 0, state: 'FINISHED' } } : {}),
          }),
          new Date(),
        );
      }
      const mine = new Set(live.map((r) => r.id));
      const expected = live
        .flatMap((r) => ids.filter((id) => id !== 'b').map((nodeId) => `${r.id}/${nodeId}`))
        .sort((x, y) => (x < y ? -1 : x > y ? 1 : 0));
      for (const limit of [1, 3, 7]) {
        const seen: string[] = [];
        let pages = 0;
        for (let after: NodeKey | null = null; ; pages++) {
          const page = await store.pageLiveNodes(['RUNNING'], after, limit);
          expect(page.length).toBeLessThanOrEqual(limit);
          seen.push(...page.map((n) => `${n.runId}/${n.nodeId}`));
          if (page.length < limit) break;
          after = { runId: page[page.length - 1].runId, nodeId: page[page.length - 1].nodeId };
        }
        // Other tests' runs share the store: keep this test's.
        expect(seen.filter((k) => mine.has(k.slice(0, 36)))).toEqual(expected);
        expect(new Set(seen).size).toBe(seen.length);
        expect(pages).toBeGreaterThanOrEqual(Math.floor(expected.length / limit));
      }
      expect(await store.pageLiveNodes(['FINISHED'], { runId: live[0].id, nodeId: '' }, 100)).toEqual(
        expect.arrayContaining([expect.objectContaining({ runId: live[0].id, nodeId: 'b', state: 'FINISHED' })]),
      );
    });

    it('finds live processes and nodes of unfinished runs only', async () => {
      const live = newRun();
      const done = newRun();
      await store.createRun(live);
      await store.createRun(done);
      await store.apply(done.id, decision({ run: { expectRev: 0, state: 'FINISHED' }, nodes: [{ expect: null, record: node(done.id) }] }), new Date());
      await store.apply(live.id, decision({ nodes: [{ expect: null, record: node(live.id) }] }), new Date());
      const procs = await store.listLiveProcesses(['ACTIVE'], 1000);
      expect(procs.some((p) => p.runId === live.id)).toBe(true);
      expect(procs.some((p) => p.runId === done.id)).toBe(false);
      const nodes = await store.listLiveNodes(['RUNNING'], 1000);
      expect(nodes.some((n) => n.runId === live.id)).toBe(true);
      expect(nodes.some((n) => n.runId === done.id)).toBe(false);
    });

    it('stores run timeouts, the revoke reason and the pick-up time (DESIGN §8.3)', async () => {
      const deadlineAt = new Date(Date.UTC(2026, 5, 1, 0, 0, 0, 250));
      const run = newRun({ timeoutSeconds: 30, deadlineAt });
      await store.createRun(run);
      expect(await store.getRun(run.id)).toMatchObject({ timeoutSeconds: 30, deadlineAt, reason: null });
      expect((await store.loadRunSnapshot(run.id))!.run.deadlineAt).toEqual(deadlineAt);
      const pickedUpAt = new Date(Date.UTC(2026, 0, 1, 12, 0, 1, 456));
      await store.apply(run.id, decision({ nodes: [{ expect: null, record: node(run.id, { pickedUpAt }) }] }), new Date());
      expect((await store.loadNode(run.id, 'a'))!.pickedUpAt).toEqual(pickedUpAt);
      expect((await store.loadNodeSlice(run.id, 'a', false))!.node.pickedUpAt).toEqual(pickedUpAt);
      await store.apply(run.id, decision({ run: { expectRev: 0, state: 'REVOKED', reason: 'timeout', finishedAt: new Date() } }), new Date());
      expect(await store.getRun(run.id)).toMatchObject({ state: 'REVOKED', reason: 'timeout' });
      expect(await store.getRun(newRun().id)).toBeNull();
    });

    it('pages through the deadlines of unfinished runs in (deadline, id) order, each once', async () => {
      const base = Date.UTC(2030, 0, 1);
      // Two runs share a deadline: the id breaks the tie.
      const runs = [3, 1, 2, 2, 5].map((s) => newRun({ timeoutSeconds: s, deadlineAt: new Date(base + s * 1000) }));
      const done = newRun({ timeoutSeconds: 1, deadlineAt: new Date(base) });
      const none = newRun();
      for (const r of [...runs, done, none]) await store.createRun(r);
      await store.apply(done.id, decision({ run: { expectRev: 0, state: 'FINISHED' } }), new Date());
      const mine = new Set(runs.map((r) => r.id));
      const expected = [...runs]
        .sort((x, y) => x.deadlineAt!.getTime() - y.deadlineAt!.getTime() || (x.id < y.id ? -1 : 1))
        .map((r) => r.id);
      for (const limit of [1, 2, 100]) {
        const seen: string[] = [];
        for (let after: { runId: string; deadlineAt: Date } | null = null; ; ) {
          const page = await store.pageRunDeadlines(after, limit);
          seen.push(...page.map((d) => d.runId));
          if (page.length < limit) break;
          after = page[page.length - 1];
        }
        expect(seen.filter((id) => mine.has(id))).toEqual(expected);
        expect(seen).not.toContain(done.id);
        expect(seen).not.toContain(none.id);
      }
    });
    describe('admission (DESIGN §8.4)', () => {
      let defs = 0;
      async function definition(patch: Partial<ContractDefinition> = {}): Promise<ContractDefinition> {
        const def: ContractDefinition = {
          id: `d0000000-0000-4000-8000-${String(++defs).padStart(12, '0')}`,
          maxConcurrentRuns: 2,
          queueMode: 'fifo',
          uniqueBusinessKey: false,
          ...patch,
        };
        await define(def);
        return def;
      }
      const end = (state: 'FINISHED' | 'REVOKED', rev = 0) =>
        decision({ run: { expectRev: rev, state, finishedAt: new Date(), releasesSlot: true } });

      it('creates runs beyond the cap PENDING, without a deadline or start', async () => {
        const def = await definition();
        const runs = [1, 2, 3].map(() => newRun({ pipelineId: def.id, timeoutSeconds: 60, deadlineAt: new Date(Date.UTC(2030, 0, 1)) }));
        const created = [];
        for (const r of runs) created.push(await store.createRun(r));
        expect(created.map((c) => c.state)).toEqual(['RUNNING', 'RUNNING', 'PENDING']);
        expect(created[2].deadlineAt).toBeNull();
        expect(await store.getRun(runs[2].id)).toMatchObject({ state: 'PENDING', startedAt: null, deadlineAt: null, timeoutSeconds: 60 });
        expect(await store.listPipelinesWithPendingRuns(1000)).toContain(def.id);
        // A PENDING run's root process is not live work: the reconciler must not dispatch it.
        const live = await store.listLiveProcesses(['ACTIVE'], 10_000);
        expect(live.map((p) => p.runId)).not.toContain(runs[2].id);
      });

      it('a run ending FINISHED admits the oldest PENDING run (fifo) in the same transaction, its deadline from admission', async () => {
        const def = await definition();
        const runs = [1, 2, 3, 4].map(() => newRun({ pipelineId: def.id, timeoutSeconds: 30 }));
        for (const r of runs) await store.createRun(r);
        const now = new Date();
        const applied = await store.apply(runs[0].id, end('FINISHED'), now);
        const deadline = new Date(now.getTime() + 30_000);
        expect(applied.admitted).toEqual([
          {
            runId: runs[2].id,
            processId: runs[2].rootProcess.id,
            rev: 0,
            nodeId: 's',
            deadlineAt: deadline,
            event: { type: 'pipeline_admitted', nodeId: null, data: { pipeline_id: runs[2].id, deadline: deadline.toISOString() }, seq: 1 },
          },
        ]);
        // Logged in the run's event log under the number it was given.
        const events = await store.listEvents(runs[2].id, 0, 10);
        expect(events.map((e) => [e.seq, e.eventType, e.data])).toEqual([[1, 'pipeline_admitted', { pipeline_id: runs[2].id, deadline: deadline.toISOString() }]]);
        const admitted = await store.getRun(runs[2].id);
        expect(admitted).toMatchObject({ state: 'RUNNING', rev: 1 });
        expect(admitted!.startedAt!.getTime()).toBe(now.getTime());
        expect(admitted!.deadlineAt!.getTime()).toBe(now.getTime() + 30_000);
        expect((await store.getRun(runs[3].id))!.state).toBe('PENDING');
      });

      it('lifo admits the newest PENDING run first', async () => {
        const def = await definition({ maxConcurrentRuns: 1, queueMode: 'lifo' });
        const runs = [1, 2, 3].map(() => newRun({ pipelineId: def.id }));
        for (const r of runs) await store.createRun(r);
        const applied = await store.apply(runs[0].id, end('REVOKED'), new Date());
        expect(applied.admitted?.map((a) => a.runId)).toEqual([runs[2].id]);
      });

      it('a FAILED or SUSPENDED run keeps its slot; revoking a PENDING run admits no one', async () => {
        const def = await definition({ maxConcurrentRuns: 2 });
        const runs = [1, 2, 3, 4].map(() => newRun({ pipelineId: def.id }));
        for (const r of runs) await store.createRun(r);
        expect((await store.apply(runs[0].id, decision({ run: { expectRev: 0, state: 'FAILED' } }), new Date())).admitted).toBeUndefined();
        expect((await store.apply(runs[1].id, decision({ run: { expectRev: 0, state: 'SUSPENDED' } }), new Date())).admitted).toBeUndefined();
        expect((await store.admitPending(def.id, new Date()))).toEqual([]);
        const revoked = await store.apply(runs[2].id, decision({ run: { expectRev: 0, state: 'REVOKED', releasesSlot: false } }), new Date());
        expect(revoked.admitted).toBeUndefined();
        expect((await store.getRun(runs[3].id))!.state).toBe('PENDING');
        // The FAILED run revoked: its slot goes to the next PENDING run.
        expect((await store.apply(runs[0].id, end('REVOKED', 1), new Date())).admitted?.map((a) => a.runId)).toEqual([runs[3].id]);
      });

      it('admitPending fills a raised cap at once, as many as fit', async () => {
        const def = await definition({ maxConcurrentRuns: 1 });
        const runs = [1, 2, 3, 4, 5].map(() => newRun({ pipelineId: def.id }));
        for (const r of runs) await store.createRun(r);
        await define({ ...def, maxConcurrentRuns: 3 });
        expect((await store.admitPending(def.id, new Date())).map((a) => a.runId)).toEqual([runs[1].id, runs[2].id]);
        await define({ ...def, maxConcurrentRuns: null });
        expect((await store.admitPending(def.id, new Date())).map((a) => a.runId)).toEqual([runs[3].id, runs[4].id]);
        expect(await store.listPipelinesWithPendingRuns(1000)).not.toContain(def.id);
      });

      it('never admits beyond the cap when many runs start at once', async () => {
        const def = await definition({ maxConcurrentRuns: 3 });
        // Half of them with a stale hint (the caller read the definition before it got its cap).
        const runs = Array.from({ length: 12 }, (_, i) => newRun({ pipelineId: def.id, ...(i % 2 ? { admissionLock: 'shared' as const } : {}) }));
        const created = await Promise.all(runs.map((r) => store.createRun(r)));
        expect(created.filter((c) => c.state === 'RUNNING')).toHaveLength(3);
        const rows = await Promise.all(runs.map((r) => store.getRun(r.id)));
        expect(rows.filter((r) => r!.state === 'RUNNING')).toHaveLength(3);
        // Ending every running one at once admits exactly as many.
        const running = runs.filter((_, i) => created[i].state === 'RUNNING');
        const applied = await Promise.all(running.map((r) => store.apply(r.id, end('FINISHED'), new Date())));
        expect(applied.flatMap((a) => a.admitted ?? [])).toHaveLength(3);
        const after = await store.listRuns({ pipelineId: def.id, state: 'RUNNING', offset: 0, limit: 100 });
        expect(after.total).toBe(3);
      });

      it('an uncapped definition starts and ends its runs concurrently (shared lock), all RUNNING', async () => {
        const def = await definition({ maxConcurrentRuns: null });
        const runs = Array.from({ length: 8 }, () => newRun({ pipelineId: def.id, admissionLock: 'shared' }));
        const created = await Promise.all(runs.map((r) => store.createRun(r)));
        expect(created.every((c) => c.state === 'RUNNING')).toBe(true);
        const applied = await Promise.all(runs.map((r) => store.apply(r.id, end('FINISHED'), new Date())));
        expect(applied.flatMap((a) => a.admitted ?? [])).toEqual([]);
      });

      it('uniqueBusinessKey refuses a second run with the key while one is not FINISHED or REVOKED', async () => {
        const def = await definition({ maxConcurrentRuns: null, uniqueBusinessKey: true });
        const first = newRun({ pipelineId: def.id, businessKey: 'order-1' });
        await store.createRun(first);
        const err = await store.createRun(newRun({ pipelineId: def.id, businessKey: 'order-1' })).catch((e: unknown) => e);
        expect(err).toBeInstanceOf(DuplicateBusinessKeyError);
        expect(err).toMatchObject({ code: 'DUPLICATE_BUSINESS_KEY', existingRunId: first.id });
        // Other keys, and the same key on a definition without the flag, pass.
        await store.createRun(newRun({ pipelineId: def.id, businessKey: 'order-2' }));
        const other = await definition({ maxConcurrentRuns: null });
        await store.createRun(newRun({ pipelineId: other.id, businessKey: 'order-1' }));
        await store.apply(first.id, end('FINISHED'), new Date());
        expect((await store.createRun(newRun({ pipelineId: def.id, businessKey: 'order-1' }))).state).toBe('RUNNING');
      });

      it('two concurrent starts with one unique key: one passes', async () => {
        const def = await definition({ maxConcurrentRuns: null, uniqueBusinessKey: true });
        const results = await Promise.allSettled(
          [1, 2, 3, 4].map((i) => store.createRun(newRun({ pipelineId: def.id, businessKey: 'same', admissionLock: i % 2 ? 'shared' : 'exclusive' }))),
        );
        expect(results.filter((r) => r.status === 'fulfilled')).toHaveLength(1);
        for (const r of results) if (r.status === 'rejected') expect(r.reason).toBeInstanceOf(DuplicateBusinessKeyError);
      });
    });
  });
}
