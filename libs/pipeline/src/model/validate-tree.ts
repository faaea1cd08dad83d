/**
 * Validation of a bamboo-compatible pipeline tree (DESIGN §3): `validateTree(input, options)`
 * reports every problem at once and, for a valid tree, which converge gateway joins each
 * parallel / conditional parallel gateway.
 *
 * Order and skipping
 * - A value nested deeper than MAX_TREE_JSON_DEPTH (or containing itself) is the only problem
 *   reported: nothing else may walk it.
 * - Schema (`INVALID_SCHEMA`, from the DTO classes) for the whole tree, nested trees included.
 * - Per (sub-)tree, always: ids (`DUPLICATE_ID`), data references, expressions, components,
 *   extra checks. Graph checks run per tree, and only when that tree's structure is sound: no
 *   schema problem in a node's or flow's `id`, `type`, `incoming`, `outgoing`, `source`,
 *   `target` or in the node / flow maps themselves, and no id used twice inside the tree. Then
 *   `CONNECT_TO_START` and `DANGLING_FLOW`; if a flow dangles, nothing more for that tree. Then
 *   `DEGREE`, `UNREACHABLE`, `CYCLE`; gateway matching (`CONVERGE_MISMATCH`) only without
 *   degree problems or inescapable loops, and stream analysis (`STREAM`) only when every
 *   parallel gateway found its converge — otherwise both would only echo the first problem.
 *
 * Codes chosen where DESIGN §3 leaves it open
 * - A node or flow whose `id` differs from its key, a SubProcess whose `pipeline.id` differs
 *   from the node id, a `data.outputs` key missing from `data.inputs`, a `source_act` that
 *   names no activity of the same (sub-)tree: `INVALID_SCHEMA` (broken references in the data,
 *   not in the graph).
 * - Node ids and flow ids share one namespace, unique across the whole tree (nested trees
 *   included), as bamboo's generated ids are; a pipeline's own `id` is not part of it.
 * - `DANGLING_FLOW` also covers a flow missing from its source's `outgoing` or its target's
 *   `incoming`: the engine follows the node lists, so both views must agree.
 * - An edge into the start event is `CONNECT_TO_START` only (not also `DEGREE` / `CYCLE`): it
 *   is left out of the graph for the later checks.
 * - `UNREACHABLE` is not repeated for a node already reported for having no incoming flow,
 *   unless the node has no flow at all (isolated; bamboo reports it as such).
 * - With cycle tolerance, a loop with no way out (the run could never reach the end) is
 *   `CYCLE` too.
 * - Conditions keyed by a flow that does not leave the gateway, and a `default_condition`
 *   naming such a flow: `INVALID_EXPRESSION`, like a condition that does not parse.
 * - Two fork gateways that would share a converge: one `CONVERGE_MISMATCH` on the converge.
 *   Any other `CONVERGE_MISMATCH` is on the fork gateway at fault: the innermost one whose own
 *   branches break the rule (see checks/converge-matching.ts). A flow into a matched converge
 *   from a stream other than its fork's branches: `STREAM`.
 * - Where this differs from bamboo's validator: a branch looping back out of a parallel block
 *   is reported as the `STREAM` it causes (bamboo raises a converge error on the exclusive
 *   gateway); branches merging at an activity before their converge are `CONVERGE_MISMATCH` on
 *   the parallel gateway (bamboo names the converge) and `STREAM` on the activity.
 *
 * Gateway matching (checks/converge-matching.ts) follows bamboo's rules on an acyclic view of
 * the graph (loop-closing edges set aside, as bamboo ignores branches that return) with
 * post-dominators; stream analysis (checks/stream-labels.ts) then labels each node with the
 * parallel branch it runs in, loops included, and reports a node reached from two. It runs
 * whenever every parallel gateway found its converge, else it would only echo the mismatch.
 */
