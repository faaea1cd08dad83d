/**
 * Builders and generators of pipeline trees, for tests and benchmarks.
 *
 * - `TreeBuilder`: add nodes and flows, `build()` fills every node's `incoming` / `outgoing`
 *   the way bamboo writes them and gives exclusive / conditional parallel gateways conditions.
 * - `treeFromEdges`: a compact text form, `['start>a1>pg_1', 'pg_1>a2>cg_1', ...]`, node types
 *   taken from the id (see `nodeTypeFromId`).
 * - `linearTree`, `parallelTree`, `nestedMixTree`: big valid trees (10,000 nodes and more).
 *
 * Every call returns fresh objects (nothing shared between trees or nodes), so callers may
 * mutate the result. Generated exclusive gateways take their first flow (`1 == 1`) and refuse
 * the others (`1 == 0`); conditional parallel gateways take every branch; so generated trees
 * also run to the end when executed.
 */
import type {
  Activity,
  Condition,
  EndEvent,
  Flow,
  Gateway,
  PipelineTree,
  StartEvent,
  TreeVariable,
} from './tree.types';

type GatewayType = Gateway['type'];
type BuilderNodeType =
  'EmptyStartEvent' | 'EmptyEndEvent' | 'ServiceActivity' | 'SubProcess' | GatewayType;

interface BuilderNode {
  id: string;
  type: BuilderNodeType;
  code?: string;
  inputs?: Record<string, { type: 'plain' | 'splice' | 'lazy'; value: unknown }>;
  pipeline?: PipelineTree;
  params?: Record<string, TreeVariable>;
  extra?: Record<string, unknown>;
}

export interface FlowOptions {
  /** Condition on an exclusive / conditional parallel gateway's flow (default: see class doc). */
  condition?: string;
  /** Make this flow the gateway's `default_condition`. */
  isDefault?: boolean;
  /** Explicit flow id (default: `<flowPrefix><n>`). */
  id?: string;
}

export interface TreeBuilderOptions {
  /** Prefix of generated flow ids; give nested trees their own so ids stay unique tree-wide. */
  flowPrefix?: string;
  cycleTolerate?: boolean;
}

/** Builds one (sub-)tree; see the module doc. */
export class TreeBuilder {
  private readonly nodes = new Map<string, BuilderNode>();
  private readonly flows: Array<Flow & { condition?: string; isDefault?: boolean }> = [];
  private readonly variables: Record<string, TreeVariable> = {};
  private readonly outputs: string[] = [];
  private startId?: string;
  private endId?: string;
  private flowCount = 0;

  constructor(
    readonly id: string,
    private readonly options: TreeBuilderOptions = {},
  ) {}

  start(id = 'start'): this {
    this.startId = id;
    return this.add({ id, type: 'EmptyStartEvent' });
  }

  end(id = 'end'): this {
    this.endId = id;
    return this.add({ id, type: 'EmptyEndEvent' });
  }

  activity(
    id: string,
    code = 'noop',
    inputs: BuilderNode['inputs'] = {},
    extra?: Record<string, unknown>,
  ): this {
    return this.add({ id, type: 'ServiceActivity', code, inputs, extra });
  }

  gateway(id: string, type: GatewayType): this {
    return this.add({ id, type });
  }

  /** `pipeline.id` is set to `id` (DESIGN §3). */
  subProcess(id: string, pipeline: PipelineTree, params: Record<string, TreeVariable> = {}): this {
    return this.add({ id, type: 'SubProcess', pipeline: { ...pipeline, id }, params });
  }

  has(id: string): boolean {
    return this.nodes.has(id);
  }

  /** Adds a flow (nodes must exist by `build()` time); returns its id. */
  flow(source: string, target: string, options: FlowOptions = {}): string {
    const id = options.id ?? `${this.options.flowPrefix ?? 'f'}${++this.flowCount}`;
    this.flows.push({
      id,
      source,
      target,
      is_default: false,
      condition: options.condition,
      isDefault: options.isDefault,
    });
    return id;
  }

  /** Flows `a -> b -> c ...`. */
  chain(...ids: string[]): this {
    for (let i = 1; i < ids.length; i++) this.flow(ids[i - 1], ids[i]);
    return this;
  }

  variable(key: string, variable: TreeVariable, isOutput = false): this {
    this.variables[key] = variable;
    if (isOutput) this.outputs.push(key);
    return this;
  }

