import { ConflictError } from '../errors';
import type { NodeTimeouts, PipelineTree, RetryPolicy } from '../model/tree.types';
import { validateTree } from '../model/validate-tree';
import { EngineSimulator } from './engine-simulator.spec-helper';
import { needsPickUp, nodeTimeoutVerdict, pickUp, type NodeTimeoutName } from './node-timeouts';
import { blankNodeRecord, type NodeRecord } from './run-state';

/** DESIGN §8.3: node timeouts (queue, running) and the run's deadline, decided by the pure core. */

const T0 = 1_000_000;
const at = (ms: number) => new Date(T0 + ms);

function running(patch: Partial<NodeRecord> = {}): NodeRecord {
  return blankNodeRecord({ runId: 'r', nodeId: 'a1', scopeId: 'lin', processId: 'p0', state: 'RUNNING', version: 1, startedAt: at(0), awaiting: 'execute', ...patch });
}

describe('nodeTimeoutVerdict', () => {
  const both: NodeTimeouts = { queueSeconds: 2, runningSeconds: 5 };
  it.each<[string, NodeRecord | undefined, NodeTimeouts | undefined, NodeTimeoutName, number, number, string]>([
    // [case, node, timeouts, which, version, now (ms after start), verdict kind]
    ['queue, not picked up, due', running(), both, 'queue', 1, 2000, 'expired'],
    ['queue, not picked up, late', running(), both, 'queue', 1, 9000, 'expired'],
    ['queue, not picked up, early', running(), both, 'queue', 1, 1999, 'not_yet'],
    ['queue, picked up in time', running({ pickedUpAt: at(500) }), both, 'queue', 1, 2000, 'not_applicable'],
    ['queue, none configured', running(), { runningSeconds: 5 }, 'queue', 1, 9000, 'not_applicable'],
    ['running, picked up, due', running({ pickedUpAt: at(500) }), both, 'running', 1, 5500, 'expired'],
    ['running, picked up later than armed', running({ pickedUpAt: at(500) }), both, 'running', 1, 5000, 'not_yet'],
    ['running, not picked up yet', running(), both, 'running', 1, 9000, 'not_yet'],
    ['running, none configured', running({ pickedUpAt: at(0) }), { queueSeconds: 1 }, 'running', 1, 9000, 'not_applicable'],
    ['no timeouts at all', running(), undefined, 'running', 1, 9000, 'not_applicable'],
    ['stale version', running({ version: 2, pickedUpAt: at(0) }), both, 'running', 1, 9000, 'not_applicable'],
    ['node finished', running({ state: 'FINISHED', pickedUpAt: at(0) }), both, 'running', 1, 9000, 'not_applicable'],
    ['node failed', running({ state: 'FAILED' }), both, 'queue', 1, 9000, 'not_applicable'],
    ['node absent', undefined, both, 'queue', 1, 9000, 'not_applicable'],
  ])('%s', (_case, rec, timeouts, which, version, now, kind) => {
    expect(nodeTimeoutVerdict(rec, timeouts, which, version, at(now)).kind).toBe(kind);
  });

  it('names the timeout that ran out in ex_data', () => {
    expect(nodeTimeoutVerdict(running(), { queueSeconds: 2 }, 'queue', 1, at(2000))).toEqual({
      kind: 'expired', seconds: 2, exData: 'queue timeout: not started within 2 s',
    });
    expect(nodeTimeoutVerdict(running({ pickedUpAt: at(0) }), { runningSeconds: 300 }, 'running', 1, at(300_000))).toEqual({
      kind: 'expired', seconds: 300, exData: 'running timeout: not done within 300 s',
    });
  });

  it('says when to check again: at the pick-up plus the running time, or a running time from now', () => {
    expect(nodeTimeoutVerdict(running({ pickedUpAt: at(700) }), { runningSeconds: 5 }, 'running', 1, at(5000))).toMatchObject({ dueAt: at(5700) });
    expect(nodeTimeoutVerdict(running(), { runningSeconds: 5 }, 'running', 1, at(5000))).toMatchObject({ dueAt: at(10_000) });
    expect(nodeTimeoutVerdict(running(), { queueSeconds: 2 }, 'queue', 1, at(1000))).toMatchObject({ dueAt: at(2000) });
  });

  it.each([
    [undefined, false],
    [{}, false],
    [{ queueSeconds: 1 }, true],
    [{ runningSeconds: 1 }, true],
  ])('needsPickUp(%j) = %s', (t, want) => expect(needsPickUp(t)).toBe(want));
});

