import type { AdmittedRun, ApplyResult, Decision, EngineEvent } from '../engine/decision';
import type { NodeRecord, ProcessRecord, RunRecord } from '../engine/run-state';
import type { NodeStateName, RunStateName } from '../engine/states';
import type { PipelineTree } from '../model/tree.types';

/** A new run with its root process, ready to be stored in one transaction. */
export interface NewRun {
  id: string;
  pipelineId: string | null;
  pipelineVersion: number | null;
  tree: PipelineTree;
  converges: Record<string, string>;
  state: RunStateName;
  businessKey: string | null;
  priority: number;
  inputs: Record<string, unknown>;
  /** Context values of the root scope (run inputs), keyed `${name}`. */
  context: Record<string, unknown>;
  rootProcess: ProcessRecord;
  createdAt: Date;
  /** Events logged with the run's creation (`pre_/post_prepare_run_pipeline`): they get `seq` 1, 2, ... */
  events?: EngineEvent[];
  /** The run timeout it got, in seconds (DESIGN §8.3); absent = none. */
  timeoutSeconds?: number | null;
  /** When that timeout runs out: set for a run created RUNNING (a held run gets it at admission). */
  deadlineAt?: Date | null;
  /**
   * A hint for a run of a stored definition: `shared` when the definition had no cap and no
   * unique business keys as the caller read it (runs of it then start concurrently), else
   * `exclusive` (the default). The store checks it under the lock and starts over exclusively
   * when the definition changed meanwhile.
   */
  admissionLock?: 'exclusive' | 'shared';
  /** The schedule that started it and the due time it fired for (DESIGN §8.5); unique together. */
  scheduleId?: string | null;
  scheduledFor?: Date | null;
}

/** How `RunStore.createRun` created a run: `PENDING` when the definition's cap was reached. */
export interface CreatedRun {
  state: RunStateName;
  deadlineAt: Date | null;
}

/** The whole state of a run, for operations (pause, retry, skip...) that may touch any of it. */
export interface RunSnapshot {
  run: RunRecord;
  processes: ProcessRecord[];
  nodes: Map<string, NodeRecord>;
}

/** State a process step reads (see `StepInput`). */
export interface ProcessSlice {
  run: RunRecord;
  process: ProcessRecord;
  parent: ProcessRecord | null;
  nodes: Map<string, NodeRecord>;
  context: Record<string, unknown>;
  /**
   * Node ids the store looked up: each is in `nodes`, or has no row. Lets the runtime chain a
   * step into a node it knows the state of without reading again (see `engine/chain.ts`).
   */
  lookedUp?: ReadonlySet<string>;
  /** `context` was read (else it is empty because the step did not need it). */
  contextLoaded?: boolean;
}

/** What a step needs beyond the run and its process (so each transition reads no more than it uses). */
export interface SliceNeeds {
  /** The parent process (a sub-process's end event wakes it). */
  parent: boolean;
  /** The stored context of the process's scope (rendering inputs, conditions, outputs). */
  context: boolean;
  /** The SubProcess node owning the scope (a sub-process's end event finishes it). */
  owner: boolean;
}

export const ALL_SLICE_NEEDS: SliceNeeds = Object.freeze({ parent: true, context: true, owner: true });

/** State a component outcome is decided on: the node, its process and run (and optionally the scope's context). */
export interface NodeSlice extends ProcessSlice {
  node: NodeRecord;
}

export interface RunRow extends RunRecord {
  pipelineId: string | null;
  pipelineVersion: number | null;
  rootTreeId: string;
  businessKey: string | null;
  priority: number;
  inputs: Record<string, unknown>;
  outputs: Record<string, unknown>;
  createdAt: Date;
  startedAt: Date | null;
  finishedAt: Date | null;
  /** The run timeout it got, in seconds; null = none (DESIGN §8.3). */
  timeoutSeconds: number | null;
  deadlineAt: Date | null;
  /** Why it ended when not by itself (`timeout`); null otherwise. */
  reason: string | null;
  /** The schedule that started it and the due time it fired for (DESIGN §8.5); null otherwise. */
  scheduleId: string | null;
  scheduledFor: Date | null;
}

/** A run with a deadline, for the timers' rebuild (`RunStore.pageRunDeadlines`). */
export interface RunDeadline {
  runId: string;
  deadlineAt: Date;
}

export interface RunListFilter {
  pipelineId?: string;
  state?: RunStateName;
  businessKey?: string;
  offset: number;
  limit: number;
}

export interface StoredEvent {
  /** Global id (unique across runs; not in commit order on MySQL: page by `seq`). */
  id: number;
  runId: string;
  /** Position in the run's log: 1, 2, 3... without gaps, in the order the events were seen committed. */
  seq: number;
  nodeId: string | null;
  eventType: string;
  data: Record<string, unknown> | null;
  createdAt: Date;
}

export interface HistoryRow {
  id: number;
  kind: string;
  record: NodeRecord;
  createdAt: Date;
}

/**
 * Where runs live. `apply` writes a whole decision in ONE transaction, each write a
 * compare-and-set on what was loaded; if any guard fails nothing is written and it throws
 * `StaleStateError`, so the caller reloads and decides again.
 */
