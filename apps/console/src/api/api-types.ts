/**
 * The shapes `/api/v1` answers (README "REST API"), as the console uses them. Kept by hand:
 * the console has no build-time link to the api's sources.
 */

/** A page of a list endpoint. */
export interface Page<T> {
  items: T[];
  total: number;
  page: number;
  pageSize: number;
}

export type QueueMode = 'fifo' | 'lifo';

/** `GET /pipelines` items. */
export interface PipelineSummary {
  id: string;
  key: string;
  name: string;
  latestVersion: number;
  enabled: boolean;
  maxConcurrentRuns: number | null;
  queueMode: QueueMode;
  timeoutSeconds: number | null;
  uniqueBusinessKey: boolean;
  createdAt: string;
  updatedAt: string;
}

/** `GET /pipelines/:id[?version]`. */
export interface Pipeline extends PipelineSummary {
  version: number;
  format: string;
  definition: unknown;
  versionCreatedAt: string;
}

/** `PATCH /pipelines/:id` body. */
export interface PipelinePatch {
  enabled?: boolean;
  maxConcurrentRuns?: number | null;
  queueMode?: QueueMode;
}

/** How a graph node is drawn. */
export type NodeKind =
  | 'start'
  | 'end'
  | 'activity'
  | 'subprocess'
  | 'parallel'
  | 'exclusive'
  | 'conditional_parallel'
  | 'converge'
  | 'dag_work';

/** `GET /pipelines/:id/graph`, `GET /runs/:id/graph`. */
export interface GraphNode {
  id: string;
  kind: NodeKind;
  name: string | null;
  component?: string;
  parentId?: string;
  triggerRule?: string;
}
export interface GraphEdge {
  id: string;
  source: string;
  target: string;
  condition?: string;
}
export interface Graph {
  nodes: GraphNode[];
  edges: GraphEdge[];
}

/** `GET /pipelines/:id/schedules` items. */
export interface Schedule {
  id: string;
  pipelineId: string;
  kind: string;
  cron?: string;
  every?: string | number;
  at?: string;
  timezone: string;
  inputs: Record<string, unknown>;
  businessKey: string | null;
  enabled: boolean;
  nextFireAt: string | null;
  lastFiredAt: string | null;
  lastRunId: string | null;
  lastOutcome: string | null;
}

export const RUN_STATES = ['PENDING', 'RUNNING', 'SUSPENDED', 'FINISHED', 'FAILED', 'REVOKED'] as const;
export type RunState = (typeof RUN_STATES)[number];

export type NodeState = 'CREATED' | 'READY' | 'RUNNING' | 'SUSPENDED' | 'BLOCKED' | 'FINISHED' | 'FAILED' | 'REVOKED' | 'SKIPPED' | string;

/** A node's state in `GET /runs/:id` (sub-process nodes under `children`). */
export interface NodeStateView {
  state: NodeState;
  version: number;
  loop: number;
  retries: number;
  skip: boolean;
  skipReason?: string;
  errorIgnored: boolean;
  startedAt: string | null;
  finishedAt: string | null;
  children?: Record<string, NodeStateView>;
}

/** `GET /runs` items. */
export interface RunSummary {
  id: string;
  pipelineId: string | null;
  version: number | null;
  state: RunState;
  businessKey: string | null;
  createdAt: string;
  startedAt: string | null;
  finishedAt: string | null;
  reason: string | null;
}

/** `GET /runs/:id`. */
export interface Run extends RunSummary {
  inputs: Record<string, unknown>;
  outputs: Record<string, unknown>;
  nodes: Record<string, NodeStateView>;
}

/** `GET /runs` filters. */
export interface RunFilter {
  pipelineId?: string;
  state?: RunState | '';
  businessKey?: string;
  page?: number;
  pageSize?: number;
}

/** `POST /pipelines/:id/runs` body. */
export interface StartRunBody {
  inputs?: Record<string, unknown>;
  businessKey?: string;
  version?: number;
}

export interface NodeHistory {
  id: number;
  kind: string;
  version: number;
  state: NodeState;
  inputs: Record<string, unknown> | null;
  outputs: Record<string, unknown> | null;
  exData: unknown;
  startedAt: string | null;
  finishedAt: string | null;
}

/** `GET /runs/:id/nodes/:nodeId`. */
export interface NodeDetail extends Omit<NodeStateView, 'children'> {
  runId: string;
  nodeId: string;
  type: string;
  name: string | null;
  inputs: Record<string, unknown> | null;
  outputs: Record<string, unknown> | null;
  exData: unknown;
  histories: NodeHistory[];
}

/** `GET /runs/:id/events` items. */
export interface RunEvent {
  id: number;
  seq: number;
  eventType: string;
  nodeId: string | null;
  data: Record<string, unknown>;
  time: string;
}

/** Answer of every operation. */
export interface OperationResult {
  runId: string;
  runState: RunState;
  nodeId?: string;
  node?: { state: NodeState; version: number };
}

export const EXTERNAL_TASK_STATES = ['available', 'locked', 'completing', 'failing', 'completed', 'failed', 'cancelled'] as const;
export type ExternalTaskState = (typeof EXTERNAL_TASK_STATES)[number];

/** `GET /external-tasks` items. */
export interface ExternalTask {
  id: string;
  topic: string;
  runId: string;
  nodeId: string;
  nodeVersion: number;
  state: ExternalTaskState;
  attempt: number;
  workerId: string | null;
  lockExpiresAt: string | null;
  availableAt: string;
  error: string | null;
  createdAt: string;
}

/** `GET /external-tasks` filters. */
export interface ExternalTaskFilter {
  topic?: string;
  state?: ExternalTaskState | '';
  page?: number;
  pageSize?: number;
}

/** The error body of every failing call. */
export interface ErrorBody {
  statusCode: number;
  error?: string;
  message: string | string[];
  code?: string;
  details?: { code?: string; nodeId?: string; path?: string; message: string }[];
}