describe('pickUp', () => {
  const base = (rec: NodeRecord) => ({ run: { id: 'r', state: 'RUNNING' as const, rev: 0 }, nodes: new Map([[rec.nodeId, rec]]), now: at(100) });

  it('records the pick-up as a compare-and-set write of the node', () => {
    const d = pickUp(base(running({ callbackSeq: 3 })), 'a1', 1);
    expect(d.dropped).toBeUndefined();
    expect(d.nodes).toHaveLength(1);
    expect(d.nodes[0].expect).toEqual({ state: 'RUNNING', version: 1, callbackSeq: 3 });
    expect(d.nodes[0].record).toMatchObject({ pickedUpAt: at(100), callbackSeq: 4, state: 'RUNNING', version: 1 });
  });

  it.each<[string, Partial<NodeRecord>, number]>([
    ['already picked up', { pickedUpAt: at(0) }, 1],
    ['another version', {}, 2],
    ['not awaiting its execute', { awaiting: 'schedule' }, 1],
    ['not running', { state: 'FAILED', awaiting: null }, 1],
  ])('is dropped when %s', (_case, patch, version) => {
    expect(pickUp(base(running(patch)), 'a1', version).dropped).toBeTruthy();
  });
});

/** s → a1 → a2 → e, a1 waiting for a callback (so it stays RUNNING until a timeout). */
function tree(a1: { retry?: RetryPolicy; timeout?: NodeTimeouts; error_ignorable?: boolean }): PipelineTree {
  const act = (id: string, i: number, extra: object) => ({
    id, type: 'ServiceActivity', name: id, incoming: [`f${i}`], outgoing: `f${i + 1}`,
    component: { code: 'wait', inputs: {} }, ...extra,
  });
  return {
    id: 'lin',
    start_event: { id: 's', type: 'EmptyStartEvent', incoming: '', outgoing: 'f0' },
    end_event: { id: 'e', type: 'EmptyEndEvent', incoming: ['f2'], outgoing: '' },
    activities: { a1: act('a1', 0, a1), a2: act('a2', 1, {}) },
    gateways: {},
    flows: {
      f0: { id: 'f0', source: 's', target: 'a1', is_default: false },
      f1: { id: 'f1', source: 'a1', target: 'a2', is_default: false },
      f2: { id: 'f2', source: 'a2', target: 'e', is_default: false },
    },
    data: { inputs: {}, outputs: [] },
  } as unknown as PipelineTree;
}

/** The simulator with a1 RUNNING (never finishing on its own), picked up at T0 when `pickedUp`. */
function started(a1: Parameters<typeof tree>[0], pickedUp = true): EngineSimulator {
  const t = tree(a1);
  const v = validateTree(t);
  if (!v.valid) throw new Error(JSON.stringify(v.errors));
  const sim = new EngineSimulator(t, v.converges, {}, (id) => (id === 'a1' ? { ok: true, outputs: {}, finished: false } : { ok: true, outputs: {}, finished: true }));
  sim.runToEnd();
  const a1rec = sim.nodes.get('a1')!;
  sim.nodes.set('a1', { ...a1rec, startedAt: at(0), pickedUpAt: pickedUp ? at(0) : null });
  return sim;
}

