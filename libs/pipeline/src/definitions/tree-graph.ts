/**
 * A definition's graph for drawing (the web console, DESIGN §10): every node of a (validated)
 * tree with its kind, and every edge, sub-processes' nodes included (with `parentId`). Pure.
 */
import type { AnyNode, PipelineTree } from '../model/tree.types';

/** How a node is drawn. `dag_work` is an activity of a DAG scope (started by trigger rules, §8.1). */
export type TreeGraphNodeKind =
  | 'start'
  | 'end'
  | 'activity'
  | 'subprocess'
  | 'parallel'
  | 'exclusive'
  | 'conditional_parallel'
  | 'converge'
  | 'dag_work';

/** One node of `GET /pipelines/:id/graph` and `GET /runs/:id/graph`. */
export interface TreeGraphNode {
  id: string;
  kind: TreeGraphNodeKind;
  name: string | null;
  /** An activity's component code. */
  component?: string;
  /** The SubProcess node whose tree holds this node; absent at the root. */
  parentId?: string;
  /** A DAG work's trigger rule. */
  triggerRule?: string;
}

/** One edge: a flow, or (in a DAG scope) an upstream → downstream dependency. */
export interface TreeGraphEdge {
  id: string;
  source: string;
  target: string;
  /** A gateway's condition on this flow (`default` for its default flow). */
  condition?: string;
}

/** A tree as nodes and edges. */
export interface TreeGraphView {
  nodes: TreeGraphNode[];
  edges: TreeGraphEdge[];
}

const KIND_OF: Record<AnyNode['type'], TreeGraphNodeKind> = {
  EmptyStartEvent: 'start',
  EmptyEndEvent: 'end',
  ServiceActivity: 'activity',
  SubProcess: 'subprocess',
  ParallelGateway: 'parallel',
  ExclusiveGateway: 'exclusive',
  ConditionalParallelGateway: 'conditional_parallel',
  ConvergeGateway: 'converge',
};

/** The graph of a tree (the compiled bamboo tree of any format), sub-processes flattened with `parentId`. */
export function treeGraph(tree: PipelineTree): TreeGraphView {
  const graph: TreeGraphView = { nodes: [], edges: [] };
  addScope(tree, undefined, graph);
  return graph;
}

function addScope(tree: PipelineTree, parentId: string | undefined, graph: TreeGraphView): void {
  const works = tree.dag?.works;
  const all: AnyNode[] = [
    tree.start_event,
    ...Object.values(tree.activities ?? {}),
    ...Object.values(tree.gateways ?? {}),
    tree.end_event,
  ];
  for (const raw of all) {
    const node: TreeGraphNode = { id: raw.id, kind: KIND_OF[raw.type], name: raw.name ?? null };
    if (parentId !== undefined) node.parentId = parentId;
    if (raw.type === 'ServiceActivity') {
      node.component = raw.component?.code;
      if (works?.[raw.id]) {
        node.kind = 'dag_work';
        node.triggerRule = works[raw.id].trigger_rule;
      }
    }
    graph.nodes.push(node);
    if (raw.type === 'SubProcess') addScope(raw.pipeline, raw.id, graph);
  }
  for (const flow of Object.values(tree.flows ?? {})) {
    const edge: TreeGraphEdge = { id: flow.id, source: flow.source, target: flow.target };
    const condition = conditionOf(tree, flow.source, flow.id);
    if (condition !== undefined) edge.condition = condition;
    graph.edges.push(edge);
  }
  if (works) addDagEdges(tree, works, graph);
}

/** A gateway's condition on one of its flows, `default` for its default flow. */
function conditionOf(tree: PipelineTree, sourceId: string, flowId: string): string | undefined {
  const gateway = tree.gateways?.[sourceId];
  if (!gateway || (gateway.type !== 'ExclusiveGateway' && gateway.type !== 'ConditionalParallelGateway')) return undefined;
  const condition = gateway.conditions?.[flowId];
  if (condition) return condition.evaluate;
  if (gateway.default_condition?.flow_id === flowId || tree.flows?.[flowId]?.is_default) return 'default';
  return undefined;
}

/** DAG scopes have no flows: their edges are the works' upstreams, bounded by the start and end events. */
function addDagEdges(tree: PipelineTree, works: NonNullable<PipelineTree['dag']>['works'], graph: TreeGraphView): void {
  const hasDownstream = new Set<string>();
  for (const [id, spec] of Object.entries(works)) {
    if (spec.upstream.length === 0) {
      graph.edges.push({ id: `${tree.start_event.id}->${id}`, source: tree.start_event.id, target: id });
    }
    for (const up of spec.upstream) {
      hasDownstream.add(up);
      graph.edges.push({ id: `${up}->${id}`, source: up, target: id });
    }
  }
  for (const id of Object.keys(works)) {
    if (!hasDownstream.has(id)) graph.edges.push({ id: `${id}->${tree.end_event.id}`, source: id, target: tree.end_event.id });
  }
}