import { checkCondition, checkTemplate } from '../expressions';
import { matchConverges } from './checks/converge-matching';
import {
  isActivityType,
  listIds,
  nodeLabel,
  type GraphView,
  type Report,
} from './checks/graph-view';
import { labelStreams } from './checks/stream-labels';
import { Digraph, reachableFrom, stronglyConnectedComponents } from './graph-algorithms';
import { checkJsonShape, checkSchema, type SchemaProblem } from './schema-check';
import { isPlainObject } from './tree-schema.dto';
import type { Activity } from './tree.types';
import type {
  ValidateOptions,
  ValidationCode,
  ValidationIssue,
  ValidationResult,
} from './validation.types';

type Raw = Record<string, unknown>;
type Kind = 'start' | 'end' | 'activity' | 'gateway';

interface NodeInfo {
  id: string;
  type: string;
  kind: Kind;
  raw: Raw;
  path: string;
}

interface FlowInfo {
  id: string;
  source: unknown;
  target: unknown;
  path: string;
}

interface TreeCtx {
  raw: Raw;
  /** Path of the tree in the submitted JSON ('' for the root). */
  prefix: string;
  /** The SubProcess node holding this tree. */
  parentNodeId?: string;
  tolerate: boolean;
  index: number;
}

const STRUCTURAL_NODE_FIELDS = new Set(['id', 'type', 'incoming', 'outgoing']);
const STRUCTURAL_FLOW_FIELDS = new Set(['id', 'source', 'target']);


function join(...parts: string[]): string {
  let out = '';
  for (const p of parts) if (p !== '') out = out === '' ? p : `${out}.${p}`;
  return out;
}

/** bamboo writes one flow as a string, none as `""`, several as an array. */
function flowRefs(value: unknown): string[] {
  if (typeof value === 'string') return value === '' ? [] : [value];
  if (Array.isArray(value)) return value.filter((v): v is string => typeof v === 'string');
  return [];
}

/**
 * Where a schema problem sits: the (sub-)tree it belongs to and whether it breaks that tree's
 * graph (then graph checks of that tree are skipped).
 */
function classify(segments: readonly string[]): {
  prefix: string;
  structural: boolean;
  nodePath?: string;
} {
  let pos = 0;
  while (
    segments[pos] === 'activities' &&
    segments[pos + 2] === 'pipeline' &&
    segments.length > pos + 3
  )
    pos += 3;
  const prefix = segments.slice(0, pos).join('.');
  const rel = segments.slice(pos);
  const [top, key, field] = rel;
  let structural = false;
  if (rel.length === 0) structural = true;
  else if (top === 'start_event' || top === 'end_event')
    structural = rel.length === 1 || STRUCTURAL_NODE_FIELDS.has(key);
  else if (top === 'activities' || top === 'gateways')
    structural = rel.length <= 2 || STRUCTURAL_NODE_FIELDS.has(field);
  else if (top === 'flows') structural = rel.length <= 2 || STRUCTURAL_FLOW_FIELDS.has(field);
  const nodePath =
    top === 'activities' && rel.length >= 2 && !(rel[2] === 'pipeline' && rel.length > 3)
      ? join(prefix, 'activities', key)
      : undefined;
  return { prefix, structural, nodePath };
}

/**
 * Validates a pipeline tree (DESIGN §3). Never throws on bad input (an `extraChecks` function
 * that throws is a bug and propagates). See the module doc for the rules and choices.
 */
export function validateTree(input: unknown, options: ValidateOptions = {}): ValidationResult {
  return new TreeValidator(options).run(input);
}

class TreeValidator {
  private readonly issues: ValidationIssue[] = [];
  private readonly converges: Record<string, string> = {};
  /** Every node and flow id seen so far -> where, for DUPLICATE_ID. */
  private readonly ids = new Map<string, { path: string; tree: number }>();
  private readonly brokenTrees = new Set<string>();
  private readonly brokenNodes = new Set<string>();

  constructor(private readonly options: ValidateOptions) {}

