import type {
  ExternalTaskView,
  FailTaskRequest,
  FetchAndLockRequest,
  ListExternalTasksQuery,
  LockedExternalTask,
  Page,
} from './external-task.types';
import type { PipelineClient } from './pipeline.client';

/** Per-call options of the external-task calls. */
export interface CallOptions {
  signal?: AbortSignal;
}

/**
 * The external-task calls of DESIGN §8.6 (`/api/v1/external-tasks`), one method each. A 409
 * (lost lock, duplicate, not held) or 404 (unknown id) surfaces as a `PipelineApiError`.
 */
export class ExternalTaskClient {
  constructor(private readonly client: PipelineClient) {}

  /** Locks up to `maxTasks` tasks; long-polls up to `waitSeconds` when none is waiting. */
  fetchAndLock(
    request: FetchAndLockRequest,
    options: CallOptions = {},
  ): Promise<LockedExternalTask[]> {
    // The server holds the call open for up to waitSeconds: let the request live that long too.
    const extraMs = Math.max(0, request.waitSeconds ?? 0) * 1000;
    return this.client.post<LockedExternalTask[]>('/external-tasks/fetch-and-lock', request, {
      signal: options.signal,
      timeoutMs: extraMs > 0 ? extraMs + this.client.timeoutMs : undefined,
    });
  }

  /** Finishes the task's node with `outputs` as its outputs. */
  complete(
    id: string,
    body: { workerId: string; outputs?: Record<string, unknown> },
    options: CallOptions = {},
  ): Promise<ExternalTaskView> {
    return this.client.post(`/external-tasks/${encodeURIComponent(id)}/complete`, body, options);
  }

  /** Reports a failure; see `FailTaskRequest.retries` for what happens next. */
  fail(id: string, body: FailTaskRequest, options: CallOptions = {}): Promise<ExternalTaskView> {
    return this.client.post(`/external-tasks/${encodeURIComponent(id)}/fail`, body, options);
  }

  /** Sets the lock to expire `lockSeconds` from now. */
  extendLock(
    id: string,
    body: { workerId: string; lockSeconds: number },
    options: CallOptions = {},
  ): Promise<ExternalTaskView> {
    return this.client.post(`/external-tasks/${encodeURIComponent(id)}/extend-lock`, body, options);
  }

  /** Releases the task and has it offered again after `seconds`, without counting a retry. */
  delay(
    id: string,
    body: { workerId: string; seconds: number },
    options: CallOptions = {},
  ): Promise<ExternalTaskView> {
    return this.client.post(`/external-tasks/${encodeURIComponent(id)}/delay`, body, options);
  }

  /** Lists tasks, filtered by topic and state, paged. */
  list(
    query: ListExternalTasksQuery = {},
    options: CallOptions = {},
  ): Promise<Page<ExternalTaskView>> {
    return this.client.get('/external-tasks', { query: { ...query }, signal: options.signal });
  }
}
