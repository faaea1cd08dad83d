import type { NodeStateName, RunStateName, SkipReason } from './states';

/**
 * The engine's view of persisted state. The runtime loads these, the core decides on them,
 * and returns changes (see `decision.ts`); it never mutates them.
 */

export interface RunRecord {
  id: string;
  state: RunStateName;
  /** Optimistic-lock counter; every run row update is a compare-and-set on it. */
  rev: number;
  /**
   * When the run's `timeoutSeconds` run out (DESIGN §8.3); null or absent without one. Read
   * only where a decision needs it (operations' snapshot).
   */
  deadlineAt?: Date | null;
}

/**
 * A process is one thread of execution walking the graph (bamboo's "process"): the root
 * process, one per parallel branch (ending at `destinationId`), one per running sub-process.
 */
export type ProcessStateName =
  /** About to enter `currentNodeId`. */
  | 'ACTIVE'
  /** `currentNodeId` is a running activity; its completion moves the process on. */
  | 'IN_NODE'
  /** Waiting for child processes (parallel branches or a sub-process). */
  | 'WAITING'
  /** Stopped at `currentNodeId` because it failed; an operation must unblock it. */
  | 'BLOCKED'
  /** Stopped before entering `currentNodeId` because the run is paused. */
  | 'SUSPENDED'
  | 'DONE';

export interface ProcessRecord {
  id: string;
  runId: string;
  parentId: string | null;
  /** The pipeline scope the process walks (root tree id or SubProcess node id). */
  scopeId: string;
  currentNodeId: string;
  /** Parallel branches stop when they reach this converge gateway. */
  destinationId: string | null;
  state: ProcessStateName;
  /** Children still to finish (WAITING only). */
  pendingChildren: number;
  rev: number;
}

export type NodeAwaiting = 'execute' | 'schedule' | 'callback';

export interface NodeRecord {
  runId: string;
  nodeId: string;
  scopeId: string;
  /** The process the node runs in (for activities: the one to move on when it completes). */
  processId: string;
  state: NodeStateName;
  version: number;
  loop: number;
  retries: number;
  skip: boolean;
  /** SKIPPED by a DAG trigger rule: why (§8.1); null otherwise. */
  skipReason: SkipReason | null;
  errorIgnored: boolean;
  /** How many times `schedule` has been called in this version. */
  scheduleTimes: number;
  /**
   * What a RUNNING activity waits for: its `execute` call, its next `schedule` poll, or a
   * callback. Lets recovery re-dispatch exactly the missing job. Null in any other state.
   */
  awaiting: NodeAwaiting | null;
  /**
   * Callback data accepted for this version and not yet handed to `schedule`, oldest first.
   * A callback is stored (durably, under the version check) before it is processed, so one
   * that arrives while `execute` is still in flight, or several at once for a
   * `multi_callback` component, are processed one by one, in order, each exactly once.
   */
  callbacks: unknown[];
  /**
   * Revision of the row within this life (0 when the node enters a new version): every write
   * bumps it and every node write is a compare-and-set on it too, so an operation that read
   * an older copy (say, a callback racing the component's progress) never overwrites newer
   * outputs or callbacks. (Stored as `callback_seq`: callbacks were its first user.)
   */
  callbackSeq: number;
  inputs: Record<string, unknown> | null;
  outputs: Record<string, unknown> | null;
  exData: unknown;
  startedAt: Date | null;
  finishedAt: Date | null;
  /**
   * When a worker began this life's `execute` (DESIGN §8.3: the end of the queue wait, the
   * start of the running time). Written only for activities with a `timeout`, so other nodes
   * pay nothing; null until then and in every new life.
   */
  pickedUpAt?: Date | null;
}

/** A node row with nothing recorded yet (no life, no data), to be completed by the caller. */
export function blankNodeRecord(
  base: Pick<NodeRecord, 'runId' | 'nodeId' | 'scopeId' | 'processId' | 'state'> & Partial<NodeRecord>,
): NodeRecord {
  return {
    version: 0,
    loop: 0,
    retries: 0,
    skip: false,
    skipReason: null,
    errorIgnored: false,
    scheduleTimes: 0,
    awaiting: null,
    callbacks: [],
    callbackSeq: 0,
    inputs: null,
    outputs: null,
    exData: null,
    startedAt: null,
    finishedAt: null,
    pickedUpAt: null,
    ...base,
  };
}
