/**
 * What the graph checks of tree validation share: the nodes of one (sub-)tree as vertices of a
 * `Digraph`, and the helpers their messages use.
 */
import type { Digraph } from '../graph-algorithms';
import type { ValidationCode } from '../validation.types';

/** One node of a (sub-)tree, as the graph checks see it. */
export interface GraphNode {
  id: string;
  /** bamboo's node type: `ServiceActivity`, `ExclusiveGateway`, `EmptyEndEvent`... */
  type: string;
  kind: 'start' | 'end' | 'activity' | 'gateway';
  /** Where the node sits in the submitted JSON. */
  path: string;
}

/** A (sub-)tree whose flows are sound: vertex i is `nodes[i]`; flows into the start left out. */
export interface GraphView {
  g: Digraph;
  nodes: readonly GraphNode[];
  /** 1 for the vertices reachable from the start event. */
  seen: Uint8Array;
  startIdx: number;
  endIdx: number;
}

/** Records one problem (see `ValidationIssue`). */
export type Report = (code: ValidationCode, path: string, message: string, nodeId?: string) => void;

export const isActivityType = (type: string | undefined): boolean =>
  type === 'ServiceActivity' || type === 'SubProcess';

export const isParallelType = (type: string | undefined): boolean =>
  type === 'ParallelGateway' || type === 'ConditionalParallelGateway';

export const isForkType = (type: string | undefined): boolean =>
  isParallelType(type) || type === 'ExclusiveGateway';

/** `start event 'start'`, `ParallelGateway 'pg_1'`. */
export function nodeLabel(node: GraphNode): string {
  const kind =
    node.kind === 'start' ? 'start event' : node.kind === 'end' ? 'end event' : `${node.type}`;
  return `${kind} '${node.id}'`;
}

/** `'a', 'b' and 3 more`. */
export function listIds(ids: readonly string[], max = 8): string {
  const shown = ids.slice(0, max).map((i) => `'${i}'`);
  return ids.length > max ? `${shown.join(', ')} and ${ids.length - max} more` : shown.join(', ');
}