describe('operate: node_timeout', () => {
  const timeout = (sim: EngineSimulator, which: NodeTimeoutName, nowMs: number) =>
    sim.operate({ type: 'node_timeout', nodeId: 'a1', version: sim.nodes.get('a1')!.version, timeout: which }, at(nowMs));

  it('retries under the retry policy (same max, same delays), then fails naming the timeout', () => {
    const sim = started({ retry: { max: 2, delaySeconds: 1, backoff: 'exponential' }, timeout: { runningSeconds: 5 } });
    const first = timeout(sim, 'running', 5000);
    expect(first.dropped).toBeUndefined();
    expect(sim.nodes.get('a1')).toMatchObject({ state: 'RUNNING', version: 2, retries: 1, pickedUpAt: null, startedAt: at(6000) });
    expect(first.effects).toEqual([{ type: 'execute', nodeId: 'a1', version: 2, delayMs: 1000 }]);
    expect(first.events.map((e) => [e.type, e.data.timeout ?? e.data.retrying])).toEqual([
      ['node_timeout', 'running'],
      ['node_execute_fail', true],
    ]);

    sim.nodes.set('a1', { ...sim.nodes.get('a1')!, pickedUpAt: at(6000) });
    const second = timeout(sim, 'running', 11_000);
    expect(second.effects).toEqual([{ type: 'execute', nodeId: 'a1', version: 3, delayMs: 2000 }]);
    expect(sim.nodes.get('a1')).toMatchObject({ version: 3, retries: 2 });

    sim.nodes.set('a1', { ...sim.nodes.get('a1')!, pickedUpAt: at(13_000) });
    timeout(sim, 'running', 18_000);
    expect(sim.nodes.get('a1')).toMatchObject({ state: 'FAILED', version: 3, retries: 2, exData: 'running timeout: not done within 5 s' });
    expect(sim.run.state).toBe('FAILED');
    expect(sim.histories.filter((h) => h.kind === 'auto_retry')).toHaveLength(2);
    expect(sim.state('a2')).toBeNull();
  });

  it('fires a queue timeout on a node no worker picked up', () => {
    const sim = started({ timeout: { queueSeconds: 2 } }, false);
    timeout(sim, 'queue', 2000);
    expect(sim.nodes.get('a1')).toMatchObject({ state: 'FAILED', exData: 'queue timeout: not started within 2 s' });
    expect(sim.run.state).toBe('FAILED');
  });

  it('finishes with the error ignored when the activity is error_ignorable', () => {
    const sim = started({ timeout: { runningSeconds: 1 }, error_ignorable: true });
    timeout(sim, 'running', 1000);
    sim.runToEnd();
    expect(sim.nodes.get('a1')).toMatchObject({ state: 'FINISHED', errorIgnored: true, exData: 'running timeout: not done within 1 s' });
  });

  it.each<[string, Parameters<typeof tree>[0], boolean, NodeTimeoutName, number, boolean]>([
    // [case, a1 config, picked up, which, now, notBefore expected]
    ['queue timeout of a node picked up in time', { timeout: { queueSeconds: 2 } }, true, 'queue', 2000, false],
    ['running timeout asked too early', { timeout: { runningSeconds: 5 } }, true, 'running', 4000, true],
    ['running timeout before any pick-up', { timeout: { queueSeconds: 9, runningSeconds: 5 } }, false, 'running', 5000, true],
    ['timeout the node does not have', { timeout: { queueSeconds: 2 } }, true, 'running', 9000, false],
  ])('drops a %s', (_case, a1, pickedUp, which, nowMs, notBefore) => {
    const sim = started(a1, pickedUp);
    const before = structuredClone(sim.nodes.get('a1'));
    const d = timeout(sim, which, nowMs);
    expect(d.dropped).toBeTruthy();
    expect(!!d.notBefore).toBe(notBefore);
    expect(d.nodes).toEqual([]);
    expect(sim.nodes.get('a1')).toEqual(before);
  });

  it('drops a stale version', () => {
    const sim = started({ timeout: { runningSeconds: 1 } });
    const d = sim.operate({ type: 'node_timeout', nodeId: 'a1', version: 7, timeout: 'running' }, at(9000));
    expect(d.dropped).toMatch(/version/);
  });
});

describe('operate: timeout_run', () => {
  it('revokes the run with reason timeout once its deadline passed, logging pipeline_timeout first', () => {
    const sim = started({});
    sim.run = { ...sim.run, deadlineAt: at(10_000) };
    const d = sim.operate({ type: 'timeout_run' }, at(10_000));
    expect(d.events.map((e) => e.type)).toEqual(['pipeline_timeout', 'pre_revoke_pipeline', 'post_revoke_pipeline']);
    expect(d.run).toMatchObject({ state: 'REVOKED', reason: 'timeout' });
    expect(sim.run.state).toBe('REVOKED');
    expect(sim.reason).toBe('timeout');
    expect(sim.state('a1')).toBe('REVOKED');
  });

  it('is dropped before the deadline (notBefore) and without one', () => {
    const sim = started({});
    expect(sim.operate({ type: 'timeout_run' }, at(0))).toMatchObject({ dropped: 'the run has no deadline' });
    sim.run = { ...sim.run, deadlineAt: at(10_000) };
    expect(sim.operate({ type: 'timeout_run' }, at(9_999))).toMatchObject({ notBefore: at(10_000) });
    expect(sim.run.state).toBe('RUNNING');
  });

  it('is refused (409) for a run that already ended', () => {
    const sim = started({});
    sim.run = { ...sim.run, state: 'FINISHED', deadlineAt: at(0) };
    expect(() => sim.operate({ type: 'timeout_run' }, at(1))).toThrow(ConflictError);
  });

  it('a manual revoke leaves the reason unset', () => {
    const sim = started({});
    const d = sim.operate({ type: 'revoke_run' });
    expect(d.run?.reason).toBeUndefined();
    expect(sim.reason).toBeNull();
  });
});
