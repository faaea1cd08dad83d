import { ConflictError } from '../errors';
import { TreeBuilder } from '../model/tree-generators';
import type { PipelineTree } from '../model/tree.types';
import { validateTree } from '../model/validate-tree';
import { EngineSimulator, type Behaviour } from './engine-simulator.spec-helper';
import { operate, type Operation } from './operations';
import type { NodeStateName, RunStateName } from './states';

/**
 * The operations of the pure core (DESIGN §5), table-driven over node and run states, then
 * the scenarios that matter under concurrency (stale work dropped, lost wake-ups avoided).
 */

type Mode = 'ok' | 'fail' | 'wait';

/** Per-node behaviour: `wait` = a callback component (finishes on its first schedule). */
function behaviour(modes: Record<string, Mode>): Behaviour {
  return (nodeId, inputs, phase) => {
    const mode = modes[nodeId] ?? 'ok';
    if (mode === 'fail' && !inputs.fixed) return { ok: false, outputs: {}, exData: `${nodeId} failed`, finished: true };
    if (mode === 'wait' && phase === 'execute') return { ok: true, outputs: {}, finished: false };
    return { ok: true, outputs: { done: nodeId }, finished: true };
  };
}

function sim(tree: PipelineTree, modes: Record<string, Mode> = {}, inputs: Record<string, unknown> = {}): EngineSimulator {
  const v = validateTree(tree);
  if (!v.valid) throw new Error(JSON.stringify(v.errors));
  return new EngineSimulator(tree, v.converges, inputs, behaviour(modes));
}

/** start → w (waits) → a1 → w2 (waits) → end */
function chain(): PipelineTree {
  const b = new TreeBuilder('ops').start().end().activity('w').activity('a1').activity('w2');
  b.chain('start', 'w', 'a1', 'w2', 'end');
  return b.build();
}

/** Callback the waiting node `id` at its current version and play on. */
function callBack(s: EngineSimulator, id: string, data: unknown = {}): void {
  s.operate({ type: 'callback', nodeId: id, version: s.nodes.get(id)!.version, data, callbackType: 'callback' });
  s.runToEnd();
}

/** A simulator whose node `a1` is in `state` (run RUNNING unless the state says otherwise). */
function withA1(state: NodeStateName | 'ABSENT'): EngineSimulator {
  const modes: Record<string, Mode> = { w: 'wait', w2: 'wait', a1: state === 'RUNNING' || state === 'REVOKED' ? 'wait' : state === 'FAILED' ? 'fail' : 'ok' };
  const s = sim(chain(), modes);
  if (state === 'SUSPENDED' || state === 'READY') s.operate({ type: 'pause_node', nodeId: 'a1' });
  if (state === 'READY') s.operate({ type: 'resume_node', nodeId: 'a1' });
  s.runToEnd();
  if (state !== 'ABSENT' && state !== 'SUSPENDED' && state !== 'READY') callBack(s, 'w');
  if (state === 'REVOKED') {
    s.operate({ type: 'revoke_run' });
    s.runToEnd();
  }
  const actual = s.state('a1') ?? 'ABSENT';
  if (actual !== state) throw new Error(`setup: a1 is ${actual}, wanted ${state}`);
  return s;
}

const NODE_OPS: Record<string, (s: EngineSimulator) => Operation> = {
  pause_node: () => ({ type: 'pause_node', nodeId: 'a1' }),
  resume_node: () => ({ type: 'resume_node', nodeId: 'a1' }),
  retry_node: () => ({ type: 'retry_node', nodeId: 'a1' }),
  skip_node: () => ({ type: 'skip_node', nodeId: 'a1' }),
  forced_fail: () => ({ type: 'forced_fail', nodeId: 'a1', exData: 'stop' }),
  callback: (s) => ({ type: 'callback', nodeId: 'a1', version: s.nodes.get('a1')?.version ?? 1, data: {}, callbackType: 'callback' }),
};

