import type {
  Activity,
  AnyNode,
  Condition,
  Flow,
  PipelineTree,
  ServiceActivity,
  SubProcess,
  TreeVariable,
} from '../model/tree.types';
import { EngineInvariantError } from './engine-invariant.error';
import { DEFAULT_TRIGGER_RULE, isTriggerRule, type TriggerRule } from './trigger-rules';

export type NodeKind =
  | 'start'
  | 'end'
  | 'activity'
  | 'subprocess'
  | 'parallel'
  | 'exclusive'
  | 'conditional_parallel'
  | 'converge';

export interface OutgoingFlow {
  flowId: string;
  target: string;
}

/** A node of a compiled tree: the raw node plus what the engine needs, pre-computed. */
export interface CompiledNode {
  id: string;
  kind: NodeKind;
  name: string | null;
  /** Id of the (sub-)pipeline scope the node belongs to. */
  scopeId: string;
  outgoing: OutgoingFlow[];
  /** Parallel / conditional-parallel: the converge gateway that joins its branches. */
  convergeId?: string;
  conditions?: Record<string, Condition>;
  defaultFlowId?: string;
  raw: AnyNode;
}

/** A variable's definition and, when it maps a node output, which one. */
export interface ScopeVariable {
  key: string;
  def: TreeVariable;
}

/** A work of a DAG scope, with its edges both ways. */
export interface DagWork {
  id: string;
  upstream: string[];
  downstream: string[];
  rule: TriggerRule;
}

/** A DAG scope's works (§8.1), indexed for evaluating trigger rules. */
export interface CompiledDag {
  works: Map<string, DagWork>;
  /** Every work, upstreams before downstreams. */
  order: string[];
  /** Works nothing depends on: they decide the run's outcome. */
  leaves: string[];
}

/** One pipeline scope: the root tree, or the tree inside a SubProcess node. */
export interface CompiledScope {
  id: string;
  startId: string;
  endId: string;
  /** The SubProcess node this scope belongs to; undefined for the root. */
  parentNodeId?: string;
  /** Declared variables, keyed `${name}`. */
  variables: Record<string, TreeVariable>;
  outputs: string[];
  /** nodeId → variables of this scope taking that node's outputs (`source_act`). */
  outputMappings: Map<string, { key: string; sourceKey: string }[]>;
  /** Set on a DAG scope: its works start by trigger rules, not flows. */
  dag?: CompiledDag;
}

/**
 * A tree indexed for the engine: O(1) node lookup, outgoing targets resolved, scopes
 * flattened. Built once per run (and cached by the runtime), never mutated.
 */
export class CompiledTree {
  readonly nodes = new Map<string, CompiledNode>();
  readonly scopes = new Map<string, CompiledScope>();

  constructor(
    readonly rootId: string,
    readonly tree: PipelineTree,
  ) {}

  node(id: string): CompiledNode {
    const n = this.nodes.get(id);
    if (!n) throw new EngineInvariantError(`node '${id}' is not in tree '${this.rootId}'`, { nodeId: id });
    return n;
  }

  scope(id: string): CompiledScope {
    const s = this.scopes.get(id);
    if (!s) throw new EngineInvariantError(`scope '${id}' is not in tree '${this.rootId}'`, { scopeId: id });
    return s;
  }

  get root(): CompiledScope {
    return this.scope(this.rootId);
  }

  /** The single successor of a node with one outgoing flow. */
  next(nodeId: string): string {
    const n = this.node(nodeId);
    if (n.outgoing.length !== 1) {
      throw new EngineInvariantError(`node '${nodeId}' has ${n.outgoing.length} outgoing flows, expected 1`, { nodeId });
    }
    return n.outgoing[0].target;
  }

  activity(id: string): ServiceActivity {
    const n = this.node(id);
    if (n.kind !== 'activity') throw new EngineInvariantError(`node '${id}' is not a ServiceActivity`, { nodeId: id });
    return n.raw as ServiceActivity;
  }

  subprocess(id: string): SubProcess {
    const n = this.node(id);
    if (n.kind !== 'subprocess') throw new EngineInvariantError(`node '${id}' is not a SubProcess`, { nodeId: id });
    return n.raw as SubProcess;
  }
}

const KIND_OF: Record<AnyNode['type'], NodeKind> = {
  EmptyStartEvent: 'start',
  EmptyEndEvent: 'end',
  ServiceActivity: 'activity',
  SubProcess: 'subprocess',
  ParallelGateway: 'parallel',
  ExclusiveGateway: 'exclusive',
  ConditionalParallelGateway: 'conditional_parallel',
  ConvergeGateway: 'converge',
};

