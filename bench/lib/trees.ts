/** The trees the scenarios run, built with the engine's own generators. */
import { linearTree, parallelTree, type PipelineTree } from '@app/pipeline';

/** Every activity (sub-processes included) becomes a `poll` node polled once with zero interval: one execute + one schedule. */
export function pollify(tree: PipelineTree): PipelineTree {
  for (const a of Object.values(tree.activities)) {
    if (a.type === 'ServiceActivity') {
      a.component = {
        code: 'poll',
        inputs: { times: { type: 'plain', value: 1 }, interval: { type: 'plain', value: 0 } },
      };
    } else {
      pollify(a.pipeline);
    }
  }
  return tree;
}

/**
 * bamboo's benchmark pipeline, 17 nodes: start → a1 → pg → (b1 | b2 | b3) → cg → eg → (x1 | x2)
 * → cg2 → sp (a two-activity sub-process) → a2 → end; the exclusive gateway takes x1. Poll nodes.
 */
export function bambooScenarioTree(i: number): PipelineTree {
  const spId = `sp_${i}`;
  const sub = linearTree(2, { id: spId, prefix: `sp${i}_` });
  const tree = linearTree(0, { id: `bamboo-${i}` });
  const flows: [string, string, string][] = [
    ['f1', 'start', 'a1'],
    ['f2', 'a1', 'pg'],
    ['f3', 'pg', 'b1'],
    ['f4', 'pg', 'b2'],
    ['f5', 'pg', 'b3'],
    ['f6', 'b1', 'cg'],
    ['f7', 'b2', 'cg'],
    ['f8', 'b3', 'cg'],
    ['f9', 'cg', 'eg'],
    ['f10', 'eg', 'x1'],
    ['f11', 'eg', 'x2'],
    ['f12', 'x1', 'cg2'],
    ['f13', 'x2', 'cg2'],
    ['f14', 'cg2', spId],
    ['f15', spId, 'a2'],
    ['f16', 'a2', 'end'],
  ];
  const incoming = (n: string) => flows.filter((f) => f[2] === n).map((f) => f[0]);
  const outgoing = (n: string) => flows.filter((f) => f[1] === n).map((f) => f[0]);
  tree.flows = Object.fromEntries(
    flows.map(([id, source, target]) => [id, { id, source, target, is_default: false }]),
  );
  tree.start_event.outgoing = 'f1';
  tree.end_event.incoming = ['f16'];
  tree.activities = Object.fromEntries(
    ['a1', 'b1', 'b2', 'b3', 'x1', 'x2', 'a2'].map((id) => [
      id,
      {
        id,
        type: 'ServiceActivity' as const,
        name: id,
        incoming: incoming(id),
        outgoing: outgoing(id)[0],
        component: { code: 'noop', inputs: {} },
      },
    ]),
  );
  tree.activities[spId] = {
    id: spId,
    type: 'SubProcess',
    name: 'sp',
    incoming: incoming(spId),
    outgoing: outgoing(spId)[0],
    params: {},
    pipeline: sub,
  };
  tree.gateways = {
    pg: { id: 'pg', type: 'ParallelGateway', incoming: incoming('pg'), outgoing: outgoing('pg') },
    cg: {
      id: 'cg',
      type: 'ConvergeGateway',
      incoming: incoming('cg'),
      outgoing: outgoing('cg')[0],
    },
    eg: {
      id: 'eg',
      type: 'ExclusiveGateway',
      incoming: incoming('eg'),
      outgoing: outgoing('eg'),
      conditions: { f10: { evaluate: '1 == 1' }, f11: { evaluate: '1 == 0' } },
      default_condition: {},
    },
    cg2: {
      id: 'cg2',
      type: 'ConvergeGateway',
      incoming: incoming('cg2'),
      outgoing: outgoing('cg2')[0],
    },
  };
  return pollify(tree);
}

/** Activities of the bamboo pipeline that run (x2 is not taken): a1, b1–b3, x1, a2 and the sub-process's two. */
export const BAMBOO_ACTIVITIES_RUN = 8;

/** B's tree: one parallel gateway with `branches` branches of `length` poll activities. */
export function wideParallelPollTree(branches: number, length: number): PipelineTree {
  return pollify(parallelTree(branches, length));
}

/** Nodes of a tree, sub-process trees (and their start / end events) included. */
export function countNodes(tree: PipelineTree): number {
  let n = 2 + Object.keys(tree.gateways).length;
  for (const a of Object.values(tree.activities))
    n += a.type === 'SubProcess' ? 1 + countNodes(a.pipeline) : 1;
  return n;
}

/** Node ids of a linear tree in flow order, start and end events included. */
export function linearOrder(tree: PipelineTree): string[] {
  const byId = new Map<string, { outgoing: string | string[] }>([
    [tree.start_event.id, tree.start_event],
    ...Object.values(tree.activities).map((a) => [a.id, a] as const),
    ...Object.values(tree.gateways).map((g) => [g.id, g] as const),
  ]);
  const order = [tree.start_event.id];
  for (let id = tree.start_event.id; id !== tree.end_event.id;) {
    const out = byId.get(id)?.outgoing;
    const flowId = Array.isArray(out) ? out[0] : out;
    if (!flowId) throw new Error(`node ${id} has no outgoing flow`);
    id = tree.flows[flowId].target;
    order.push(id);
  }
  return order;
}