/** For each node operation and a1 state: the state a1 is left in, or null = refused (409). */
const NODE_TABLE: Record<string, Record<string, NodeStateName | null>> = {
  pause_node: { ABSENT: 'SUSPENDED', READY: 'SUSPENDED', SUSPENDED: null, RUNNING: null, FAILED: null, FINISHED: null, REVOKED: null },
  resume_node: { ABSENT: null, READY: null, SUSPENDED: 'READY', RUNNING: null, FAILED: null, FINISHED: null, REVOKED: null },
  retry_node: { ABSENT: null, READY: null, SUSPENDED: null, RUNNING: null, FAILED: 'RUNNING', FINISHED: null, REVOKED: null },
  skip_node: { ABSENT: null, READY: null, SUSPENDED: null, RUNNING: null, FAILED: 'FINISHED', FINISHED: null, REVOKED: null },
  forced_fail: { ABSENT: null, READY: null, SUSPENDED: null, RUNNING: 'FAILED', FAILED: null, FINISHED: null, REVOKED: null },
  callback: { ABSENT: null, READY: null, SUSPENDED: null, RUNNING: 'RUNNING', FAILED: null, FINISHED: null, REVOKED: null },
};

describe('operations: node operations × node states', () => {
  const cases = Object.entries(NODE_TABLE).flatMap(([op, row]) => Object.entries(row).map(([state, to]) => [op, state, to] as const));
  it.each(cases)('%s on a %s node → %s', (op, state, to) => {
    const s = withA1(state as NodeStateName | 'ABSENT');
    const before = s.nodes.get('a1') ? structuredClone(s.nodes.get('a1')) : undefined;
    const decide = () => s.operate(NODE_OPS[op](s));
    if (to === null) {
      expect(decide).toThrow(ConflictError);
      expect(s.nodes.get('a1')).toEqual(before);
    } else {
      decide();
      expect(s.state('a1')).toBe(to);
    }
  });

  it('answers 404 for a node that is not in the tree', () => {
    const s = withA1('RUNNING');
    expect(() => s.operate({ type: 'retry_node', nodeId: 'nope' })).toThrow(expect.objectContaining({ kind: 'not_found' }));
  });

  it('puts the current state in the refusal', () => {
    const s = withA1('RUNNING');
    try {
      s.operate({ type: 'skip_node', nodeId: 'a1' });
      throw new Error('not refused');
    } catch (e) {
      expect(e).toBeInstanceOf(ConflictError);
      expect((e as ConflictError).context).toMatchObject({ state: 'RUNNING', nodeId: 'a1', runState: 'RUNNING' });
    }
  });
});

describe('operations: run operations × run states', () => {
  function runIn(state: RunStateName): EngineSimulator {
    const s = sim(chain(), { w: state === 'FINISHED' ? 'ok' : 'wait', a1: state === 'FAILED' ? 'fail' : 'ok', w2: 'ok' });
    s.runToEnd();
    if (state === 'FAILED') callBack(s, 'w');
    if (state === 'SUSPENDED') s.operate({ type: 'pause_run' });
    if (state === 'REVOKED') s.operate({ type: 'revoke_run' });
    if (s.run.state !== state) throw new Error(`setup: run is ${s.run.state}, wanted ${state}`);
    return s;
  }
  const TABLE: Record<'pause_run' | 'resume_run' | 'revoke_run', Partial<Record<RunStateName, RunStateName | null>>> = {
    pause_run: { RUNNING: 'SUSPENDED', FAILED: 'SUSPENDED', SUSPENDED: null, FINISHED: null, REVOKED: null },
    resume_run: { RUNNING: null, FAILED: null, SUSPENDED: 'RUNNING', FINISHED: null, REVOKED: null },
    revoke_run: { RUNNING: 'REVOKED', FAILED: 'REVOKED', SUSPENDED: 'REVOKED', FINISHED: null, REVOKED: null },
  };
  const cases = Object.entries(TABLE).flatMap(([op, row]) => Object.entries(row).map(([state, to]) => [op, state, to] as const));
  it.each(cases)('%s on a %s run → %s', (op, state, to) => {
    const s = runIn(state as RunStateName);
    const decide = () => s.operate({ type: op } as Operation);
    if (to === null) expect(decide).toThrow(ConflictError);
    else {
      decide();
      expect(s.run.state).toBe(to);
    }
  });

  it('resuming a paused run whose node had failed leaves it FAILED', () => {
    const s = runIn('FAILED');
    s.operate({ type: 'pause_run' });
    s.operate({ type: 'resume_run' });
    expect(s.run.state).toBe('FAILED');
  });
});

