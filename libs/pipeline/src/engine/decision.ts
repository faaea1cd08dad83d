import type { NodeRecord, ProcessRecord } from './run-state';
import type { RunStateName } from './states';

/**
 * What the core decides, as data. The runtime applies a decision in one database
 * transaction (every write is a compare-and-set on what was loaded) and only then
 * performs its effects.
 */

/** Upsert a node row. `expect` is the row as loaded (null: it must not exist yet). */
export interface NodeWrite {
  expect: { state: NodeRecord['state']; version: number; callbackSeq: number } | null;
  record: NodeRecord;
}

/** Insert a process (`expectRev` null) or update it if its rev is still `expectRev`. */
export interface ProcessWrite {
  expectRev: number | null;
  record: ProcessRecord;
}

/**
 * A branch reached its converge gateway: one less child for the parent to wait for; the
 * last branch wakes the parent there. Applied by the store as an atomic decrement, not a
 * compare-and-set on the parent, so a hundred branches joining at once never conflict.
 */
export interface JoinWrite {
  parentId: string;
  /** The converge gateway the parent continues at. */
  destinationId: string;
}

export interface ContextWrite {
  scopeId: string;
  key: string;
  value: unknown;
}

export interface RunWrite {
  expectRev: number;
  state?: RunStateName;
  outputs?: Record<string, unknown>;
  startedAt?: Date;
  finishedAt?: Date | null;
  /** Why the run ended as it did, when not by itself: `timeout` (DESIGN §8.3). */
  reason?: string | null;
  /**
   * The run ends (FINISHED or REVOKED) holding a concurrency slot (DESIGN §8.4): the store
   * admits the next PENDING runs of its definition in the same transaction, under the
   * definition's lock, and reports them in `ApplyResult.admitted`.
   */
  releasesSlot?: boolean;
}

/** A snapshot of a node's previous life, kept when it is renewed (retry, loop, skip...). */
export interface HistoryWrite {
  kind: 'loop' | 'auto_retry' | 'retry' | 'skip' | 'forced_fail' | 'revoke';
  record: NodeRecord;
}

/** An entry for the run's event log and the `pipeline.event` signal (DESIGN §6). */
export interface EngineEvent {
  type: string;
  nodeId: string | null;
  data: Record<string, unknown>;
}

export type Effect =
  /** Let a process take its next step (enter its current node). */
  | {
      type: 'advance';
      processId: string;
      rev: number;
      delayMs?: number;
      /** The node the process will enter (a read-ahead hint the runtime adds; never needed). */
      nodeId?: string;
    }
  /** Run an activity's component `execute` for that node version. */
  | { type: 'execute'; nodeId: string; version: number; delayMs?: number }
  /** Call `schedule` of a polling component after a delay. */
  | { type: 'schedule'; nodeId: string; version: number; scheduleTimes: number; delayMs: number };

/**
 * A node handed to external workers (DESIGN §8.6): stored as an `external_task` row in the same
 * transaction as the node's wait for its callback, so a task exists exactly when a node waits
 * for one (a crash between the two is impossible).
 */
export interface ExternalTaskOffer {
  id: string;
  nodeId: string;
  version: number;
  topic: string;
  payload: unknown;
  /** 1 for the node's first life, +1 per retry of the node. */
  attempt: number;
}

export interface Decision {
  nodes: NodeWrite[];
  processes: ProcessWrite[];
  joins: JoinWrite[];
  context: ContextWrite[];
  /** Scopes whose stored context values are dropped first (a sub-process entered again). */
  contextResets: string[];
  run?: RunWrite;
  histories: HistoryWrite[];
  events: EngineEvent[];
  effects: Effect[];
  /** External tasks to store (absent: none). */
  offers?: ExternalTaskOffer[];
  /**
   * A process stopped moving here (blocked at a failed node, ended at its converge gateway,
   * parked at an appointed pause), or an operation changed which ones move. After the writes,
   * a RUNNING run with a BLOCKED process and no ACTIVE or IN_NODE one becomes FAILED.
   *
   * Why the store decides it and not the core: a run is FAILED when "nothing can move until
   * it is retried, skipped or revoked" (DESIGN §4), which depends on every process of the run,
   * and a step reads only its own. Marking the run FAILED at the failure itself reported a run
   * as settled while sibling branches were still walking (their nodes RUNNING). The store
   * checks under the run row's lock, so of two branches stopping at once the later sees the
   * earlier (no lost flip).
   */
  settleRun?: boolean;
  /** Set when the input was stale or irrelevant: nothing to write, nothing to do. */
  dropped?: string;
  /**
   * With `dropped`: a timer asked too early (say, a running timeout whose node was picked up
   * after it was armed); ask again at this time.
   */
  notBefore?: Date;
}

export function emptyDecision(): Decision {
  return { nodes: [], processes: [], joins: [], context: [], contextResets: [], histories: [], events: [], effects: [] };
}

export function droppedDecision(reason: string): Decision {
  return { ...emptyDecision(), dropped: reason };
}

/** What applying a decision revealed. */
export interface ApplyResult {
  /** Parents woken by this decision's joins (each needs an advance). */
  woken: { processId: string; rev: number }[];
  /** `settleRun` found nothing left moving and turned the run FAILED. */
  failed?: boolean;
  /**
   * PENDING runs of the same definition this decision admitted (`RunWrite.releasesSlot`): now
   * RUNNING, each needs its root process dispatched (and its run timeout armed).
   */
  admitted?: AdmittedRun[];
}

/** A run admitted from PENDING to RUNNING (DESIGN §8.4): what the runtime needs to dispatch it. */
export interface AdmittedRun {
  runId: string;
  /** The root process, about to enter its first node. */
  processId: string;
  rev: number;
  nodeId: string;
  /** Counted from admission (DESIGN §8.3); null without a run timeout. */
  deadlineAt: Date | null;
  /** The `pipeline_admitted` event logged with it, and its `seq` in the run's log. */
  event?: EngineEvent & { seq: number };
}