function asList(v: string | string[] | undefined): string[] {
  if (Array.isArray(v)) return v;
  return v ? [v] : [];
}

/**
 * Compile a *validated* tree. `converges` is validation's map of fork gateway → converge
 * gateway; a `converge_gateway_id` written in the tree is used when the map lacks one.
 */
export function compileTree(tree: PipelineTree, converges: Record<string, string>): CompiledTree {
  const compiled = new CompiledTree(tree.id, tree);
  const pending: { tree: PipelineTree; scopeId: string; parentNodeId?: string }[] = [
    { tree, scopeId: tree.id },
  ];
  while (pending.length > 0) {
    const { tree: t, scopeId, parentNodeId } = pending.pop()!;
    const flows: Record<string, Flow> = t.flows ?? {};
    const all: AnyNode[] = [
      t.start_event,
      t.end_event,
      ...Object.values(t.activities ?? {}),
      ...Object.values(t.gateways ?? {}),
    ];
    const outputMappings = new Map<string, { key: string; sourceKey: string }[]>();
    const variables = t.data?.inputs ?? {};
    for (const [key, def] of Object.entries(variables)) {
      if (def && def.source_act !== undefined && def.source_key !== undefined) {
        for (const act of asList(def.source_act)) {
          const list = outputMappings.get(act) ?? [];
          list.push({ key, sourceKey: def.source_key });
          outputMappings.set(act, list);
        }
      }
    }
    compiled.scopes.set(scopeId, {
      id: scopeId,
      startId: t.start_event.id,
      endId: t.end_event.id,
      parentNodeId,
      variables,
      outputs: t.data?.outputs ?? [],
      outputMappings,
      ...(t.dag ? { dag: compileDag(t.dag.works) } : {}),
    });
    for (const raw of all) {
      const kind = KIND_OF[raw.type];
      const outgoing = asList(raw.outgoing as string | string[]).map((flowId) => ({
        flowId,
        target: flows[flowId].target,
      }));
      const node: CompiledNode = { id: raw.id, kind, name: raw.name ?? null, scopeId, outgoing, raw };
      if (raw.type === 'ExclusiveGateway' || raw.type === 'ConditionalParallelGateway') {
        node.conditions = raw.conditions ?? {};
        node.defaultFlowId = raw.default_condition?.flow_id || undefined;
      }
      if (raw.type === 'ParallelGateway' || raw.type === 'ConditionalParallelGateway') {
        node.convergeId = converges[raw.id] ?? raw.converge_gateway_id;
      }
      compiled.nodes.set(raw.id, node);
      if (raw.type === 'SubProcess') {
        pending.push({ tree: (raw as Activity as SubProcess).pipeline, scopeId: raw.id, parentNodeId: raw.id });
      }
    }
  }
  return compiled;
}

/** Index a *validated* DAG (no cycle, every upstream a work): edges both ways, a topological order, leaves. */
export function compileDag(specs: Record<string, { upstream: string[]; trigger_rule: string }>): CompiledDag {
  const works = new Map<string, DagWork>();
  for (const [id, spec] of Object.entries(specs)) {
    const rule = isTriggerRule(spec.trigger_rule) ? spec.trigger_rule : DEFAULT_TRIGGER_RULE;
    works.set(id, { id, upstream: [...new Set(spec.upstream ?? [])], downstream: [], rule });
  }
  for (const w of works.values()) {
    for (const u of w.upstream) {
      const up = works.get(u);
      if (!up) throw new EngineInvariantError(`work '${w.id}' depends on '${u}', which is not a work`, { nodeId: w.id });
      up.downstream.push(w.id);
    }
  }
  // Kahn's algorithm, in declaration order among ready works.
  const indegree = new Map([...works.values()].map((w) => [w.id, w.upstream.length]));
  const order: string[] = [];
  const ready = [...works.values()].filter((w) => w.upstream.length === 0).map((w) => w.id);
  while (ready.length) {
    const id = ready.shift()!;
    order.push(id);
    for (const d of works.get(id)!.downstream) {
      const left = indegree.get(d)! - 1;
      indegree.set(d, left);
      if (left === 0) ready.push(d);
    }
  }
  if (order.length !== works.size) throw new EngineInvariantError('the DAG has a cycle', {});
  const leaves = order.filter((id) => works.get(id)!.downstream.length === 0);
  return { works, order, leaves };
}
