/**
 * A fake engine and a fake timer kind for the `NodeTimerDriver` specs (in-process and Redis)
 * and the timers benchmark: node rows in memory, state changes published by hand, timers
 * described by a map on the (fake) tree.
 */
import type { NodeRecord, RunRecord } from '../engine/run-state';
import type { NodeStateName, RunStateName } from '../engine/states';
import type { NodeKey } from '../ports/run-store.port';
import type { PipelineTree } from '../model/tree.types';
import type { NodeStateChange, NodeStateListener } from '../signals/pipeline-signals.service';
import type { NodeTimerEngine } from './node-timer-driver';
import type { NodeTimerFiring, NodeTimerKind, NodeTimerSpec } from './node-timer-kind';

/** A timer firing `times` times (null: forever) every `periodMs`, the first `firstMs` after the node starts. */
export function cycleSpec(
  index: number,
  firstMs: number,
  periodMs: number,
  times: number | null,
): NodeTimerSpec {
  return {
    index,
    firstDue: (startedAt) => startedAt + firstMs,
    occurrence: (dueAt, startedAt) => Math.round((dueAt - (startedAt + firstMs)) / periodMs) + 1,
    nextDue: (dueAt, firedCount) =>
      times !== null && firedCount >= times ? null : dueAt + periodMs,
  };
}

/** A timer firing once, `afterMs` after the node starts. */
export const onceSpec = (index: number, afterMs: number): NodeTimerSpec =>
  cycleSpec(index, afterMs, 1, 1);

/** The engine as the driver sees it: runs, node rows and the state-change signal, in memory. */
export class FakeTimerEngine implements NodeTimerEngine {
  private readonly listeners = new Set<NodeStateListener>();
  readonly runs = new Map<
    string,
    { state: RunStateName; tree: { tree: PipelineTree }; nodes: Map<string, NodeRecord> }
  >();

  readonly signals = {
    onNodeStateChange: (listener: NodeStateListener) => {
      this.listeners.add(listener);
      return () => void this.listeners.delete(listener);
    },
  };

  readonly store = {
    loadNodeWithRun: async (
      runId: string,
      nodeId: string,
    ): Promise<{ run: RunRecord; node: NodeRecord | null } | null> => {
      const run = this.runs.get(runId);
      if (!run) return null;
      const node = run.nodes.get(nodeId);
      return { run: { id: runId, state: run.state, rev: 0 }, node: node ? { ...node } : null };
    },
    /** As the run store pages: by (run id, node id), after the given key, `limit` at most. */
    pageLiveNodes: async (states: NodeStateName[], after: NodeKey | null, limit: number): Promise<NodeRecord[]> => {
      this.pagesRead.push({ after, limit });
      const key = (n: { runId: string; nodeId: string }) => [n.runId, n.nodeId] as const;
      const cmp = (a: readonly [string, string], b: readonly [string, string]) =>
        a[0] < b[0] ? -1 : a[0] > b[0] ? 1 : a[1] < b[1] ? -1 : a[1] > b[1] ? 1 : 0;
      const out: NodeRecord[] = [];
      for (const run of this.runs.values()) {
        if (run.state === 'FINISHED' || run.state === 'REVOKED') continue;
        for (const n of run.nodes.values()) {
          if (states.includes(n.state) && (!after || cmp(key(n), key(after)) > 0)) out.push({ ...n });
        }
      }
      return out.sort((a, b) => cmp(key(a), key(b))).slice(0, limit);
    },
  };

  /** Every `pageLiveNodes` call, in order. */
  readonly pagesRead: { after: NodeKey | null; limit: number }[] = [];

  readonly trees = {
    compiledTree: async (runId: string) => this.runs.get(runId)?.tree ?? null,
  };

  /** A run whose nodes carry `timers` (node id → specs). */
  addRun(runId: string, timers: Record<string, NodeTimerSpec[]>): void {
    const tree = { id: runId, timers } as unknown as PipelineTree;
    this.runs.set(runId, { state: 'RUNNING', tree: { tree }, nodes: new Map() });
  }

  /** Writes a node row and publishes the change, as a committed decision would. */
  async setNode(
    runId: string,
    nodeId: string,
    state: NodeStateName,
    version: number,
    startedAt = Date.now(),
  ): Promise<void> {
    const run = this.runs.get(runId)!;
    const prev = run.nodes.get(nodeId);
    const rec = nodeRecord(
      runId,
      nodeId,
      state,
      version,
      state === 'RUNNING' ? new Date(startedAt) : (prev?.startedAt ?? null),
    );
    run.nodes.set(nodeId, rec);
    await this.publish([
      {
        runId,
        nodeId,
        scopeId: runId,
        state,
        version,
        previous: prev ? { state: prev.state, version: prev.version } : null,
        startedAt: rec.startedAt,
      },
    ]);
  }

  async publish(changes: NodeStateChange[]): Promise<void> {
    for (const l of this.listeners) await l(changes);
  }
}

export function nodeRecord(
  runId: string,
  nodeId: string,
  state: NodeStateName,
  version: number,
  startedAt: Date | null,
): NodeRecord {
  return {
    runId,
    nodeId,
    scopeId: runId,
    processId: 'p',
    state,
    version,
    loop: 1,
    retries: 0,
    skip: false,
    skipReason: null,
    errorIgnored: false,
    scheduleTimes: 0,
    awaiting: state === 'RUNNING' ? 'callback' : null,
    callbacks: [],
    callbackSeq: 0,
    inputs: {},
    outputs: {},
    exData: null,
    startedAt,
    finishedAt: null,
  };
}

/** Reads the timers off the fake tree; records every firing; `onFire` may act on the engine. */
export class FakeTimerKind implements NodeTimerKind {
  readonly name = 'fake-timer';
  readonly fired: (NodeTimerFiring & { at: number })[] = [];
  onFire?: (f: NodeTimerFiring) => Promise<void> | void;

  constructor(readonly memberPrefix = 'fake:') {}

  register(_runId: string, tree: PipelineTree): ReadonlyMap<string, readonly NodeTimerSpec[]> {
    const timers = (tree as unknown as { timers: Record<string, NodeTimerSpec[]> }).timers;
    return new Map(Object.entries(timers));
  }

  async fire(f: NodeTimerFiring): Promise<void> {
    this.fired.push({ ...f, at: Date.now() });
    await this.onFire?.(f);
  }

  firedFor(runId: string, nodeId?: string) {
    return this.fired.filter(
      (f) => f.runId === runId && (nodeId === undefined || f.nodeId === nodeId),
    );
  }
}

export async function waitUntil(ok: () => boolean, ms = 5_000, what = 'condition'): Promise<void> {
  const until = Date.now() + ms;
  while (!ok()) {
    if (Date.now() > until) throw new Error(`${what} not reached within ${ms} ms`);
    await new Promise((r) => setTimeout(r, 10));
  }
}