  build(): PipelineTree {
    if (!this.startId || !this.endId)
      throw new Error(`tree ${this.id}: start and end events are required`);
    const incoming = new Map<string, string[]>();
    const outgoing = new Map<string, string[]>();
    for (const f of this.flows) {
      push(outgoing, f.source, f.id);
      push(incoming, f.target, f.id);
    }
    const flowById = new Map(this.flows.map((f) => [f.id, f]));
    const one = (list: string[] | undefined): string | string[] =>
      !list || list.length === 0 ? '' : list.length === 1 ? list[0] : [...list];
    const many = (list: string[] | undefined): string[] => [...(list ?? [])];

    const tree: PipelineTree = {
      id: this.id,
      start_event: undefined as unknown as StartEvent,
      end_event: undefined as unknown as EndEvent,
      activities: {},
      gateways: {},
      flows: {},
      data: { inputs: structuredClone(this.variables), outputs: [...this.outputs] },
    };
    if (this.options.cycleTolerate !== undefined)
      tree.options = { cycle_tolerate: this.options.cycleTolerate };
    for (const f of this.flows)
      tree.flows[f.id] = {
        id: f.id,
        source: f.source,
        target: f.target,
        is_default: !!f.isDefault,
      };

    for (const n of this.nodes.values()) {
      const inc = incoming.get(n.id);
      const out = outgoing.get(n.id);
      switch (n.type) {
        case 'EmptyStartEvent':
          tree.start_event = {
            id: n.id,
            type: n.type,
            name: n.id,
            incoming: inc?.length ? many(inc) : '',
            outgoing: one(out) as string,
          };
          break;
        case 'EmptyEndEvent':
          tree.end_event = {
            id: n.id,
            type: n.type,
            name: n.id,
            incoming: many(inc),
            outgoing: one(out),
          };
          break;
        case 'ServiceActivity':
          tree.activities[n.id] = {
            id: n.id,
            type: n.type,
            name: n.id,
            incoming: many(inc),
            outgoing: one(out) as string,
            component: { code: n.code ?? 'noop', inputs: structuredClone(n.inputs ?? {}) },
            error_ignorable: false,
            skippable: true,
            retryable: true,
            optional: false,
            ...(n.extra ? structuredClone(n.extra) : {}),
          } as Activity;
          break;
        case 'SubProcess':
          tree.activities[n.id] = {
            id: n.id,
            type: n.type,
            name: n.id,
            incoming: many(inc),
            outgoing: one(out) as string,
            params: structuredClone(n.params ?? {}),
            pipeline: structuredClone(n.pipeline!),
          };
          break;
        case 'ConvergeGateway':
          tree.gateways[n.id] = {
            id: n.id,
            type: n.type,
            name: n.id,
            incoming: many(inc),
            outgoing: one(out) as string,
          };
          break;
        case 'ParallelGateway':
          tree.gateways[n.id] = {
            id: n.id,
            type: n.type,
            name: n.id,
            incoming: many(inc),
            outgoing: many(out),
          };
          break;
        case 'ExclusiveGateway':
        case 'ConditionalParallelGateway': {
          const conditions: Record<string, Condition> = {};
          let defaultFlow: string | undefined;
          (out ?? []).forEach((fid, i) => {
            const f = flowById.get(fid)!;
            if (f.isDefault) {
              defaultFlow = fid;
              return;
            }
            const evaluate =
              f.condition ??
              (n.type === 'ConditionalParallelGateway' || i === 0 ? '1 == 1' : '1 == 0');
            conditions[fid] = { evaluate };
          });
          tree.gateways[n.id] = {
            id: n.id,
            type: n.type,
            name: n.id,
            incoming: many(inc),
            outgoing: many(out),
            conditions,
            default_condition: defaultFlow ? { flow_id: defaultFlow } : {},
          };
          break;
        }
      }
    }
    return tree;
  }

  private add(node: BuilderNode): this {
    if (this.nodes.has(node.id)) throw new Error(`tree ${this.id}: node ${node.id} added twice`);
    this.nodes.set(node.id, node);
    return this;
  }
}

function push(map: Map<string, string[]>, key: string, value: string): void {
  const list = map.get(key);
  if (list) list.push(value);
  else map.set(key, [value]);
}

/**
 * The node type an id stands for in `treeFromEdges`: the last `_`-separated word, digits
 * stripped: `pg` ParallelGateway, `cpg` ConditionalParallelGateway, `eg` ExclusiveGateway, `cg`
 * ConvergeGateway, `sp` SubProcess; anything else is a ServiceActivity (`pg_1`, `sub_cg_2`,
 * `eg3` work; `act_1`, `a7` are activities).
 */
export function nodeTypeFromId(id: string): 'ServiceActivity' | 'SubProcess' | GatewayType {
  const m = /(?:^|_)(cpg|pg|eg|cg|sp)_?\d*$/.exec(id);
  switch (m?.[1]) {
    case 'pg':
      return 'ParallelGateway';
    case 'cpg':
      return 'ConditionalParallelGateway';
    case 'eg':
      return 'ExclusiveGateway';
    case 'cg':
      return 'ConvergeGateway';
    case 'sp':
      return 'SubProcess';
    default:
      return 'ServiceActivity';
  }
}

