import type { ExternalTaskState } from './external-task.entity';

/** One `topics` entry of `fetch-and-lock`: take tasks of `topic`, each locked for `lockSeconds`. */
export interface TopicRequest {
  topic: string;
  lockSeconds: number;
}

/** `POST /external-tasks/fetch-and-lock` (DESIGN §8.6). */
export interface FetchAndLockRequest {
  workerId: string;
  topics: TopicRequest[];
  /** Default 1. */
  maxTasks?: number;
  /** Long poll up to this many seconds when none is available (default 0, capped by the server). */
  waitSeconds?: number;
}

/** A task as its new holder gets it. */
export interface LockedTask {
  id: string;
  topic: string;
  runId: string;
  nodeId: string;
  businessKey: string | null;
  payload: unknown;
  attempt: number;
  lockExpiresAt: string;
}

/** A task as `GET /external-tasks` and every report answer it. */
export interface ExternalTaskView {
  id: string;
  topic: string;
  runId: string;
  nodeId: string;
  nodeVersion: number;
  state: ExternalTaskState;
  attempt: number;
  retries: number | null;
  workerId: string | null;
  lockExpiresAt: string | null;
  availableAt: string;
  error: string | null;
  createdAt: string;
  updatedAt: string;
}

export interface ExternalTaskListFilter {
  topic?: string;
  state?: ExternalTaskState;
  runId?: string;
  page: number;
  pageSize: number;
}

export interface ExternalTaskPage {
  items: ExternalTaskView[];
  total: number;
  page: number;
  pageSize: number;
}

/** `fail`: `retries` left (Camunda's meaning; omitted: the node's own retry policy). */
export interface FailTaskRequest {
  workerId: string;
  error: string;
  retries?: number;
  retryDelaySeconds?: number;
}
