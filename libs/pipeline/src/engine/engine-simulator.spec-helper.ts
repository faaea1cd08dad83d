/**
 * A test driver for the pure core: holds run state in memory, applies decisions with the
 * same compare-and-set rules as the real store, and plays effects FIFO. Lets specs run whole
 * trees through `step`/`complete` without a database or Nest.
 */
import type { PipelineTree } from '../model/tree.types';
import { compileTree, type CompiledTree } from './compiled-tree';
import type { Decision, Effect } from './decision';
import type { NodeRecord, ProcessRecord, RunRecord } from './run-state';
import { operate, type Operation } from './operations';
import { complete, step, type ComponentOutcome } from './step';

export type Behaviour = (nodeId: string, inputs: Record<string, unknown>, phase: 'execute' | 'schedule', rec: NodeRecord) => Omit<ComponentOutcome, 'phase'>;

export const succeed: Behaviour = (_id, inputs) => ({ ok: true, outputs: { ...inputs }, finished: true });

export class EngineSimulator {
  readonly tree: CompiledTree;
  run: RunRecord = { id: 'run-1', state: 'RUNNING', rev: 0 };
  outputs: Record<string, unknown> = {};
  /** The run's `reason` as last written (DESIGN §8.3). */
  reason: string | null = null;
  readonly processes = new Map<string, ProcessRecord>();
  readonly nodes = new Map<string, NodeRecord>();
  readonly context = new Map<string, Record<string, unknown>>();
  readonly events: { type: string; nodeId: string | null }[] = [];
  readonly histories: { kind: string; nodeId: string }[] = [];
  readonly pending: Effect[] = [];
  readonly delayed: Effect[] = [];
  private ids = 0;

  constructor(tree: PipelineTree, converges: Record<string, string>, inputs: Record<string, unknown> = {}, private behaviour: Behaviour = succeed) {
    this.tree = compileTree(tree, converges);
    this.context.set(tree.id, { ...inputs });
    const root: ProcessRecord = {
      id: 'p0', runId: this.run.id, parentId: null, scopeId: tree.id, currentNodeId: tree.start_event.id,
      destinationId: null, state: 'ACTIVE', pendingChildren: 0, rev: 0,
    };
    this.processes.set(root.id, root);
    this.pending.push({ type: 'advance', processId: root.id, rev: 0 });
  }

  setBehaviour(b: Behaviour): void {
    this.behaviour = b;
  }

  slice(processId: string, extra: string[] = []) {
    const process = this.processes.get(processId)!;
    const nodes = new Map<string, NodeRecord>();
    // A DAG scope's steps read every work's row (as the runtime's lookahead does).
    const dagWorks = this.tree.scopes.get(process.scopeId)?.dag?.order ?? [];
    for (const id of [process.currentNodeId, process.scopeId, ...extra, ...dagWorks]) {
      const n = this.nodes.get(id);
      if (n) nodes.set(id, structuredClone(n));
    }
    return {
      tree: this.tree,
      run: { ...this.run },
      process: { ...process },
      parent: process.parentId ? { ...this.processes.get(process.parentId)! } : null,
      nodes,
      context: { ...(this.context.get(process.scopeId) ?? {}) },
      now: new Date(0),
      newId: () => `p${++this.ids}`,
    };
  }