  run(input: unknown): ValidationResult {
    const shape = checkJsonShape(input);
    if (shape) {
      this.add('INVALID_SCHEMA', shape.path, shape.message);
      return this.result();
    }
    const schema = checkSchema(input);
    for (const p of schema) this.schemaProblem(p);
    if (!isPlainObject(input)) return this.result();

    const rootTolerate = this.options.cycleTolerate ?? this.treeTolerate(input) ?? false;
    const stack: TreeCtx[] = [{ raw: input, prefix: '', tolerate: rootTolerate, index: 0 }];
    let count = 0;
    while (stack.length) {
      const ctx = stack.pop()!;
      ctx.index = count++;
      this.validateOneTree(ctx, stack);
    }
    return this.result();
  }

  private result(): ValidationResult {
    return { valid: this.issues.length === 0, errors: this.issues, converges: this.converges };
  }

  private add(code: ValidationCode, path: string, message: string, nodeId?: string): void {
    this.issues.push(
      nodeId === undefined ? { code, path, message } : { code, nodeId, path, message },
    );
  }

  private schemaProblem(p: SchemaProblem): void {
    this.add('INVALID_SCHEMA', p.path, p.message, p.nodeId);
    const { prefix, structural, nodePath } = classify(p.segments);
    if (structural) this.brokenTrees.add(prefix);
    if (nodePath) this.brokenNodes.add(nodePath);
  }

  private treeTolerate(tree: Raw): boolean | undefined {
    const opts = tree.options;
    return isPlainObject(opts) && typeof opts.cycle_tolerate === 'boolean'
      ? opts.cycle_tolerate
      : undefined;
  }

  private validateOneTree(ctx: TreeCtx, stack: TreeCtx[]): void {
    const t = ctx.raw;
    const at = (...segs: string[]) => join(ctx.prefix, ...segs);
    let broken = this.brokenTrees.has(ctx.prefix);

    // ---- nodes, flows and ids
    const nodes: NodeInfo[] = [];
    const byId = new Map<string, NodeInfo>();
    const claim = (id: string, path: string, nodeId?: string): boolean => {
      const prev = this.ids.get(id);
      if (prev) {
        this.add(
          'DUPLICATE_ID',
          path,
          `id '${id}' at ${path} is already used at ${prev.path}`,
          nodeId,
        );
        if (prev.tree === ctx.index) broken = true;
        return false;
      }
      this.ids.set(id, { path, tree: ctx.index });
      return true;
    };
    const addNode = (raw: unknown, kind: Kind, path: string, key?: string) => {
      if (!isPlainObject(raw)) return;
      const id = key ?? (typeof raw.id === 'string' && raw.id !== '' ? raw.id : undefined);
      if (id === undefined) return; // reported by the schema
      if (key !== undefined && typeof raw.id === 'string' && raw.id !== key) {
        this.add(
          'INVALID_SCHEMA',
          join(path, 'id'),
          `${path}.id is '${raw.id}' but the node is keyed '${key}'; they must be equal`,
          key,
        );
        broken = true;
      }
      const node: NodeInfo = { id, type: String(raw.type), kind, raw, path };
      if (claim(id, path, id)) byId.set(id, node);
      nodes.push(node);
    };
    addNode(t.start_event, 'start', at('start_event'));
    addNode(t.end_event, 'end', at('end_event'));
    for (const [container, kind] of [
      ['activities', 'activity'],
      ['gateways', 'gateway'],
    ] as const) {
      const map = t[container];
      if (isPlainObject(map))
        for (const key of Object.keys(map)) addNode(map[key], kind, at(container, key), key);
    }
    const flows: FlowInfo[] = [];
    const flowById = new Map<string, FlowInfo>();
    if (isPlainObject(t.flows)) {
      for (const key of Object.keys(t.flows)) {
        const raw = t.flows[key];
        if (!isPlainObject(raw)) continue;
        const path = at('flows', key);
        if (typeof raw.id === 'string' && raw.id !== key) {
          this.add(
            'INVALID_SCHEMA',
            join(path, 'id'),
            `${path}.id is '${raw.id}' but the flow is keyed '${key}'; they must be equal`,
          );
          broken = true;
        }
        const flow: FlowInfo = { id: key, source: raw.source, target: raw.target, path };
        if (claim(key, path)) flowById.set(key, flow);
        flows.push(flow);
      }
    }

    // ---- data, components, expressions, sub-processes, extra checks
    this.checkData(ctx, byId);
    const flowsFrom = new Map<string, string[]>();
    for (const f of flows) {
      if (typeof f.source !== 'string') continue;
      const list = flowsFrom.get(f.source);
      if (list) list.push(f.id);
      else flowsFrom.set(f.source, [f.id]);
    }
    for (const node of nodes) {
      if (node.kind === 'activity') this.checkActivity(ctx, node, stack);
      else if (node.kind === 'gateway') this.checkGateway(node, flowsFrom.get(node.id) ?? []);
    }

    if (!broken) this.checkGraph(ctx, nodes, byId, flows, flowById);
  }

