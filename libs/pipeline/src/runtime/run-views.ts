/**
 * Read models of runs, as the REST API answers them (DESIGN §9). Produced by `RunQueryService`.
 */
import type { NodeStateName, RunStateName, SkipReason } from '../engine/states';

/** One node's state inside `GET /runs/:id`; a sub-process lists its nodes under `children`. */
export interface NodeStateView {
  state: NodeStateName;
  version: number;
  loop: number;
  retries: number;
  skip: boolean;
  /** A DAG work SKIPPED by its trigger rule: `upstream_failed` or `trigger_rule` (§8.1). */
  skipReason?: SkipReason;
  errorIgnored: boolean;
  startedAt: string | null;
  finishedAt: string | null;
  children?: Record<string, NodeStateView>;
}

export interface RunView {
  id: string;
  pipelineId: string | null;
  version: number | null;
  state: RunStateName;
  businessKey: string | null;
  inputs: Record<string, unknown>;
  outputs: Record<string, unknown>;
  createdAt: string;
  startedAt: string | null;
  finishedAt: string | null;
  /** The run timeout it got, in seconds; null = none (DESIGN §8.3). */
  timeoutSeconds: number | null;
  /** When that timeout runs out (set once the run is RUNNING); null without one. */
  deadlineAt: string | null;
  /** Why the run ended when not by itself: `timeout` (its deadline revoked it); null otherwise. */
  reason: string | null;
  /** The schedule that started it (DESIGN §8.5); null for a run started by a call. */
  scheduleId: string | null;
  /** The due time that schedule fired for (ISO 8601); null for a run started by a call. */
  scheduledFor: string | null;
  nodes: Record<string, NodeStateView>;
}

/** A run in a list: everything but the node map. */
export type RunSummaryView = Omit<RunView, 'nodes' | 'inputs' | 'outputs'>;

export interface Page<T> {
  items: T[];
  total: number;
  page: number;
  pageSize: number;
}

/** `GET /runs/:id/nodes/:nodeId`. */
export interface NodeDetailView extends Omit<NodeStateView, 'children'> {
  runId: string;
  nodeId: string;
  /** The (sub-)pipeline the node belongs to. */
  pipelineId: string;
  type: string;
  name: string | null;
  /** Inputs as rendered when the node last ran (null before it ran). */
  inputs: Record<string, unknown> | null;
  outputs: Record<string, unknown> | null;
  exData: unknown;
  histories: NodeHistoryView[];
}

export interface NodeHistoryView {
  id: number;
  kind: string;
  version: number;
  loop: number;
  retries: number;
  state: NodeStateName;
  inputs: Record<string, unknown> | null;
  outputs: Record<string, unknown> | null;
  exData: unknown;
  startedAt: string | null;
  finishedAt: string | null;
}

export interface StartRunRequest {
  pipelineId: string;
  version?: number;
  inputs?: Record<string, unknown>;
  businessKey?: string;
  priority?: number;
  /** Run timeout in seconds; wins over the definition's (DESIGN §8.3). */
  timeoutSeconds?: number;
  /**
   * Set by a schedule's firing (DESIGN §8.5): the schedule and the due time it fires for. The
   * pair is unique on runs, so a second start for the same due time fails (a unique
   * violation) and starts nothing.
   */
  scheduleId?: string;
  scheduledFor?: Date;
}

export interface StartInlineRunRequest {
  definition: unknown;
  format?: string;
  inputs?: Record<string, unknown>;
  businessKey?: string;
  priority?: number;
  /** Run timeout in seconds (DESIGN §8.3). */
  timeoutSeconds?: number;
}

export interface ListRunsQuery {
  pipelineId?: string;
  state?: RunStateName;
  businessKey?: string;
  page?: number;
  pageSize?: number;
}

/** Where a page of `GET /runs/:id/events` starts (at most one of `afterSeq` / `afterId`). */
export interface EventsPage {
  /** Events with a greater `seq` (default 0: from the first). */
  afterSeq?: number;
  /** Events after the run's event with this `id` (in `seq` order; for clients predating `seq`). */
  afterId?: number;
  /** At most this many (1..5000, default 500). */
  limit?: number;
}

/** One entry of `GET /runs/:id/events`: an event of DESIGN §6, as logged with its state change. */
export interface RunEventView {
  /** The event's global id (unique across runs, the webhook delivery's event id). */
  id: number;
  /**
   * Position in the run's log: 1, 2, 3... without gaps, in commit order; pass the last one
   * read as `afterSeq` to read on (the same number `pipeline.event` signals carry).
   */
  seq: number;
  eventType: string;
  nodeId: string | null;
  data: Record<string, unknown>;
  time: string;
}
