import type { PipelineTree } from '../model/tree.types';
import { treeGraph } from './tree-graph';

const act = (id: string, incoming: string[], outgoing: string, code = 'noop') => ({
  id,
  type: 'ServiceActivity' as const,
  incoming,
  outgoing,
  component: { code, inputs: {} },
});

function tree(): PipelineTree {
  const inner: PipelineTree = {
    id: 'inner',
    start_event: { id: 'is', type: 'EmptyStartEvent', incoming: '', outgoing: 'if1' },
    end_event: { id: 'ie', type: 'EmptyEndEvent', incoming: ['if2'], outgoing: '' },
    activities: { ia: act('ia', ['if1'], 'if2', 'echo') },
    gateways: {},
    flows: { if1: { id: 'if1', source: 'is', target: 'ia' }, if2: { id: 'if2', source: 'ia', target: 'ie' } },
    data: { inputs: {}, outputs: [] },
  };
  return {
    id: 'root',
    start_event: { id: 's', type: 'EmptyStartEvent', name: 'begin', incoming: '', outgoing: 'f1' },
    end_event: { id: 'e', type: 'EmptyEndEvent', incoming: ['f4', 'f5'], outgoing: '' },
    activities: {
      a: act('a', ['f2'], 'f4', 'wait_callback'),
      sub: { id: 'sub', type: 'SubProcess', name: 'nested', incoming: ['f3'], outgoing: 'f5', pipeline: inner },
    },
    gateways: {
      g: {
        id: 'g',
        type: 'ExclusiveGateway',
        incoming: ['f1'],
        outgoing: ['f2', 'f3'],
        conditions: { f2: { evaluate: '${x} > 1' } },
        default_condition: { flow_id: 'f3' },
      },
    },
    flows: {
      f1: { id: 'f1', source: 's', target: 'g' },
      f2: { id: 'f2', source: 'g', target: 'a' },
      f3: { id: 'f3', source: 'g', target: 'sub' },
      f4: { id: 'f4', source: 'a', target: 'e' },
      f5: { id: 'f5', source: 'sub', target: 'e' },
    },
    data: { inputs: {}, outputs: [] },
  };
}

describe('treeGraph', () => {
  it('lists every node with its kind, sub-process nodes under their parent', () => {
    const graph = treeGraph(tree());
    const byId = Object.fromEntries(graph.nodes.map((n) => [n.id, n]));
    expect(byId.s).toEqual({ id: 's', kind: 'start', name: 'begin' });
    expect(byId.e.kind).toBe('end');
    expect(byId.a).toEqual({ id: 'a', kind: 'activity', name: null, component: 'wait_callback' });
    expect(byId.g.kind).toBe('exclusive');
    expect(byId.sub.kind).toBe('subprocess');
    expect(byId.ia).toEqual({ id: 'ia', kind: 'activity', name: null, component: 'echo', parentId: 'sub' });
    expect(byId.is.parentId).toBe('sub');
    expect(graph.nodes).toHaveLength(8);
  });

  it("answers the flows as edges with the gateway's conditions", () => {
    const graph = treeGraph(tree());
    const byId = Object.fromEntries(graph.edges.map((e) => [e.id, e]));
    expect(byId.f2).toEqual({ id: 'f2', source: 'g', target: 'a', condition: '${x} > 1' });
    expect(byId.f3.condition).toBe('default');
    expect(byId.f1.condition).toBeUndefined();
    expect(byId.if2).toEqual({ id: 'if2', source: 'ia', target: 'ie' });
    expect(graph.edges).toHaveLength(7);
  });

  it('draws a DAG scope from its works: start → roots, upstream → downstream, leaves → end', () => {
    const dag: PipelineTree = {
      id: 'd',
      start_event: { id: 'ds', type: 'EmptyStartEvent', incoming: '', outgoing: '' },
      end_event: { id: 'de', type: 'EmptyEndEvent', incoming: [], outgoing: '' },
      activities: { w1: act('w1', [], ''), w2: act('w2', [], ''), w3: act('w3', [], '') },
      gateways: {},
      flows: {},
      data: { inputs: {}, outputs: [] },
      dag: {
        works: {
          w1: { upstream: [], trigger_rule: 'all_success' },
          w2: { upstream: [], trigger_rule: 'all_success' },
          w3: { upstream: ['w1', 'w2'], trigger_rule: 'one_success' },
        },
      },
    };
    const graph = treeGraph(dag);
    expect(graph.nodes.find((n) => n.id === 'w3')).toMatchObject({ kind: 'dag_work', triggerRule: 'one_success' });
    expect(graph.edges.map((e) => `${e.source}>${e.target}`).sort()).toEqual(['ds>w1', 'ds>w2', 'w1>w3', 'w2>w3', 'w3>de']);
  });
});
