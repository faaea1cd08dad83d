/** The API's error body (DESIGN §9). */
export interface ApiErrorBody {
  statusCode: number;
  error: string;
  message: string;
  code?: string;
  details?: unknown[];
  [context: string]: unknown;
}

/**
 * The server answered with a non-2xx status. `code` is the API's error code (`RATE_LIMITED`,
 * `NOT_FOUND`, ...) when the body had one; `retryAfterSeconds` is the `Retry-After` header, if any.
 */
export class PipelineApiError extends Error {
  override readonly name = 'PipelineApiError';

  constructor(
    readonly status: number,
    message: string,
    readonly code: string | undefined,
    readonly details: unknown[] | undefined,
    readonly body: unknown,
    readonly retryAfterSeconds?: number,
  ) {
    super(message);
  }

  /** 409: the task is held by someone else, already done, or the lock has expired. */
  get isConflict(): boolean {
    return this.status === 409;
  }

  get isNotFound(): boolean {
    return this.status === 404;
  }

  get isRateLimited(): boolean {
    return this.status === 429;
  }
}

/** The request never got an answer: connection refused or reset, DNS failure, or the request timed out. */
export class PipelineNetworkError extends Error {
  override readonly name = 'PipelineNetworkError';

  constructor(
    message: string,
    readonly timedOut: boolean,
    options?: { cause?: unknown },
  ) {
    super(message, options);
  }
}

/** Worth trying again later: no answer, a 5xx, or a 429. */
export function isTransientError(error: unknown): boolean {
  if (error instanceof PipelineNetworkError) return true;
  return error instanceof PipelineApiError && (error.status >= 500 || error.status === 429);
}
