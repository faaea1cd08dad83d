/**
 * From the api's graph answer to a drawing: the ELK input graph (sizes by node kind,
 * sub-processes as compound nodes holding their nodes and flows), the laid-out positions read
 * back in absolute coordinates, and a run's nested node states flattened by node id. Pure (the
 * layout itself runs in `graph-layout.ts`).
 */
import type { ElkEdgeSection, ElkExtendedEdge, ElkNode } from 'elkjs/lib/elk-api';
import type { Graph, GraphNode, NodeKind, NodeStateView } from '../api/api-types';

/** Width and height of a node's shape by kind (sub-processes are sized by the layout). */
export const NODE_SIZES: Record<Exclude<NodeKind, 'subprocess'>, { width: number; height: number }> = {
  start: { width: 36, height: 36 },
  end: { width: 36, height: 36 },
  activity: { width: 170, height: 64 },
  dag_work: { width: 170, height: 64 },
  parallel: { width: 44, height: 44 },
  exclusive: { width: 44, height: 44 },
  conditional_parallel: { width: 44, height: 44 },
  converge: { width: 44, height: 44 },
};

/** Kinds drawn as small shapes with their label and state word below them. */
export const SMALL_KINDS: ReadonlySet<NodeKind> = new Set(['start', 'end', 'parallel', 'exclusive', 'conditional_parallel', 'converge']);

const ROOT_ID = '__root__';

/** Layout options: layered, left to right, one layout across sub-process boundaries, absolute coordinates. */
export const ROOT_LAYOUT_OPTIONS: Record<string, string> = {
  'elk.algorithm': 'layered',
  'elk.direction': 'RIGHT',
  'elk.hierarchyHandling': 'INCLUDE_CHILDREN',
  'elk.edgeRouting': 'ORTHOGONAL',
  'elk.layered.spacing.nodeNodeBetweenLayers': '48',
  'elk.spacing.nodeNode': '28',
  'elk.spacing.edgeLabel': '4',
  'elk.padding': '[top=24,left=24,bottom=24,right=24]',
  'elk.json.shapeCoords': 'ROOT',
  'elk.json.edgeCoords': 'ROOT',
};

const SUBPROCESS_OPTIONS: Record<string, string> = {
  'elk.padding': '[top=34,left=16,bottom=16,right=16]',
  'elk.nodeLabels.placement': 'INSIDE V_TOP H_LEFT',
};

/** Rough width of a label in the console's 11 px font. */
export function labelWidth(text: string): number {
  return Math.ceil(text.length * 6.4) + 6;
}

/** The graph as ELK's input: each node in its sub-process (or the root), each edge in the scope holding its source. */
export function toElkGraph(graph: Graph): ElkNode {
  const root: ElkNode = { id: ROOT_ID, layoutOptions: ROOT_LAYOUT_OPTIONS, children: [], edges: [] };
  const byId = new Map<string, ElkNode>([[ROOT_ID, root]]);
  const known = new Set(graph.nodes.map((n) => n.id));
  for (const n of graph.nodes) {
    const elk: ElkNode =
      n.kind === 'subprocess'
        ? { id: n.id, layoutOptions: SUBPROCESS_OPTIONS, children: [], edges: [], labels: [{ text: n.name ?? n.id, width: labelWidth(n.name ?? n.id), height: 14 }] }
        : { id: n.id, ...NODE_SIZES[n.kind] };
    byId.set(n.id, elk);
  }
  for (const n of graph.nodes) {
    const parent = (n.parentId && byId.get(n.parentId)) || root;
    parent.children!.push(byId.get(n.id)!);
  }
  const parentOf = new Map(graph.nodes.map((n) => [n.id, n.parentId] as const));
  for (const e of graph.edges) {
    if (!known.has(e.source) || !known.has(e.target)) continue;
    const scopeId = parentOf.get(e.source);
    const container = (scopeId && byId.get(scopeId)) || root;
    const edge: ElkExtendedEdge = { id: e.id, sources: [e.source], targets: [e.target] };
    if (e.condition) edge.labels = [{ text: shorten(e.condition), width: labelWidth(shorten(e.condition)), height: 14 }];
    container.edges!.push(edge);
  }
  return root;
}

/** A node placed on the drawing (absolute coordinates). */
export interface PlacedNode extends GraphNode {
  x: number;
  y: number;
  width: number;
  height: number;
}

/** An edge as a polyline, with its label's place. */
export interface PlacedEdge {
  id: string;
  source: string;
  target: string;
  points: { x: number; y: number }[];
  label?: { text: string; x: number; y: number };
}

/** Everything the SVG needs. Sub-processes come before their nodes, so they are drawn beneath them. */
export interface Drawing {
  width: number;
  height: number;
  nodes: PlacedNode[];
  edges: PlacedEdge[];
}

/** Reads ELK's answer (laid out with `ROOT_LAYOUT_OPTIONS`, so coordinates are absolute) into a drawing. */
export function readLayout(graph: Graph, laidOut: ElkNode): Drawing {
  const info = new Map(graph.nodes.map((n) => [n.id, n]));
  const drawing: Drawing = { width: laidOut.width ?? 0, height: laidOut.height ?? 0, nodes: [], edges: [] };
  const edgeInfo = new Map(graph.edges.map((e) => [e.id, e]));
  const visit = (node: ElkNode): void => {
    for (const child of node.children ?? []) {
      const n = info.get(child.id);
      if (n) drawing.nodes.push({ ...n, x: child.x ?? 0, y: child.y ?? 0, width: child.width ?? 0, height: child.height ?? 0 });
      visit(child);
    }
    for (const edge of (node.edges ?? []) as ElkExtendedEdge[]) {
      const e = edgeInfo.get(edge.id);
      if (!e) continue;
      const points = (edge.sections ?? []).flatMap((s: ElkEdgeSection) => [s.startPoint, ...(s.bendPoints ?? []), s.endPoint]);
      const placed: PlacedEdge = { id: e.id, source: e.source, target: e.target, points };
      const label = edge.labels?.[0];
      if (label?.text) placed.label = { text: label.text, x: label.x ?? 0, y: label.y ?? 0 };
      drawing.edges.push(placed);
    }
  };
  visit(laidOut);
  return drawing;
}

/** `GET /runs/:id`'s nested node map flattened by node id (sub-process nodes are unique in a tree). */
export function flattenNodeStates(nodes: Record<string, NodeStateView> | undefined): Record<string, NodeStateView> {
  const flat: Record<string, NodeStateView> = {};
  const walk = (map: Record<string, NodeStateView>): void => {
    for (const [id, view] of Object.entries(map)) {
      flat[id] = view;
      if (view.children) walk(view.children);
    }
  };
  if (nodes) walk(nodes);
  return flat;
}

/** The flows leaving a node (skip-gateway's choices). */
export function outgoingEdges(graph: Graph, nodeId: string): Graph['edges'] {
  return graph.edges.filter((e) => e.source === nodeId);
}

function shorten(text: string): string {
  return text.length > 28 ? `${text.slice(0, 27)}…` : text;
}
