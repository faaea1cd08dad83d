import { TreeBuilder } from '../model/tree-generators';
import { validateTree } from '../model/validate-tree';
import { branchAdvance, mergeDecisions, ownAdvance, stateAfter } from './chain';
import type { Decision } from './decision';
import { EngineSimulator } from './engine-simulator.spec-helper';
import { complete, step } from './step';

/** Chaining (one transaction for "finish this node, enter the next") must decide exactly what two steps would. */

function tree() {
  const b = new TreeBuilder('chain').start().end().activity('w').gateway('cg1', 'ConvergeGateway').activity('a1');
  b.chain('start', 'w', 'cg1', 'a1', 'end');
  return b.build();
}

function sim(): EngineSimulator {
  const t = tree();
  const v = validateTree(t);
  const s = new EngineSimulator(t, v.converges, {}, (id, inputs, phase) =>
    id === 'w' && phase === 'execute' ? { ok: true, outputs: {}, finished: false } : { ok: true, outputs: { done: id }, finished: true },
  );
  s.runToEnd();
  return s;
}

/** w completes; then the process walks cg1 and enters a1: three decisions, or one merged. */
function chained(s: EngineSimulator): Decision {
  const w = s.nodes.get('w')!;
  const slice = s.slice(w.processId, ['w', 'cg1', 'a1']);
  let merged = complete({ ...slice, nodeId: 'w', version: w.version, outcome: { ok: true, outputs: { cb: 1 }, finished: true, phase: 'schedule' } });
  for (;;) {
    const next = ownAdvance(merged, slice.process.id);
    if (!next) return merged;
    const after = stateAfter(slice, merged);
    merged = mergeDecisions(merged, step({ ...slice, ...after }), next);
  }
}