  // ------------------------------------------------------------------ non-graph checks

  private checkData(ctx: TreeCtx, byId: Map<string, NodeInfo>): void {
    const data = ctx.raw.data;
    if (!isPlainObject(data)) return;
    const inputs = isPlainObject(data.inputs) ? data.inputs : undefined;
    const base = join(ctx.prefix, 'data');
    if (inputs) {
      for (const key of Object.keys(inputs)) {
        const v = inputs[key];
        if (!isPlainObject(v)) continue;
        const path = join(base, 'inputs', key);
        const sources =
          typeof v.source_act === 'string'
            ? [v.source_act]
            : Array.isArray(v.source_act)
              ? v.source_act
              : [];
        sources.forEach((src, i) => {
          if (typeof src !== 'string') return;
          const node = byId.get(src);
          if (!node || node.kind !== 'activity') {
            const where = Array.isArray(v.source_act)
              ? join(path, 'source_act', String(i))
              : join(path, 'source_act');
            this.add(
              'INVALID_SCHEMA',
              where,
              `variable '${key}' takes its value from '${src}', which is not an activity of this ${ctx.prefix ? 'sub-process' : 'pipeline'}`,
              ctx.parentNodeId,
            );
          }
        });
        if (v.type === 'splice' && (v.source_act === undefined || v.source_act === null))
          this.checkTemplateAt(v.value, join(path, 'value'), ctx.parentNodeId);
      }
    }
    if (Array.isArray(data.outputs)) {
      data.outputs.forEach((key, i) => {
        if (
          typeof key === 'string' &&
          inputs &&
          !Object.prototype.hasOwnProperty.call(inputs, key)
        ) {
          this.add(
            'INVALID_SCHEMA',
            join(base, 'outputs', String(i)),
            `output '${key}' is not a variable in data.inputs`,
            ctx.parentNodeId,
          );
        }
      });
    }
  }

  private checkTemplateAt(value: unknown, path: string, nodeId?: string): void {
    if (value === undefined || value === null) return;
    try {
      checkTemplate(value);
    } catch (e) {
      this.add('INVALID_EXPRESSION', path, `${path}: ${(e as Error).message}`, nodeId);
    }
  }

  /** A result binding's value: one expression (`${a} + 1`), not a template. */
  private checkExpressionAt(src: string, path: string, nodeId: string): void {
    try {
      checkCondition(src);
    } catch (e) {
      this.add('INVALID_EXPRESSION', path, `${path}: ${(e as Error).message}`, nodeId);
    }
  }

