import {
  linearTree,
  nestedMixTree,
  nodeTypeFromId,
  parallelTree,
  treeFromEdges,
} from './tree-generators';
import type { PipelineTree, SubProcess } from './tree.types';
import { validateTree } from './validate-tree';

function countNodes(tree: PipelineTree): number {
  let n = 0;
  const stack = [tree];
  while (stack.length) {
    const t = stack.pop()!;
    n += 2 + Object.keys(t.activities).length + Object.keys(t.gateways).length;
    for (const a of Object.values(t.activities))
      if (a.type === 'SubProcess') stack.push((a as SubProcess).pipeline);
  }
  return n;
}

describe('tree generators', () => {
  it('reads node types from ids', () => {
    expect(
      ['pg_1', 'sub_cpg_2', 'eg3', 'x_cg', 'sp_4', 'act_1', 'a7', 'pgx'].map(nodeTypeFromId),
    ).toEqual([
      'ParallelGateway',
      'ConditionalParallelGateway',
      'ExclusiveGateway',
      'ConvergeGateway',
      'SubProcess',
      'ServiceActivity',
      'ServiceActivity',
      'ServiceActivity',
    ]);
  });

  it('writes incoming / outgoing the way bamboo does', () => {
    const t = treeFromEdges(['start>pg_1', 'pg_1>a1>cg_1', 'pg_1>a2>cg_1', 'cg_1>end']);
    expect(t.start_event).toMatchObject({ incoming: '', outgoing: 'f1' });
    expect(t.end_event).toMatchObject({ incoming: ['f6'], outgoing: '' });
    expect(t.activities.a1).toMatchObject({
      incoming: ['f2'],
      outgoing: 'f3',
      component: { code: 'noop', inputs: {} },
    });
    expect(t.gateways.pg_1).toMatchObject({ type: 'ParallelGateway', outgoing: ['f2', 'f4'] });
    expect(t.gateways.cg_1).toMatchObject({
      type: 'ConvergeGateway',
      incoming: ['f3', 'f5'],
      outgoing: 'f6',
    });
  });

  it('linearTree(10,000) is valid', () => {
    const t = linearTree(10_000);
    expect(countNodes(t)).toBe(10_002);
    expect(validateTree(t).errors).toEqual([]);
  });

  it('parallelTree(100, 100) is valid and matched', () => {
    const t = parallelTree(100, 100);
    expect(countNodes(t)).toBe(10_004);
    const result = validateTree(t);
    expect(result.errors).toEqual([]);
    expect(result.converges).toEqual({ pg: 'cg' });
  });

  it.each([false, true])(
    'nestedMixTree of 10,000 nodes (loops: %s) is valid, with the right converges',
    (loops) => {
      const { tree, converges, nodeCount } = nestedMixTree({ loops });
      expect(nodeCount).toBeGreaterThanOrEqual(10_000);
      expect(countNodes(tree)).toBe(nodeCount);
      const result = validateTree(tree);
      expect(result.errors).toEqual([]);
      expect(Object.keys(converges).length).toBeGreaterThan(100);
      expect(result.converges).toEqual(converges);
    },
  );

  it('nestedMixTree with loops needs cycle tolerance', () => {
    const { tree } = nestedMixTree({ nodes: 300, loops: true });
    expect(validateTree(tree, { cycleTolerate: false }).errors.map((e) => e.code)).toContain(
      'CYCLE',
    );
  });

  it('nestedMixTree nests deeply when asked', () => {
    const { tree, converges } = nestedMixTree({
      nodes: 3_000,
      depth: 6,
      branches: 2,
      subProcessEvery: 0,
    });
    const result = validateTree(tree);
    expect(result.errors).toEqual([]);
    expect(result.converges).toEqual(converges);
  });

  it('returns fresh objects every time', () => {
    const a = linearTree(3);
    const b = linearTree(3);
    expect(a).toEqual(b);
    (a.activities.a1 as { component: { inputs: Record<string, unknown> } }).component.inputs.x = 1;
    expect(b.activities.a1).not.toEqual(a.activities.a1);
  });
});
