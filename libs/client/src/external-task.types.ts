/** A task handed out by `fetch-and-lock`, locked to the worker until `lockExpiresAt`. */
export interface LockedExternalTask {
  id: string;
  topic: string;
  runId: string;
  nodeId: string;
  businessKey: string | null;
  /** The node's inputs, as the engine rendered them. */
  payload: Record<string, unknown>;
  /** 1 on the first offer; + 1 after a failure retry or an expired lock. */
  attempt: number;
  /** ISO 8601. */
  lockExpiresAt: string;
}

/** A task as the server describes it (complete / fail / extend-lock / delay answers, listings). */
export interface ExternalTaskView {
  id: string;
  topic?: string;
  state?: string;
  runId?: string;
  nodeId?: string;
  businessKey?: string | null;
  attempt?: number;
  workerId?: string | null;
  lockExpiresAt?: string | null;
  [field: string]: unknown;
}

/** One topic of a fetch-and-lock call. */
export interface TopicSubscription {
  topic: string;
  lockSeconds: number;
}

/** Body of `POST /external-tasks/fetch-and-lock`. */
export interface FetchAndLockRequest {
  workerId: string;
  topics: TopicSubscription[];
  maxTasks?: number;
  /** Long poll: wait up to this many seconds (the server caps it at 60) when nothing is there. */
  waitSeconds?: number;
}

/** Body of `POST /external-tasks/:id/fail`. */
export interface FailTaskRequest {
  workerId: string;
  error: string;
  /** Tries that remain (Camunda's meaning): > 0 re-offers after the delay, 0 fails the node, omitted follows the node's retry policy. */
  retries?: number;
  retryDelaySeconds?: number;
}

/** Filters of `GET /external-tasks`. */
export interface ListExternalTasksQuery {
  topic?: string;
  state?: string;
  page?: number;
  pageSize?: number;
}

/** A page of a listing. */
export interface Page<T> {
  items: T[];
  total: number;
  page: number;
  pageSize: number;
}