describe('operations: scenarios', () => {
  it('pause lets running nodes finish and holds the next ones; resume goes on', () => {
    const s = sim(chain(), { w: 'wait', w2: 'wait' });
    s.runToEnd();
    s.operate({ type: 'pause_run' });
    callBack(s, 'w');
    expect(s.state('w')).toBe('FINISHED');
    expect(s.state('a1')).toBeNull();
    s.operate({ type: 'resume_run' });
    s.runToEnd();
    expect(s.state('a1')).toBe('FINISHED');
    expect(s.state('w2')).toBe('RUNNING');
  });

  it('resume touches a process about to step, so a step decided on the paused run is stale (no lost wake-up)', () => {
    const s = sim(chain(), { w: 'wait', w2: 'wait' });
    s.runToEnd();
    s.operate({ type: 'pause_run' });
    // w completes: its process is ACTIVE with an advance queued that will see the run paused…
    s.operate({ type: 'callback', nodeId: 'w', version: 1, data: {}, callbackType: 'callback' });
    s.play(s.pending.shift()!); // the schedule: w finishes, process ACTIVE, advance queued
    const staleAdvance = s.pending.shift()!;
    // …but the run is resumed before that advance runs.
    s.operate({ type: 'resume_run' });
    expect(s.play(staleAdvance)).toBeNull();
    s.runToEnd();
    expect(s.state('a1')).toBe('FINISHED');
  });

  it('appointed pause holds the process at the node; resume lets it enter', () => {
    const s = sim(chain(), { w: 'wait', w2: 'wait' });
    s.operate({ type: 'pause_node', nodeId: 'a1' });
    s.runToEnd();
    callBack(s, 'w');
    expect(s.state('a1')).toBe('SUSPENDED');
    expect([...s.processes.values()].find((p) => p.currentNodeId === 'a1')?.state).toBe('SUSPENDED');
    s.operate({ type: 'resume_node', nodeId: 'a1' });
    s.runToEnd();
    expect(s.nodes.get('a1')).toMatchObject({ state: 'FINISHED', loop: 1 });
    expect(s.histories).toEqual([]);
  });

  it('forced fail renews the version: the node’s in-flight completion is dropped', () => {
    const s = sim(chain(), { w: 'wait' });
    s.runToEnd();
    s.operate({ type: 'callback', nodeId: 'w', version: 1, data: {}, callbackType: 'callback' });
    const inFlight = s.pending.shift()!;
    s.operate({ type: 'forced_fail', nodeId: 'w', exData: 'timeout' });
    expect(s.play(inFlight)).toBeNull();
    expect(s.nodes.get('w')).toMatchObject({ state: 'FAILED', version: 2, exData: 'timeout' });
    expect(s.run.state).toBe('FAILED');
    expect(s.histories).toEqual([{ kind: 'forced_fail', nodeId: 'w' }]);
  });

  it('revoke: later completions do not move the run, a node entered meanwhile is reaped', () => {
    const s = sim(chain(), { w: 'wait' });
    s.runToEnd();
    s.operate({ type: 'callback', nodeId: 'w', version: 1, data: {}, callbackType: 'callback' });
    s.operate({ type: 'revoke_run' });
    s.runToEnd();
    expect(s.run.state).toBe('REVOKED');
    expect(s.state('w')).toBe('REVOKED');
    expect(s.state('a1')).toBeNull();
  });

  it('retry with new inputs merges them and keeps the failed life in history', () => {
    const s = sim(chain(), { a1: 'fail' });
    s.runToEnd();
    expect(s.run.state).toBe('FAILED');
    s.operate({ type: 'retry_node', nodeId: 'a1', inputs: { fixed: true } });
    expect(s.run.state).toBe('RUNNING');
    s.runToEnd();
    expect(s.nodes.get('a1')).toMatchObject({ state: 'FINISHED', retries: 1, version: 2, inputs: { fixed: true } });
    expect(s.histories).toEqual([{ kind: 'retry', nodeId: 'a1' }]);
    expect(s.run.state).toBe('FINISHED');
  });

  it('a skipped branch runs the run again, which is FAILED again once it waits for a branch still blocked', () => {
    const b = new TreeBuilder('two').start().end().gateway('pg', 'ParallelGateway').gateway('cg', 'ConvergeGateway').activity('x').activity('y');
    b.chain('start', 'pg', 'x', 'cg');
    b.chain('pg', 'y', 'cg', 'end');
    const s = sim(b.build(), { x: 'fail', y: 'fail' });
    s.runToEnd();
    expect(s.run.state).toBe('FAILED');
    s.operate({ type: 'skip_node', nodeId: 'x' });
    // x's branch moves on to the converge gateway: something moves, so the run is not FAILED...
    expect(s.run.state).toBe('RUNNING');
    s.runToEnd();
    // ...until it waits there for y, which is still blocked.
    expect(s.run.state).toBe('FAILED');
    expect(s.state('cg')).toBeNull();
    s.operate({ type: 'skip_node', nodeId: 'y' });
    expect(s.run.state).toBe('RUNNING');
    s.runToEnd();
    expect(s.run.state).toBe('FINISHED');
  });

  it('callbacks accepted before execute returned are processed after it, in order, each once', () => {
    const b = new TreeBuilder('mc').start().end().activity('m');
    b.chain('start', 'm', 'end');
    const received: unknown[] = [];
    const s = sim(b.build());
    s.setBehaviour((_id, _inputs, phase, rec) => {
      if (phase === 'execute') return { ok: true, outputs: {}, finished: false };
      received.push(rec.callbacks[0]);
      return { ok: true, outputs: {}, finished: received.length === 3 };
    });
    s.play(s.pending.shift()!); // start
    s.play(s.pending.shift()!); // enter m: execute queued, not run yet
    for (const i of [1, 2, 3]) s.operate({ type: 'callback', nodeId: 'm', version: 1, data: i, callbackType: 'multi_callback' });
    s.runToEnd();
    expect(received).toEqual([1, 2, 3]);
    expect(s.nodes.get('m')).toMatchObject({ state: 'FINISHED', scheduleTimes: 3, callbacks: [] });
  });

  it('an operation decided on an older copy of a node loses to progress saved meanwhile', () => {
    const b = new TreeBuilder('mc2').start().end().activity('m');
    b.chain('start', 'm', 'end');
    const s = sim(b.build());
    s.setBehaviour((_id, _inputs, phase, rec) =>
      phase === 'execute' ? { ok: true, outputs: {}, finished: false } : { ok: true, outputs: { seen: rec.callbacks[0] }, finished: false },
    );
    s.runToEnd();
    s.operate({ type: 'callback', nodeId: 'm', version: 1, data: 'first', callbackType: 'multi_callback' });
    // An operation reads the node now (callbacks: ['first'])…
    const old = {
      tree: s.tree,
      run: { ...s.run },
      processes: [...s.processes.values()].map((p) => ({ ...p })),
      nodes: new Map([...s.nodes].map(([k, v]) => [k, structuredClone(v)])),
      now: new Date(0),
      newId: () => 'x',
    };
    s.runToEnd(); // …then the component takes 'first': outputs and schedule count saved, same version

    expect(s.nodes.get('m')).toMatchObject({ state: 'RUNNING', outputs: { seen: 'first' }, callbacks: [] });
    const late = operate(old, { type: 'callback', nodeId: 'm', version: 1, data: 'second', callbackType: 'multi_callback' });
    expect(() => s.apply(late)).toThrow(/stale/);
  });

  it('a callback component takes one callback per version; a stale version is refused', () => {
    const s = sim(chain(), { w: 'wait' });
    s.runToEnd();
    expect(() => s.operate({ type: 'callback', nodeId: 'w', version: 2, data: {}, callbackType: 'callback' })).toThrow(
      expect.objectContaining({ code: 'STALE_VERSION' }),
    );
    s.operate({ type: 'callback', nodeId: 'w', version: 1, data: {}, callbackType: 'callback' });
    expect(() => s.operate({ type: 'callback', nodeId: 'w', version: 1, data: {}, callbackType: 'callback' })).toThrow(
      expect.objectContaining({ code: 'CALLBACK_ALREADY_RECEIVED' }),
    );
    expect(() => s.operate({ type: 'callback', nodeId: 'a1', version: 1, data: {}, callbackType: null })).toThrow(ConflictError);
  });

  it('skip-gateway takes the chosen flow(s); a flow not leaving the gateway is a 400', () => {
    const b = new TreeBuilder('gw').start().end().activity('a').activity('b').gateway('eg', 'ExclusiveGateway');
    b.flow('start', 'eg');
    b.flow('eg', 'a', { id: 'to_a', condition: '1 == 0' });
    b.flow('eg', 'b', { id: 'to_b', condition: '1 == 0' });
    b.chain('a', 'end');
    b.chain('b', 'end');
    const s = sim(b.build());
    s.runToEnd();
    expect(s.state('eg')).toBe('FAILED');
    expect(() => s.operate({ type: 'skip_exclusive_gateway', nodeId: 'eg', flowId: 'f1' })).toThrow(expect.objectContaining({ code: 'INVALID_FLOW' }));
    expect(() => s.operate({ type: 'skip_node', nodeId: 'eg' })).toThrow(ConflictError);
    s.operate({ type: 'skip_exclusive_gateway', nodeId: 'eg', flowId: 'to_b' });
    s.runToEnd();
    expect(s.state('b')).toBe('FINISHED');
    expect(s.state('a')).toBeNull();
    expect(s.run.state).toBe('FINISHED');
  });

  it('retry-subprocess re-runs the sub-process from its start with re-rendered params', () => {
    const inner = new TreeBuilder('sp', { flowPrefix: 'sf' }).start('s1').end('e1').activity('i1').activity('bad');
    inner.chain('s1', 'i1', 'bad', 'e1');
    const b = new TreeBuilder('root').start().end().subProcess('sp', inner.build());
    b.chain('start', 'sp', 'end');
    const s = sim(b.build(), { bad: 'fail' });
    s.runToEnd();
    expect(s.run.state).toBe('FAILED');
    expect(s.state('sp')).toBe('RUNNING');
    expect(() => s.operate({ type: 'retry_subprocess', nodeId: 'bad' })).toThrow(ConflictError);
    s.setBehaviour(behaviour({}));
    s.operate({ type: 'retry_subprocess', nodeId: 'sp' });
    expect(s.run.state).toBe('RUNNING');
    s.runToEnd();
    expect(s.run.state).toBe('FINISHED');
    expect(s.nodes.get('sp')).toMatchObject({ state: 'FINISHED', retries: 1 });
    expect(s.nodes.get('i1')).toMatchObject({ state: 'FINISHED', loop: 2 });
    expect(s.histories).toEqual(
      expect.arrayContaining([
        { kind: 'retry', nodeId: 'bad' },
        { kind: 'retry', nodeId: 'sp' },
        { kind: 'loop', nodeId: 'i1' },
      ]),
    );
    expect(() => s.operate({ type: 'retry_subprocess', nodeId: 'sp' })).toThrow(ConflictError);
  });

  it('update_context writes root variables; a bad name is a 400', () => {
    const s = sim(chain(), { w: 'wait' });
    s.runToEnd();
    s.operate({ type: 'update_context', values: { x: 1, '${y}': 2 } });
    expect(s.context.get('ops')).toMatchObject({ '${x}': 1, '${y}': 2 });
    expect(() => s.operate({ type: 'update_context', values: { 'no way': 1 } })).toThrow(expect.objectContaining({ code: 'INVALID_CONTEXT' }));
  });
});
