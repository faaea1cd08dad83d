import type { NodeRecord } from '../engine/run-state';
import type { PipelineTree } from '../model/tree.types';

/**
 * One timer of a node's configuration, as its kind computes it: when it is first due for a
 * node life, and when it is due again after firing. Due times are ms since the epoch.
 */
export interface NodeTimerSpec {
  /** The timer's position among the node's timers (1-based): part of the pool member, stable for a tree. */
  readonly index: number;
  /** Due time for a node life that started (entered RUNNING) at `startedAt`; null = never. */
  firstDue(startedAt: number): number | null;
  /**
   * Which firing (1 = the first) the one due at `dueAt` is, for a node life started at
   * `startedAt`. Lets a firing count itself from its due time alone, so no counter has to be
   * stored next to the pool.
   */
  occurrence(dueAt: number, startedAt: number): number;
  /** Due time after the firing due at `dueAt`, which was the `firedCount`-th; null = done. */
  nextDue(dueAt: number, firedCount: number): number | null;
}

/** A due timer whose node is RUNNING at the version it was armed under: what `fire` gets. */
export interface NodeTimerFiring<S extends NodeTimerSpec = NodeTimerSpec> {
  runId: string;
  nodeId: string;
  version: number;
  timer: S;
  /** When it was due; it fires no earlier. */
  dueAt: number;
  /** Which firing this is (1 = the first). */
  firedCount: number;
  /** The node row, as read just before firing. */
  node: NodeRecord;
}

/**
 * A family of node timers (node-timeout, node-timer-event): which nodes of a run's tree
 * carry timers, and what firing one does. The generic parts (pool upkeep on node state
 * changes, scanning, queues, the RUNNING-at-version check, cycles, rebuilds) are the
 * `NodeTimerDriver`'s; a kind only knows its own configuration key and actions.
 */
export interface NodeTimerKind<S extends NodeTimerSpec = NodeTimerSpec> {
  /** For logs: `node-timeout`, `node-timer-event`. */
  readonly name: string;
  /** Starts every pool member of the kind (e.g. `bamboo:v1:node_timer_event:`); may be empty. */
  readonly memberPrefix: string;
  /**
   * A run's registration: the timers of every configured node of its tree (sub-process
   * nodes included), by node id. Called once per run and process, from the tree the run
   * stored when it started; nodes without timers are absent.
   */
  register(runId: string, tree: PipelineTree): ReadonlyMap<string, readonly S[]>;
  /**
   * Runs the timer's action. Throw only for a transient failure (the job is retried); a node
   * that moved on meanwhile is not an error (the built-in actions get a 409 and do nothing).
   * May answer `{rearmAt}` when the action found the timer came too early (what it watches
   * started later than the timer was armed): the driver then arms it again for that time,
   * while the node stays RUNNING at the version, instead of counting it as fired.
   */
  fire(firing: NodeTimerFiring<S>): Promise<void | NodeTimerFireResult>;
}

/** What a kind's `fire` may answer. */
export interface NodeTimerFireResult {
  /** Not due after all: arm the same timer again for this time (ms since the epoch). */
  rearmAt?: number;
}