describe('chaining decisions', () => {
  it('ends where the unchained steps end, with one guard per row', () => {
    const a = sim();
    const d = chained(a);
    expect(d.nodes.map((w) => [w.record.nodeId, w.record.state, w.expect?.state ?? null])).toEqual([
      ['w', 'FINISHED', 'RUNNING'],
      ['cg1', 'FINISHED', null],
      ['a1', 'RUNNING', null],
    ]);
    expect(d.processes).toHaveLength(1);
    expect(d.processes[0].expectRev).toBe(a.processes.get(d.processes[0].record.id)!.rev - 0);
    expect(d.effects).toEqual([{ type: 'execute', nodeId: 'a1', version: 1 }]);
    expect(d.events.map((e) => `${e.type}:${e.nodeId}`)).toEqual(['node_finish:w', 'node_enter:cg1', 'node_finish:cg1', 'node_enter:a1']);
    a.apply(d);
    a.pending.push(...d.effects);
    a.runToEnd();

    const b = sim();
    b.operate({ type: 'callback', nodeId: 'w', version: 1, data: {}, callbackType: 'callback' });
    b.setBehaviour((id) => ({ ok: true, outputs: id === 'w' ? { cb: 1 } : { done: id }, finished: true }));
    b.runToEnd();
    expect(a.run.state).toBe('FINISHED');
    expect(b.run.state).toBe('FINISHED');
    for (const id of ['start', 'w', 'cg1', 'a1', 'end']) expect(a.state(id)).toBe(b.state(id));
    expect(a.nodes.get('w')!.outputs).toEqual(b.nodes.get('w')!.outputs);
  });

  it('keeps the first guard of a row written twice and the last record; merges run writes', () => {
    const a: Decision = {
      nodes: [{ expect: { state: 'RUNNING', version: 1, callbackSeq: 0 }, record: { nodeId: 'x', state: 'FINISHED' } as never }],
      processes: [{ expectRev: 3, record: { id: 'p', rev: 4 } as never }],
      joins: [], context: [{ scopeId: 's', key: 'k', value: 1 }], contextResets: [],
      run: { expectRev: 7, state: 'FAILED' }, histories: [], events: [],
      effects: [{ type: 'advance', processId: 'p', rev: 4 }],
    };
    const b: Decision = {
      nodes: [{ expect: { state: 'FINISHED', version: 1, callbackSeq: 0 }, record: { nodeId: 'x', state: 'RUNNING' } as never }],
      processes: [{ expectRev: 4, record: { id: 'p', rev: 5 } as never }],
      joins: [], context: [{ scopeId: 's', key: 'k', value: 2 }], contextResets: [],
      run: { expectRev: 8, outputs: { o: 1 } }, histories: [], events: [],
      effects: [{ type: 'execute', nodeId: 'x', version: 2 }],
    };
    const m = mergeDecisions(a, b, a.effects[0]);
    expect(m.nodes).toEqual([{ expect: { state: 'RUNNING', version: 1, callbackSeq: 0 }, record: { nodeId: 'x', state: 'RUNNING' } }]);
    expect(m.processes).toEqual([{ expectRev: 3, record: { id: 'p', rev: 5 } }]);
    expect(m.run).toEqual({ expectRev: 7, state: 'FAILED', outputs: { o: 1 } });
    expect(m.context.map((c) => c.value)).toEqual([1, 2]);
    expect(m.effects).toEqual([{ type: 'execute', nodeId: 'x', version: 2 }]);
  });
  it('enters a fork\'s branches in the fork\'s own decision, as separate steps would', () => {
    const build = () => {
      const b = new TreeBuilder('fork').start().end().activity('w').gateway('pg', 'ParallelGateway').gateway('cg', 'ConvergeGateway');
      b.activity('x').activity('y').activity('z');
      b.chain('start', 'w', 'pg', 'x', 'cg');
      b.chain('pg', 'y', 'cg', 'end');
      b.chain('pg', 'z', 'cg');
      const t = b.build();
      const s = new EngineSimulator(t, validateTree(t).converges, {}, (id, _inputs, phase) =>
        id === 'w' && phase === 'execute' ? { ok: true, outputs: {}, finished: false } : { ok: true, outputs: {}, finished: true },
      );
      s.runToEnd();
      return s;
    };
    const a = build();
    const w = a.nodes.get('w')!;
    const slice = a.slice(w.processId, ['w', 'pg', 'x', 'y', 'z']);
    let merged = complete({ ...slice, nodeId: 'w', version: w.version, outcome: { ok: true, outputs: {}, finished: true, phase: 'schedule' } });
    for (;;) {
      const forker = stateAfter(slice, merged).process;
      const next = ownAdvance(merged, slice.process.id) ?? branchAdvance(merged, forker);
      if (!next) break;
      const after = stateAfter(slice, merged, next.processId);
      const parent = next.processId === slice.process.id ? slice.parent : forker;
      merged = mergeDecisions(merged, step({ ...slice, ...after, parent }), next);
    }
    // One decision finishes w, forks, and enters all three branches' first activities.
    expect(merged.nodes.map((n) => `${n.record.nodeId}:${n.record.state}`).sort()).toEqual(
      ['pg:FINISHED', 'w:FINISHED', 'x:RUNNING', 'y:RUNNING', 'z:RUNNING'],
    );
    expect(merged.effects.map((e) => (e.type === 'execute' ? e.nodeId : e.type)).sort()).toEqual(['x', 'y', 'z']);
    // The branch processes are created (no guard) by this very decision.
    const branches = merged.processes.filter((p) => p.record.parentId === slice.process.id);
    expect(branches).toHaveLength(3);
    expect(branches.every((p) => p.expectRev === null)).toBe(true);
    a.apply(merged);
    a.pending.push(...merged.effects);
    a.runToEnd();

    const b = build();
    b.operate({ type: 'callback', nodeId: 'w', version: 1, data: {}, callbackType: 'callback' });
    b.setBehaviour(() => ({ ok: true, outputs: {}, finished: true }));
    b.runToEnd();
    expect(a.run.state).toBe('FINISHED');
    expect(b.run.state).toBe('FINISHED');
    for (const id of ['start', 'w', 'pg', 'x', 'y', 'z', 'cg', 'end']) expect(a.state(id)).toBe(b.state(id));
  });
  it('enters a sub-process and its first activity in the parent\'s decision, on the params alone', () => {
    const build = () => {
      const inner = new TreeBuilder('sp', { flowPrefix: 'sf' }).start('s1').end('e1');
      inner.activity('i1', 'noop', { x: { type: 'splice', value: '${m}' } });
      inner.chain('s1', 'i1', 'e1');
      const b = new TreeBuilder('root').start().end().activity('w');
      b.subProcess('sp', inner.build(), { '${m}': { type: 'splice', value: '${n * 2}' } });
      b.variable('${n}', { type: 'plain', value: 21 });
      b.chain('start', 'w', 'sp', 'end');
      const t = b.build();
      const s = new EngineSimulator(t, validateTree(t).converges, { '${other}': 1 }, (id, inputs, phase) =>
        id === 'w' && phase === 'execute' ? { ok: true, outputs: {}, finished: false } : { ok: true, outputs: { ...inputs }, finished: true },
      );
      s.runToEnd();
      return s;
    };
    const a = build();
    const w = a.nodes.get('w')!;
    const slice = a.slice(w.processId, ['w', 'sp', 's1', 'i1']);
    let merged = complete({ ...slice, nodeId: 'w', version: w.version, outcome: { ok: true, outputs: {}, finished: true, phase: 'schedule' } });
    for (;;) {
      const forker = stateAfter(slice, merged).process;
      const next = ownAdvance(merged, slice.process.id) ?? branchAdvance(merged, forker);
      if (!next) break;
      const after = stateAfter(slice, merged, next.processId);
      const parent = next.processId === slice.process.id ? slice.parent : forker;
      merged = mergeDecisions(merged, step({ ...slice, ...after, parent }), next);
    }
    expect(merged.nodes.map((n) => `${n.record.nodeId}:${n.record.state}`)).toEqual(['w:FINISHED', 'sp:RUNNING', 's1:FINISHED', 'i1:RUNNING']);
    // The sub-process's scope sees its params only, not the parent's variables.
    expect(merged.nodes.find((n) => n.record.nodeId === 'i1')!.record.inputs).toEqual({ x: 42 });
    const child = merged.processes.find((p) => p.record.scopeId === 'sp')!;
    expect(slice.context).toEqual({ '${other}': 1 });
    expect(stateAfter(slice, merged, child.record.id).context).toEqual({ '${m}': 42 });
    expect(merged.effects).toEqual([{ type: 'execute', nodeId: 'i1', version: 1 }]);
    a.apply(merged);
    a.pending.push(...merged.effects);
    a.runToEnd();

    const b = build();
    b.operate({ type: 'callback', nodeId: 'w', version: 1, data: {}, callbackType: 'callback' });
    b.setBehaviour((_id, inputs) => ({ ok: true, outputs: { ...inputs }, finished: true }));
    b.runToEnd();
    expect(a.run.state).toBe('FINISHED');
    expect(b.run.state).toBe('FINISHED');
    for (const id of ['start', 'w', 'sp', 's1', 'i1', 'e1', 'end']) expect(a.state(id)).toBe(b.state(id));
    expect(a.nodes.get('i1')!.outputs).toEqual(b.nodes.get('i1')!.outputs);
  });
});