  private checkActivity(ctx: TreeCtx, node: NodeInfo, stack: TreeCtx[]): void {
    const { raw, id, path } = node;
    if (node.type === 'ServiceActivity') {
      const component = raw.component;
      if (isPlainObject(component)) {
        const { code, version } = component;
        if (this.options.componentExists && typeof code === 'string' && code !== '') {
          const v = typeof version === 'string' ? version : undefined;
          if (!this.options.componentExists(code, v)) {
            this.add(
              'UNKNOWN_COMPONENT',
              join(path, 'component', 'code'),
              `no component '${code}'${v ? ` with version '${v}'` : ''} is registered (used by activity '${id}')`,
              id,
            );
          }
        }
        if (Array.isArray(raw.results)) {
          raw.results.forEach((r, i) => {
            if (isPlainObject(r) && typeof r.value === 'string' && r.value.includes('${')) {
              this.checkExpressionAt(r.value, join(path, 'results', String(i), 'value'), id);
            }
          });
        }
        if (isPlainObject(component.inputs)) {
          for (const key of Object.keys(component.inputs)) {
            const input = component.inputs[key];
            if (isPlainObject(input) && input.type === 'splice') {
              this.checkTemplateAt(
                input.value,
                join(path, 'component', 'inputs', key, 'value'),
                id,
              );
            }
          }
        }
      }
    } else if (node.type === 'SubProcess') {
      if (isPlainObject(raw.params)) {
        for (const key of Object.keys(raw.params)) {
          const param = raw.params[key];
          if (
            isPlainObject(param) &&
            param.type === 'splice' &&
            (param.source_act === undefined || param.source_act === null)
          ) {
            this.checkTemplateAt(param.value, join(path, 'params', key, 'value'), id);
          }
        }
      }
      const pipeline = raw.pipeline;
      if (isPlainObject(pipeline)) {
        if (typeof pipeline.id === 'string' && pipeline.id !== id) {
          this.add(
            'INVALID_SCHEMA',
            join(path, 'pipeline', 'id'),
            `the pipeline of sub-process '${id}' has id '${pipeline.id}'; it must equal the node id`,
            id,
          );
        }
        stack.push({
          raw: pipeline,
          prefix: join(path, 'pipeline'),
          parentNodeId: id,
          tolerate: this.options.cycleTolerate ?? this.treeTolerate(pipeline) ?? ctx.tolerate,
          index: -1,
        });
      }
    } else {
      return;
    }
    if (this.options.extraChecks?.length && !this.brokenNodes.has(path)) {
      for (const check of this.options.extraChecks) {
        for (const issue of check(raw as unknown as Activity, path)) this.issues.push(issue);
      }
    }
  }

  /** `leaving`: ids of the flows whose source is this gateway. */
  private checkGateway(node: NodeInfo, leaving: string[]): void {
    if (node.type !== 'ExclusiveGateway' && node.type !== 'ConditionalParallelGateway') return;
    const { raw, id, path } = node;
    // the node's own list or the flows' sources: a disagreement is DANGLING_FLOW, not this
    const outgoing = new Set([...flowRefs(raw.outgoing), ...leaving]);
    if (isPlainObject(raw.conditions)) {
      for (const key of Object.keys(raw.conditions)) {
        const cond = raw.conditions[key];
        const condPath = join(path, 'conditions', key);
        if (!outgoing.has(key)) {
          this.add(
            'INVALID_EXPRESSION',
            condPath,
            `gateway '${id}' has a condition for flow '${key}', which is not one of its outgoing flows`,
            id,
          );
        }
        if (isPlainObject(cond) && typeof cond.evaluate === 'string') {
          try {
            checkCondition(cond.evaluate);
          } catch (e) {
            this.add(
              'INVALID_EXPRESSION',
              join(condPath, 'evaluate'),
              `condition of flow '${key}' on gateway '${id}': ${(e as Error).message}`,
              id,
            );
          }
        }
      }
    }
    const def = raw.default_condition;
    if (
      isPlainObject(def) &&
      typeof def.flow_id === 'string' &&
      def.flow_id !== '' &&
      !outgoing.has(def.flow_id)
    ) {
      this.add(
        'INVALID_EXPRESSION',
        join(path, 'default_condition', 'flow_id'),
        `the default flow '${def.flow_id}' of gateway '${id}' is not one of its outgoing flows`,
        id,
      );
    }
  }