export abstract class RunStore {
  /**
   * Stores a new run in one transaction. A run of a stored definition asked `RUNNING` is
   * admitted there (DESIGN §8.4): under the definition's lock it is refused when the
   * definition has `uniqueBusinessKey` and a run with its key is not FINISHED or REVOKED
   * (`DuplicateBusinessKeyError`), and created `PENDING` (no deadline) when the definition's
   * cap is reached. Returns the state and deadline it was created with.
   */
  abstract createRun(run: NewRun): Promise<CreatedRun>;
  /**
   * Admits PENDING runs of a definition into its free slots (oldest first for `fifo`, newest
   * for `lifo`) in one transaction under the definition's lock; each becomes RUNNING with its
   * deadline counted from now. For a raised cap and the reconciler: a run that ends admits
   * through `apply` (`RunWrite.releasesSlot`).
   */
  abstract admitPending(pipelineId: string, now: Date): Promise<AdmittedRun[]>;
  /** Definitions with PENDING runs (the reconciler's safety net for admission), at most `limit`. */
  abstract listPipelinesWithPendingRuns(limit: number): Promise<string[]>;
  abstract loadTree(runId: string): Promise<{ tree: PipelineTree; converges: Record<string, string> } | null>;
  /**
   * What a step of `processId` reads: the run, the process, its parent, the node rows of its
   * current node, of its scope's owner (the SubProcess node, when in a sub-scope) and of
   * `extraNodeIds`, and the stored context of its scope. Null when run or process is unknown.
   */
  abstract loadProcessSlice(
    runId: string,
    processId: string,
    extraNodeIds?: string[],
    needs?: (process: ProcessRecord) => SliceNeeds,
  ): Promise<ProcessSlice | null>;
  /**
   * What deciding on a component's outcome reads: the node row, the run and the node's
   * process (and the scope's stored context when `withContext`; the process's parent as
   * `parent` when `withParent`, else null). Null when the run or the node row is unknown.
   */
  abstract loadNodeSlice(
    runId: string,
    nodeId: string,
    withContext: boolean,
    lookahead?: string[],
    withParent?: boolean,
  ): Promise<NodeSlice | null>;
  abstract loadNode(runId: string, nodeId: string): Promise<NodeRecord | null>;
  /** Marks a RUNNING node at `version` as still being worked on (its `updated_at`), without changing its state. */
  abstract touchNode(runId: string, nodeId: string, version: number): Promise<void>;
  /** Every process and node row of a run; null when the run is unknown. */
  abstract loadRunSnapshot(runId: string): Promise<RunSnapshot | null>;
  /** A node row (null if it has not run) with its run's state; null when the run is unknown. */
  abstract loadNodeWithRun(runId: string, nodeId: string): Promise<{ run: RunRecord; node: NodeRecord | null } | null>;
  /** Returns the parents this decision's joins woke (each needs an `advance` at the given rev). */
  abstract apply(runId: string, decision: Decision, now: Date): Promise<ApplyResult>;

  abstract getRun(runId: string): Promise<RunRow | null>;
  abstract listRuns(filter: RunListFilter): Promise<{ items: RunRow[]; total: number }>;
  abstract listNodes(runId: string): Promise<NodeRecord[]>;
  abstract listHistories(runId: string, nodeId: string): Promise<HistoryRow[]>;
  /**
   * The run's events with `seq` > `afterSeq`, by `seq`, at most `limit`. Writers log events
   * unnumbered; this numbers every committed one first (after the run's last number, in id
   * order: see `numberEventsSteps`), so a reader that pages on with the last `seq` it got never
   * misses one that commits later.
   */
  abstract listEvents(runId: string, afterSeq: number, limit: number): Promise<StoredEvent[]>;
  /** The `seq` of the run's event with global id `eventId`; null when the run has no such event. */
  abstract findEventSeq(runId: string, eventId: number): Promise<number | null>;
  /** Numbers the run's committed, unnumbered events (what `listEvents` does first); answers how many. */
  abstract numberEvents(runId: string): Promise<number>;
  abstract loadContext(runId: string, scopeId: string): Promise<Record<string, unknown>>;
  /**
   * Processes of unfinished runs in the given states, unchanged since `updatedBefore` when
   * given (for recovery at boot and the reconciler).
   */
  abstract listLiveProcesses(states: ProcessRecord['state'][], limit: number, updatedBefore?: Date): Promise<ProcessRecord[]>;
  /** Nodes of unfinished runs in the given states, unchanged since `updatedBefore` when given. */
  abstract listLiveNodes(states: NodeStateName[], limit: number, updatedBefore?: Date): Promise<NodeRecord[]>;
  /**
   * One page of the nodes of unfinished runs in the given states, in (run id, node id) order,
   * after the node `after` (from the first when null), at most `limit`. Page on with the last
   * node's key until a page comes back shorter than `limit`: a node that stays in those
   * states all along is read exactly once, however many there are (keys never change, unlike
   * `updated_at`).
   */
  abstract pageLiveNodes(states: NodeStateName[], after: NodeKey | null, limit: number): Promise<NodeRecord[]>;
  /**
   * One page of the deadlines of unfinished runs that have one (DESIGN §8.3), in (deadline,
   * run id) order, after `after` (from the first when null), at most `limit`: what the run
   * timeout timers rebuild from. Page on with the last entry until a page comes back short.
   */
  abstract pageRunDeadlines(after: RunDeadline | null, limit: number): Promise<RunDeadline[]>;
}

/** A node row's key, the cursor of `RunStore.pageLiveNodes`. */
export interface NodeKey {
  runId: string;
  nodeId: string;
}