export interface EdgesTreeOptions extends TreeBuilderOptions {
  id?: string;
  /** Start / end event ids (default `start` / `end`). */
  start?: string;
  end?: string;
  /** The nested tree of each SubProcess id (default: a one-activity tree). */
  subProcesses?: Record<string, PipelineTree>;
}

/**
 * A tree from chains of ids: `treeFromEdges(['start>a1>pg_1', 'pg_1>a2>cg_1', 'pg_1>a3>cg_1',
 * 'cg_1>end'])`. Node types follow `nodeTypeFromId`; flows are numbered in order of appearance.
 */
export function treeFromEdges(edges: string[], options: EdgesTreeOptions = {}): PipelineTree {
  const start = options.start ?? 'start';
  const end = options.end ?? 'end';
  const id = options.id ?? 'tree';
  const b = new TreeBuilder(id, options).start(start).end(end);
  const ensure = (nid: string) => {
    if (nid === start || nid === end || b.has(nid)) return;
    const type = nodeTypeFromId(nid);
    if (type === 'ServiceActivity') b.activity(nid);
    else if (type === 'SubProcess')
      b.subProcess(
        nid,
        options.subProcesses?.[nid] ?? linearTree(1, { id: nid, prefix: `${nid}_` }),
      );
    else b.gateway(nid, type);
  };
  for (const edge of edges) {
    const ids = edge.split('>').map((s) => s.trim());
    ids.forEach(ensure);
    b.chain(...ids);
  }
  return b.build();
}

export interface GeneratorOptions {
  /** Tree id (default depends on the generator). */
  id?: string;
  /** Prefix of every node and flow id, to keep nested trees' ids unique. */
  prefix?: string;
}

/** `start -> a1 -> ... -> aN -> end`: N + 2 nodes. */
export function linearTree(activities: number, options: GeneratorOptions = {}): PipelineTree {
  const p = options.prefix ?? '';
  const b = new TreeBuilder(options.id ?? `linear-${activities}`, { flowPrefix: `${p}f` })
    .start(`${p}start`)
    .end(`${p}end`);
  let prev = `${p}start`;
  for (let i = 1; i <= activities; i++) {
    const id = `${p}a${i}`;
    b.activity(id).flow(prev, id);
    prev = id;
  }
  b.flow(prev, `${p}end`);
  return b.build();
}

/**
 * `start -> pg -> (branches × a chain of branchLength activities) -> cg -> end`:
 * branches × branchLength + 4 nodes (100 × 100 = 10,004).
 */
export function parallelTree(
  branches: number,
  branchLength: number,
  options: GeneratorOptions = {},
): PipelineTree {
  const p = options.prefix ?? '';
  const b = new TreeBuilder(options.id ?? `parallel-${branches}x${branchLength}`, {
    flowPrefix: `${p}f`,
  })
    .start(`${p}start`)
    .end(`${p}end`)
    .gateway(`${p}pg`, 'ParallelGateway')
    .gateway(`${p}cg`, 'ConvergeGateway');
  b.flow(`${p}start`, `${p}pg`);
  for (let i = 1; i <= branches; i++) {
    let prev = `${p}pg`;
    for (let j = 1; j <= branchLength; j++) {
      const id = `${p}b${i}_a${j}`;
      b.activity(id).flow(prev, id);
      prev = id;
    }
    b.flow(prev, `${p}cg`);
  }
  b.flow(`${p}cg`, `${p}end`);
  return b.build();
}

export interface NestedMixOptions extends GeneratorOptions {
  /** Roughly how many nodes to generate (nested sub-process trees included); default 10,000. */
  nodes?: number;
  /** How deep blocks nest inside branches (default 3). */
  depth?: number;
  /** Branches per parallel / conditional parallel / exclusive block (default 3). */
  branches?: number;
  /** Add exclusive-gateway loop-backs inside blocks; the tree then needs cycle tolerance. */
  loops?: boolean;
  /** Put a small sub-process (with its own parallel block) every this many segments (default 7; 0 = none). */
  subProcessEvery?: number;
}

/** What `nestedMixTree` built, with the converge each fork gateway must be matched with. */
export interface NestedMixTree {
  tree: PipelineTree;
  /** Every ParallelGateway / ConditionalParallelGateway id -> its ConvergeGateway id (sub-processes included). */
  converges: Record<string, string>;
  /** Nodes generated, start and end events of nested trees included. */
  nodeCount: number;
}