  // ------------------------------------------------------------------ graph checks

  private checkGraph(
    ctx: TreeCtx,
    nodes: NodeInfo[],
    byId: Map<string, NodeInfo>,
    flows: FlowInfo[],
    flowById: Map<string, FlowInfo>,
  ): void {
    const start = nodes.find((n) => n.kind === 'start');
    const end = nodes.find((n) => n.kind === 'end');
    if (!start || !end) return; // reported by the schema
    const list = [...byId.values()];
    const index = new Map<string, number>();
    list.forEach((n, i) => index.set(n.id, i));
    const n = list.length;
    const startIdx = index.get(start.id)!;
    const endIdx = index.get(end.id)!;

    // ---- CONNECT_TO_START and DANGLING_FLOW
    let dangling = false;
    let connectsToStart = false;
    const dangle = (path: string, message: string, nodeId?: string) => {
      dangling = true;
      this.add('DANGLING_FLOW', path, message, nodeId);
    };
    const incomingOf = list.map((node) => new Set(flowRefs(node.raw.incoming)));
    const outgoingOf = list.map((node) => new Set(flowRefs(node.raw.outgoing)));
    const from: number[] = [];
    const to: number[] = [];
    const outCount = new Int32Array(n);
    const inCount = new Int32Array(n);
    for (const f of flows) {
      const s = typeof f.source === 'string' ? index.get(f.source) : undefined;
      const d = typeof f.target === 'string' ? index.get(f.target) : undefined;
      if (s === undefined)
        dangle(
          join(f.path, 'source'),
          `flow '${f.id}' starts at '${String(f.source)}', which is not a node of this pipeline`,
        );
      else if (!outgoingOf[s].has(f.id))
        dangle(
          f.path,
          `flow '${f.id}' leaves ${nodeLabel(list[s])} but is not in its outgoing flows`,
          list[s].id,
        );
      if (d === undefined)
        dangle(
          join(f.path, 'target'),
          `flow '${f.id}' ends at '${String(f.target)}', which is not a node of this pipeline`,
        );
      else if (d === startIdx) {
        connectsToStart = true;
        this.add(
          'CONNECT_TO_START',
          f.path,
          `flow '${f.id}' leads into the start event '${start.id}'; nothing may connect to the start event`,
          s === undefined ? undefined : list[s].id,
        );
      } else if (!incomingOf[d].has(f.id))
        dangle(
          f.path,
          `flow '${f.id}' enters ${nodeLabel(list[d])} but is not in its incoming flows`,
          list[d].id,
        );
      if (s !== undefined) outCount[s]++;
      if (s !== undefined && d !== undefined && d !== startIdx) {
        inCount[d]++;
        from.push(s);
        to.push(d);
      }
    }
    list.forEach((node, i) => {
      for (const fid of incomingOf[i]) {
        const f = flowById.get(fid);
        if (!f)
          dangle(
            join(node.path, 'incoming'),
            `${nodeLabel(node)} lists incoming flow '${fid}', which does not exist`,
            node.id,
          );
        else if (f.target !== node.id)
          dangle(
            join(node.path, 'incoming'),
            `${nodeLabel(node)} lists incoming flow '${fid}', but that flow ends at '${String(f.target)}'`,
            node.id,
          );
      }
      for (const fid of outgoingOf[i]) {
        const f = flowById.get(fid);
        if (!f)
          dangle(
            join(node.path, 'outgoing'),
            `${nodeLabel(node)} lists outgoing flow '${fid}', which does not exist`,
            node.id,
          );
        else if (f.source !== node.id)
          dangle(
            join(node.path, 'outgoing'),
            `${nodeLabel(node)} lists outgoing flow '${fid}', but that flow starts at '${String(f.source)}'`,
            node.id,
          );
      }
    });
    if (dangling) return;

    // ---- DEGREE
    let degreeProblems = false;
    const degree = (node: NodeInfo, message: string) => {
      degreeProblems = true;
      this.add('DEGREE', node.path, `${nodeLabel(node)} ${message}`, node.id);
    };
    list.forEach((node, i) => {
      const ins = inCount[i];
      const outs = outCount[i];
      switch (node.kind) {
        case 'start':
          if (outs !== 1) degree(node, `must have exactly 1 outgoing flow (has ${outs})`);
          break;
        case 'end':
          if (ins < 1) degree(node, 'must have at least 1 incoming flow (has 0)');
          if (outs !== 0) degree(node, `must have no outgoing flow (has ${outs})`);
          break;
        default: {
          if (ins < 1) degree(node, 'must have at least 1 incoming flow (has 0)');
          const single = isActivityType(node.type) || node.type === 'ConvergeGateway';
          if (single && outs !== 1) degree(node, `must have exactly 1 outgoing flow (has ${outs})`);
          if (!single && outs < 1) degree(node, 'must have at least 1 outgoing flow (has 0)');
        }
      }
    });

    const g = new Digraph(n, from, to);
    const types = list.map((x) => x.type);

    // ---- UNREACHABLE
    const { seen, order } = reachableFrom(g, startIdx);
    list.forEach((node, i) => {
      // a node without incoming flow already has its DEGREE problem, unless it has no flow at
      // all: bamboo reports such an isolated node as one, so it is UNREACHABLE too
      if (!seen[i] && (inCount[i] > 0 || outCount[i] === 0))
        this.add(
          'UNREACHABLE',
          node.path,
          `${nodeLabel(node)} cannot be reached from the start event`,
          node.id,
        );
    });
    const bfsRank = new Int32Array(n).fill(n);
    order.forEach((v, r) => (bfsRank[v] = r));

    // ---- CYCLE
    const reportLoop = (members: number[], message: (ids: string) => string) => {
      const sorted = [...members].sort((a, b) => bfsRank[a] - bfsRank[b] || a - b);
      const first = list[sorted[0]];
      this.add('CYCLE', first.path, message(listIds(sorted.map((v) => list[v].id))), first.id);
    };
    const loops = stronglyConnectedComponents(
      g,
      ctx.tolerate ? (v) => types[v] !== 'ExclusiveGateway' : undefined,
    );
    for (let c = 0; c < loops.count; c++) {
      if (!loops.cyclic[c]) continue;
      reportLoop(loops.members[c], (ids) =>
        ctx.tolerate
          ? `a loop through ${ids} passes through no exclusive gateway; even with cycle tolerance every loop must`
          : `a loop through ${ids}; loops are only allowed with cycle tolerance (and through an exclusive gateway)`,
      );
    }
    let traps = false;
    {
      const all = ctx.tolerate ? stronglyConnectedComponents(g) : loops;
      for (let c = 0; c < all.count; c++) {
        if (!all.cyclic[c] || !all.members[c].some((v) => seen[v])) continue;
        const exits = all.members[c].some((v) => {
          for (let i = g.succStart[v]; i < g.succStart[v + 1]; i++)
            if (all.component[g.succ[i]] !== c) return true;
          return false;
        });
        if (exits) continue;
        traps = true;
        if (ctx.tolerate) {
          reportLoop(
            all.members[c],
            (ids) =>
              `a loop through ${ids} has no way out, so the run could never reach the end event`,
          );
        }
      }
    }
    // a flow into the start event is left out of the graph, so its source looks like a dead end
    if (degreeProblems || traps || connectsToStart) return;

    // ---- CONVERGE_MISMATCH, STREAM
    const view: GraphView = { g, nodes: list, seen, startIdx, endIdx };
    const report: Report = (code, path, message, nodeId) => this.add(code, path, message, nodeId);
    const { match, complete } = matchConverges(view, report, this.converges);
    if (complete) labelStreams(view, match, report);
  }
}