  /** Apply with the store's guards; throws on a stale write like the real adapter. */
  apply(d: Decision): void {
    for (const w of d.nodes) {
      const cur = this.nodes.get(w.record.nodeId);
      if (
        w.expect === null
          ? cur !== undefined
          : !cur || cur.state !== w.expect.state || cur.version !== w.expect.version || cur.callbackSeq !== w.expect.callbackSeq
      ) {
        throw new Error(`stale node write ${w.record.nodeId}`);
      }
    }
    for (const w of d.processes) {
      const cur = this.processes.get(w.record.id);
      if (w.expectRev === null ? cur !== undefined : cur?.rev !== w.expectRev) throw new Error(`stale process write ${w.record.id}`);
    }
    if (d.run && d.run.expectRev !== this.run.rev) throw new Error('stale run write');
    for (const w of d.nodes) this.nodes.set(w.record.nodeId, structuredClone(w.record));
    for (const w of d.processes) this.processes.set(w.record.id, { ...w.record });
    for (const j of d.joins) {
      const parent = this.processes.get(j.parentId);
      if (!parent || parent.state !== 'WAITING') continue;
      const pending = parent.pendingChildren - 1;
      const woken = pending <= 0;
      const next = { ...parent, pendingChildren: pending, rev: parent.rev + 1, ...(woken ? { state: 'ACTIVE' as const, currentNodeId: j.destinationId } : {}) };
      this.processes.set(parent.id, next);
      if (woken) this.pending.push({ type: 'advance', processId: parent.id, rev: next.rev });
    }
    for (const s of d.contextResets) this.context.set(s, {});
    for (const c of d.context) this.context.set(c.scopeId, { ...(this.context.get(c.scopeId) ?? {}), [c.key]: c.value });
    if (d.run) {
      const { expectRev, outputs, state, reason } = d.run;
      this.run = { ...this.run, rev: expectRev + 1, state: state ?? this.run.state };
      if (reason !== undefined) this.reason = reason;
      if (outputs) this.outputs = outputs;
    }
    if (d.settleRun && this.run.state === 'RUNNING') {
      // As the store does (see `Decision.settleRun`): FAILED once a process is blocked and none moves.
      const procs = [...this.processes.values()];
      if (procs.some((p) => p.state === 'BLOCKED') && !procs.some((p) => p.state === 'ACTIVE' || p.state === 'IN_NODE')) {
        this.run = { ...this.run, state: 'FAILED', rev: this.run.rev + 1 };
      }
    }
    for (const h of d.histories) this.histories.push({ kind: h.kind, nodeId: h.record.nodeId });
    for (const e of d.events) this.events.push({ type: e.type, nodeId: e.nodeId });
  }

  /** Decide an operation on the whole run (throws when refused), apply it, queue its effects. */
  operate(op: Operation, now = new Date(0)): Decision {
    const d = operate(
      {
        tree: this.tree,
        run: { ...this.run },
        processes: [...this.processes.values()].map((p) => ({ ...p })),
        nodes: new Map([...this.nodes].map(([k, v]) => [k, structuredClone(v)])),
        now,
        newId: () => `p${++this.ids}`,
      },
      op,
    );
    this.apply(d);
    for (const eff of d.effects) ('delayMs' in eff && (eff.delayMs ?? 0) > 0 ? this.delayed : this.pending).push(eff);
    return d;
  }

  process(id: string): ProcessRecord | undefined {
    return this.processes.get(id);
  }

  /** Play one effect; returns the decision taken (or null when the effect was stale). */
  play(e: Effect): Decision | null {
    let d: Decision;
    if (e.type === 'advance') {
      if (this.processes.get(e.processId)?.rev !== e.rev) return null;
      d = step(this.slice(e.processId));
    } else {
      const rec = this.nodes.get(e.nodeId);
      if (!rec || rec.state !== 'RUNNING' || rec.version !== e.version) return null;
      if (e.type === 'schedule' && rec.scheduleTimes !== e.scheduleTimes) return null;
      const consumedCallback = e.type === 'schedule' && rec.callbacks.length > 0;
      const outcome = { ...this.behaviour(e.nodeId, rec.inputs ?? {}, e.type, rec), phase: e.type, consumedCallback };
      d = complete({ ...this.slice(rec.processId, [e.nodeId]), nodeId: e.nodeId, version: e.version, outcome });
    }
    if (d.dropped) return d;
    this.apply(d);
    for (const eff of d.effects) ('delayMs' in eff && (eff.delayMs ?? 0) > 0 ? this.delayed : this.pending).push(eff);
    return d;
  }

  /** Play until nothing is left (delayed effects included), bounded. */
  runToEnd(maxSteps = 100_000): this {
    for (let i = 0; i < maxSteps; i++) {
      const e = this.pending.shift() ?? this.delayed.shift();
      if (!e) return this;
      this.play(e);
    }
    throw new Error('simulation did not settle');
  }

  state(nodeId: string): string | null {
    return this.nodes.get(nodeId)?.state ?? null;
  }
}