/**
 * A valid tree mixing, along a main line, activity chains, parallel / conditional parallel blocks
 * (with direct branch-to-converge edges), exclusive blocks that converge, exclusive gateways
 * reusing the enclosing block's converge, blocks nested `depth` deep, sub-processes holding their
 * own parallel block and, with `loops`, exclusive loop-backs; plus the expected `converges`.
 */
export function nestedMixTree(options: NestedMixOptions = {}): NestedMixTree {
  const target = options.nodes ?? 10_000;
  const depth = options.depth ?? 3;
  const branches = Math.max(2, options.branches ?? 3);
  const subEvery = options.subProcessEvery ?? 7;
  const p = options.prefix ?? '';
  const b = new TreeBuilder(options.id ?? `nested-mix-${target}`, {
    flowPrefix: `${p}f`,
    cycleTolerate: options.loops ? true : undefined,
  });
  const converges: Record<string, string> = {};
  let seq = 0;
  let count = 2;
  const next = (kind: string) => `${p}${kind}_${++seq}`;
  const act = () => {
    const id = next('a');
    b.activity(id);
    count++;
    return id;
  };
  const gw = (kind: 'pg' | 'cpg' | 'eg' | 'cg') => {
    const id = next(kind);
    b.gateway(id, nodeTypeFromId(id) as GatewayType);
    count++;
    return id;
  };

  /**
   * Appends one segment after `from` and returns its last node. `level` bounds nesting; `kind`
   * rotates through the segment kinds. `closing` is the enclosing block's converge, which an
   * exclusive gateway in a branch may jump to.
   */
  const segment = (from: string, level: number, kind: number, closing?: string): string => {
    switch (level >= depth ? 0 : kind % 6) {
      case 0: {
        // a short chain, optionally with a loop back through an exclusive gateway
        let prev = from;
        const first = act();
        b.flow(prev, first);
        prev = first;
        for (let i = 0; i < 2; i++) {
          const id = act();
          b.flow(prev, id);
          prev = id;
        }
        if (options.loops) {
          const eg = gw('eg');
          b.flow(prev, eg);
          const out = act();
          b.flow(eg, out, { condition: '1 == 1' });
          b.flow(eg, first, { condition: '1 == 0' });
          prev = out;
        }
        return prev;
      }
      case 1:
      case 4: {
        // parallel (or conditional parallel) block with nested segments and one empty branch
        const fork = gw(kind === 1 ? 'pg' : 'cpg');
        const join = gw('cg');
        converges[fork] = join;
        b.flow(from, fork);
        for (let i = 0; i < branches; i++) {
          const last = segment(fork, level + 1, kind + i + 1, join);
          b.flow(last, join);
        }
        b.flow(fork, join);
        return join;
      }
      case 2: {
        // exclusive block that converges, one branch nested deeper
        const eg = gw('eg');
        const join = gw('cg');
        b.flow(from, eg);
        for (let i = 0; i < branches; i++) {
          const last = i === 0 ? segment(eg, level + 1, kind + 2, join) : act();
          if (i !== 0) b.flow(eg, last);
          b.flow(last, join);
        }
        return join;
      }
      case 3: {
        // exclusive gateway that either continues or jumps to the enclosing block's converge
        const a = act();
        b.flow(from, a);
        if (!closing) return a;
        const eg = gw('eg');
        b.flow(a, eg);
        const cont = act();
        b.flow(eg, cont);
        b.flow(eg, closing);
        return cont;
      }
      default: {
        // a sub-process with its own parallel block
        if (!subEvery) return segment(from, level, 0, closing);
        const sp = next('sp');
        const sub = new TreeBuilder(sp, { flowPrefix: `${sp}_f` })
          .start(`${sp}_start`)
          .end(`${sp}_end`)
          .gateway(`${sp}_pg`, 'ParallelGateway')
          .gateway(`${sp}_cg`, 'ConvergeGateway');
        sub.flow(`${sp}_start`, `${sp}_pg`);
        for (let i = 1; i <= 2; i++) {
          sub.activity(`${sp}_a${i}`).chain(`${sp}_pg`, `${sp}_a${i}`, `${sp}_cg`);
        }
        sub.flow(`${sp}_cg`, `${sp}_end`);
        converges[`${sp}_pg`] = `${sp}_cg`;
        b.subProcess(sp, sub.build());
        count += 7;
        b.flow(from, sp);
        return sp;
      }
    }
  };

  b.start(`${p}start`).end(`${p}end`);
  let prev = `${p}start`;
  let k = 0;
  while (count < target) {
    const kind = subEvery && k % subEvery === subEvery - 1 ? 5 : k % 5;
    prev = segment(prev, 0, kind);
    k++;
  }
  b.flow(prev, `${p}end`);
  return { tree: b.build(), converges, nodeCount: count };
}
