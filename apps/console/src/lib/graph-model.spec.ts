import type { ElkNode } from 'elkjs/lib/elk-api';
import type { Graph } from '../api/api-types';
import { flattenNodeStates, NODE_SIZES, outgoingEdges, readLayout, toElkGraph } from './graph-model';

const graph: Graph = {
  nodes: [
    { id: 's', kind: 'start', name: null },
    { id: 'g', kind: 'exclusive', name: 'route' },
    { id: 'a', kind: 'activity', name: 'A', component: 'echo' },
    { id: 'sub', kind: 'subprocess', name: 'Nested' },
    { id: 'is', kind: 'start', name: null, parentId: 'sub' },
    { id: 'w', kind: 'dag_work', name: null, component: 'noop', parentId: 'sub', triggerRule: 'all_success' },
    { id: 'e', kind: 'end', name: null },
  ],
  edges: [
    { id: 'f1', source: 's', target: 'g' },
    { id: 'f2', source: 'g', target: 'a', condition: '${x} > 1' },
    { id: 'f3', source: 'g', target: 'sub', condition: 'default' },
    { id: 'if1', source: 'is', target: 'w' },
    { id: 'bad', source: 'gone', target: 'e' },
  ],
};

describe('toElkGraph', () => {
  const root = toElkGraph(graph);

  it('sizes nodes by kind and nests sub-process nodes in a compound node', () => {
    expect(root.layoutOptions?.['elk.algorithm']).toBe('layered');
    expect(root.children!.map((c) => c.id)).toEqual(['s', 'g', 'a', 'sub', 'e']);
    expect(root.children!.find((c) => c.id === 'a')).toMatchObject(NODE_SIZES.activity);
    expect(root.children!.find((c) => c.id === 'g')).toMatchObject(NODE_SIZES.exclusive);
    const sub = root.children!.find((c) => c.id === 'sub')!;
    expect(sub.width).toBeUndefined();
    expect(sub.labels?.[0].text).toBe('Nested');
    expect(sub.children!.map((c) => c.id)).toEqual(['is', 'w']);
  });

  it('puts each edge in the scope of its source, with the condition as a label, and drops dangling ones', () => {
    expect(root.edges!.map((e) => e.id)).toEqual(['f1', 'f2', 'f3']);
    expect(root.edges![1]).toMatchObject({ sources: ['g'], targets: ['a'], labels: [{ text: '${x} > 1' }] });
    expect(root.children!.find((c) => c.id === 'sub')!.edges!.map((e) => e.id)).toEqual(['if1']);
  });
});

describe('readLayout', () => {
  it('reads absolute positions of nodes (sub-processes first) and edge polylines', () => {
    const laidOut: ElkNode = {
      id: '__root__',
      width: 500,
      height: 200,
      children: [
        { id: 's', x: 10, y: 20, width: 36, height: 36 },
        { id: 'sub', x: 100, y: 10, width: 200, height: 120, children: [{ id: 'is', x: 120, y: 50, width: 36, height: 36 }] },
      ],
      edges: [
        {
          id: 'f3',
          sources: ['g'],
          targets: ['sub'],
          sections: [{ id: 's1', startPoint: { x: 46, y: 38 }, bendPoints: [{ x: 70, y: 38 }], endPoint: { x: 100, y: 70 } }],
          labels: [{ text: 'default', x: 50, y: 30 }],
        },
      ],
    } as ElkNode;
    const drawing = readLayout(graph, laidOut);
    expect(drawing).toMatchObject({ width: 500, height: 200 });
    expect(drawing.nodes.map((n) => n.id)).toEqual(['s', 'sub', 'is']);
    expect(drawing.nodes[2]).toMatchObject({ id: 'is', kind: 'start', parentId: 'sub', x: 120, y: 50 });
    expect(drawing.edges).toEqual([
      { id: 'f3', source: 'g', target: 'sub', points: [{ x: 46, y: 38 }, { x: 70, y: 38 }, { x: 100, y: 70 }], label: { text: 'default', x: 50, y: 30 } },
    ]);
  });
});

describe('flattenNodeStates', () => {
  it('lifts sub-process children to the top, keyed by node id', () => {
    const node = (state: string, children?: Record<string, never>) => ({ state, version: 1, loop: 1, retries: 0, skip: false, errorIgnored: false, startedAt: null, finishedAt: null, ...(children ? { children } : {}) });
    const flat = flattenNodeStates({ s: node('FINISHED'), sub: { ...node('RUNNING'), children: { is: node('FINISHED'), w: node('FAILED') } } });
    expect(Object.fromEntries(Object.entries(flat).map(([k, v]) => [k, v.state]))).toEqual({ s: 'FINISHED', sub: 'RUNNING', is: 'FINISHED', w: 'FAILED' });
    expect(flattenNodeStates(undefined)).toEqual({});
  });
});

describe('outgoingEdges', () => {
  it("answers a gateway's flows", () => {
    expect(outgoingEdges(graph, 'g').map((e) => e.id)).toEqual(['f2', 'f3']);
  });
});
