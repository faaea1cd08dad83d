import { compileTemplate } from '../../expressions/compile';
import type {
  ComponentInput,
  Condition,
  ConvergeGateway,
  ExclusiveGateway,
  Flow,
  ParallelGateway,
  PipelineTree,
  ServiceActivity,
} from '../../model/tree.types';
import {
  SIGNS,
  type CommonTask,
  type OrderlinesProcess,
  type ProcessControlTask,
  type Task,
  type ValueClause,
} from './orderlines-process';

/**
 * Turns a validated orderlines process into the internal tree (DESIGN §3, §8.2). Node ids are
 * the task ids, so an operator steers a run with the ids they wrote:
 * - start / end → the start and end events; common → a ServiceActivity;
 * - group → its tasks in a row (no node of its own);
 * - parallel → a ParallelGateway (the task's id) forking one branch per listed task or group,
 *   joined at a ConvergeGateway `<id>.join` before the task's `next_id`;
 * - process_control → an ExclusiveGateway (the task's id), one flow per distinct branch
 *   target. By status: the status task records its outcome in a variable
 *   (`ServiceActivity.outcomeVariable`), `success` = finished, `failure` = error ignored or
 *   skipped. By value: the first condition whose every clause holds wins (each flow's
 *   condition also says that no earlier one holds), none holding fails the gateway.
 * - a task with no `next_id` leads to the end.
 * Synthetic ids (joins, flows, the tree's own) never take a task's id.
 */

/** Orderlines' extras on an activity; `timeout` and `onFailure` are defined by DESIGN §8.3 / §8.6. */
type OrderlinesActivity = ServiceActivity & {
  timeout?: { runningSeconds: number };
  onFailure?: { component?: string; noticeType?: string };
};

/** The `outcomeVariable` values that mean orderlines' `failure` (see engine/node-outcome.ts). */
const FAILURE_OUTCOMES = '("error_ignored", "skipped")';

export function buildOrderlinesTree(process: OrderlinesProcess): PipelineTree {
  return new TreeBuilder(process).build();
}

class TreeBuilder {
  private readonly used = new Set<string>();
  private readonly activities: Record<string, OrderlinesActivity> = {};
  private readonly gateways: PipelineTree['gateways'] = {};
  private readonly flows: Record<string, Flow> = {};
  private readonly outgoing = new Map<string, string[]>();
  private readonly incoming = new Map<string, string[]>();
  /** Where each task on the process's lines is entered and left. */
  private readonly units = new Map<string, { entry: string; exit: string }>();
  /** Status task → the variable its outcome is recorded in. */
  private readonly statusVariables = new Map<string, string>();
  private flowCount = 0;

  constructor(private readonly process: OrderlinesProcess) {
    for (const t of process.tasks) this.used.add(t.id);
  }

  /** `base`, or `base.2`, `base.3`... whichever no task or earlier synthetic node uses. */
  private alloc(base: string): string {
    let id = base;
    for (let n = 2; this.used.has(id); n++) id = `${base}.${n}`;
    this.used.add(id);
    return id;
  }

  private link(source: string, target: string): string {
    const id = this.alloc(`flow.${++this.flowCount}`);
    this.flows[id] = { id, source, target, is_default: false };
    this.outgoing.set(source, [...(this.outgoing.get(source) ?? []), id]);
    this.incoming.set(target, [...(this.incoming.get(target) ?? []), id]);
    return id;
  }

  build(): PipelineTree {
    const { process } = this;
    const rootId = this.alloc('process');
    for (const t of process.tasks) {
      if (
        t.type === 'process_control' &&
        t.mode === 'status' &&
        !this.statusVariables.has(t.statusOf)
      ) {
        const safe = t.statusOf.replace(/[^A-Za-z0-9_]/g, '_');
        let name = `__status_${safe}`;
        for (let n = 2; [...this.statusVariables.values()].includes(name); n++)
          name = `__status_${safe}_${n}`;
        this.statusVariables.set(t.statusOf, name);
      }
    }
    // Nodes first, in the submitted order (so flow numbers follow it), then the links.
    const lines = process.tasks.filter(
      (t) => !process.contained.has(t.id) && t.type !== 'start' && t.type !== 'end',
    );
    for (const t of lines) this.units.set(t.id, this.unit(t));
    this.link(process.start.id, this.entry(process.start.nextId));
    for (const t of lines) {
      if (t.type === 'process_control') this.branches(t);
      else this.link(this.units.get(t.id)!.exit, this.entry(t.nextId));
    }

    const flowsOf = (id: string, map: Map<string, string[]>) => map.get(id) ?? [];
    for (const [id, act] of Object.entries(this.activities)) {
      act.incoming = flowsOf(id, this.incoming);
      act.outgoing = flowsOf(id, this.outgoing)[0];
    }
    for (const [id, gw] of Object.entries(this.gateways)) {
      gw.incoming = flowsOf(id, this.incoming);
      if (gw.type === 'ConvergeGateway') gw.outgoing = flowsOf(id, this.outgoing)[0];
      else gw.outgoing = flowsOf(id, this.outgoing);
    }
    return {
      id: rootId,
      ...(process.name !== undefined ? { name: process.name } : {}),
      start_event: {
        id: process.start.id,
        type: 'EmptyStartEvent',
        ...(process.start.name !== undefined ? { name: process.start.name } : {}),
        incoming: '',
        outgoing: flowsOf(process.start.id, this.outgoing)[0],
      },
      end_event: {
        id: process.end.id,
        type: 'EmptyEndEvent',
        ...(process.end.name !== undefined ? { name: process.end.name } : {}),
        incoming: flowsOf(process.end.id, this.incoming),
        outgoing: '',
      },
      activities: this.activities,
      gateways: this.gateways,
      flows: this.flows,
      data: { inputs: {}, outputs: [] },
    };
  }

  /** The node a line continues at: the unit's entry, or the end for none. */
  private entry(taskId: string | null): string {
    if (taskId === null || taskId === this.process.end.id) return this.process.end.id;
    return this.units.get(taskId)!.entry;
  }

  private task(id: string): Task {
    return this.process.byId.get(id)!;
  }

  /** The nodes of one task (a group's tasks in a row, a parallel block), not linked onwards. */
  private unit(t: Task): { entry: string; exit: string } {
    switch (t.type) {
      case 'common':
        this.activities[t.id] = this.activity(t);
        return { entry: t.id, exit: t.id };
      case 'group': {
        const parts = t.members.map((m) => this.unit(this.task(m)));
        for (let i = 1; i < parts.length; i++) this.link(parts[i - 1].exit, parts[i].entry);
        return { entry: parts[0].entry, exit: parts[parts.length - 1].exit };
      }
      case 'parallel': {
        const fork: ParallelGateway = {
          id: t.id,
          type: 'ParallelGateway',
          ...(t.name !== undefined ? { name: t.name } : {}),
          incoming: [],
          outgoing: [],
        };
        const joinId = this.alloc(`${t.id}.join`);
        const join: ConvergeGateway = {
          id: joinId,
          type: 'ConvergeGateway',
          name: `join of ${t.name ?? t.id}`,
          incoming: [],
          outgoing: '',
        };
        this.gateways[t.id] = fork;
        this.gateways[joinId] = join;
        for (const b of t.branches) {
          const branch = this.unit(this.task(b));
          this.link(t.id, branch.entry);
          this.link(branch.exit, joinId);
        }
        return { entry: t.id, exit: joinId };
      }
      case 'process_control': {
        const gw: ExclusiveGateway = {
          id: t.id,
          type: 'ExclusiveGateway',
          ...(t.name !== undefined ? { name: t.name } : {}),
          incoming: [],
          outgoing: [],
          conditions: {},
        };
        this.gateways[t.id] = gw;
        return { entry: t.id, exit: t.id };
      }
      default:
        throw new Error(`orderlines compiler: task ${t.id} (${t.type}) cannot be a unit`);
    }
  }

  private activity(t: CommonTask): OrderlinesActivity {
    const inputs: Record<string, ComponentInput> = {};
    for (const [key, value] of Object.entries(t.kwargs)) {
      inputs[key] = { type: hasTemplate(value) ? 'splice' : 'plain', value };
    }
    const outcomeVariable = this.statusVariables.get(t.id);
    return {
      id: t.id,
      type: 'ServiceActivity',
      ...(t.name !== undefined ? { name: t.name } : {}),
      incoming: [],
      outgoing: '',
      component: { code: t.component, inputs },
      error_ignorable: t.errorIgnorable,
      ...(t.attempts !== undefined ? { retry: { max: t.attempts - 1 } } : {}),
      ...(t.timeoutSeconds !== undefined ? { timeout: { runningSeconds: t.timeoutSeconds } } : {}),
      ...(t.onFailure ? { onFailure: t.onFailure } : {}),
      ...(t.results.length ? { results: t.results } : {}),
      ...(outcomeVariable ? { outcomeVariable } : {}),
    };
  }

  /** A process_control's flows: one per distinct target, each with the condition that picks it. */
  private branches(t: ProcessControlTask): void {
    const picks: Array<[target: string, condition: string]> = [];
    if (t.mode === 'status') {
      const v = `\${${this.statusVariables.get(t.statusOf)!}}`;
      if (t.success) picks.push([t.success, `${v} == "finished"`]);
      if (t.failure) picks.push([t.failure, `${v} in ${FAILURE_OUTCOMES}`]);
    } else {
      const holds = t.rules.map((r) =>
        r.clauses.length ? r.clauses.map(clause).join(' and ') : 'true',
      );
      t.rules.forEach((r, i) => {
        const earlier = holds.slice(0, i);
        picks.push([
          r.target,
          earlier.length
            ? `(${holds[i]}) and not (${earlier.map((h) => `(${h})`).join(' or ')})`
            : holds[i],
        ]);
      });
    }
    const byTarget = new Map<string, string[]>();
    for (const [target, condition] of picks)
      byTarget.set(target, [...(byTarget.get(target) ?? []), condition]);
    const gw = this.gateways[t.id] as ExclusiveGateway;
    const names =
      t.mode === 'status' ? null : new Map(t.rules.map((r) => [r.target, r.name] as const));
    for (const [target, conditions] of byTarget) {
      const flowId = this.link(t.id, this.entry(target));
      const evaluate =
        conditions.length === 1 ? conditions[0] : conditions.map((c) => `(${c})`).join(' or ');
      const condition: Condition = { evaluate };
      const name = names?.get(target);
      if (name !== undefined) condition.name = name;
      gw.conditions[flowId] = condition;
    }
  }
}

/** Does a kwargs value hold a `${...}` anywhere (it is then rendered, a `splice` input)? */
function hasTemplate(value: unknown, depth = 0): boolean {
  if (typeof value === 'string') return value.includes('${');
  if (depth > 64 || value === null || typeof value !== 'object') return false;
  return Object.values(value as object).some((v) => hasTemplate(v, depth + 1));
}

/** One clause of process_control by value as a condition of the expression language. */
function clause(c: ValueClause): string {
  return `${operand(c.condition)} ${SIGNS[c.sign]} ${operand(c.target)}`;
}

/**
 * A clause operand: a string that is exactly one `${expr}` keeps its value's type; other
 * strings are string literals (those holding `${}` render as templates first); numbers,
 * booleans and null as written.
 */
function operand(v: unknown): string {
  if (typeof v === 'string') {
    if (v.includes('${') && compileTemplate(v).whole) return `(${v})`;
    return `"${v.replace(/\\/g, '\\\\').replace(/"/g, '\\"').replace(/\n/g, '\\n').replace(/\r/g, '\\r').replace(/\t/g, '\\t')}"`;
  }
  if (v === null) return 'null';
  return String(v);
}
