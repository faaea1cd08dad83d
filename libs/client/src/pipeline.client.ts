import { abortableSleep } from './abortable-sleep';
import { type ApiErrorBody, PipelineApiError, PipelineNetworkError } from './pipeline-api.error';

/** Settings of a `PipelineClient`. */
export interface PipelineClientOptions {
  /** The server's root, e.g. `http://localhost:3000` (the `/api/v1` prefix is added). */
  baseUrl: string;
  /** Sent as `Authorization: Bearer <token>` (needed when the server sets `API_TOKENS`). */
  token?: string;
  /** Longest a request may take, in ms (default 30 s); long polls add their wait on top. */
  timeoutMs?: number;
  /** How many times a 429 is retried after its `Retry-After` (default 0: throw at once). */
  rateLimitRetries?: number;
  /** Longest `Retry-After` wait honoured, in seconds (default 60); a longer one throws. */
  maxRetryAfterSeconds?: number;
  /** Path prefix of the API (default `/api/v1`). */
  apiPrefix?: string;
  /** The fetch implementation (default: Node's built-in `fetch`). */
  fetch?: typeof fetch;
}

/** Per-call settings of `PipelineClient.request`. */
export interface RequestOptions {
  body?: unknown;
  query?: Record<string, string | number | boolean | undefined>;
  /** Aborts the call: it then rejects with the signal's reason. */
  signal?: AbortSignal;
  timeoutMs?: number;
  rateLimitRetries?: number;
}

/**
 * A small typed HTTP client of the pipeline API on Node's built-in `fetch`: JSON in and out,
 * optional bearer token, a timeout per request, `PipelineApiError` for non-2xx answers and
 * `PipelineNetworkError` when there is no answer. On 429 it waits `Retry-After` and tries again,
 * up to `rateLimitRetries` times.
 */
export class PipelineClient {
  readonly baseUrl: string;
  private readonly token?: string;
  /** Default timeout of a request, in ms. */
  readonly timeoutMs: number;
  private readonly rateLimitRetries: number;
  private readonly maxRetryAfterSeconds: number;
  private readonly fetchImpl: typeof fetch;

  constructor(options: PipelineClientOptions) {
    const root = options.baseUrl.replace(/\/+$/, '');
    const prefix = (options.apiPrefix ?? '/api/v1').replace(/\/+$/, '');
    this.baseUrl = root + prefix;
    this.token = options.token;
    this.timeoutMs = options.timeoutMs ?? 30_000;
    this.rateLimitRetries = options.rateLimitRetries ?? 0;
    this.maxRetryAfterSeconds = options.maxRetryAfterSeconds ?? 60;
    this.fetchImpl = options.fetch ?? fetch;
  }

  get<T>(path: string, options?: RequestOptions): Promise<T> {
    return this.request<T>('GET', path, options);
  }

  post<T>(path: string, body?: unknown, options?: RequestOptions): Promise<T> {
    return this.request<T>('POST', path, { ...options, body });
  }

  /** One API call; `path` is relative to the API prefix (`/runs/123`). */
  async request<T>(method: string, path: string, options: RequestOptions = {}): Promise<T> {
    const retries = options.rateLimitRetries ?? this.rateLimitRetries;
    for (let attempt = 0; ; attempt++) {
      try {
        return await this.once<T>(method, path, options);
      } catch (error) {
        if (
          !(error instanceof PipelineApiError) ||
          !error.isRateLimited ||
          attempt >= retries ||
          (error.retryAfterSeconds ?? 1) > this.maxRetryAfterSeconds
        )
          throw error;
        await abortableSleep((error.retryAfterSeconds ?? 1) * 1000, options.signal);
      }
    }
  }

  private async once<T>(method: string, path: string, options: RequestOptions): Promise<T> {
    const url = new URL(this.baseUrl + (path.startsWith('/') ? path : `/${path}`));
    for (const [key, value] of Object.entries(options.query ?? {}))
      if (value !== undefined) url.searchParams.set(key, String(value));
    const headers: Record<string, string> = { accept: 'application/json' };
    if (options.body !== undefined) headers['content-type'] = 'application/json';
    if (this.token) headers.authorization = `Bearer ${this.token}`;

    const timeout = AbortSignal.timeout(options.timeoutMs ?? this.timeoutMs);
    const signal = options.signal ? AbortSignal.any([options.signal, timeout]) : timeout;
    let response: Response;
    let text: string;
    try {
      response = await this.fetchImpl(url, {
        method,
        headers,
        body: options.body === undefined ? undefined : JSON.stringify(options.body),
        signal,
      });
      text = await response.text();
    } catch (error) {
      if (options.signal?.aborted) throw options.signal.reason;
      if (timeout.aborted)
        throw new PipelineNetworkError(`${method} ${url.pathname} timed out`, true, {
          cause: error,
        });
      throw new PipelineNetworkError(
        `${method} ${url.pathname} failed: ${(error as Error)?.message ?? String(error)}`,
        false,
        { cause: error },
      );
    }
    const body = parseJson(text);
    if (!response.ok) {
      const shaped = (body ?? {}) as Partial<ApiErrorBody>;
      throw new PipelineApiError(
        response.status,
        typeof shaped.message === 'string'
          ? shaped.message
          : `${method} ${url.pathname} answered ${response.status}`,
        typeof shaped.code === 'string' ? shaped.code : undefined,
        Array.isArray(shaped.details) ? shaped.details : undefined,
        body ?? text,
        parseRetryAfter(response.headers.get('retry-after')),
      );
    }
    return body as T;
  }
}

function parseJson(text: string): unknown {
  if (text === '') return undefined;
  try {
    return JSON.parse(text);
  } catch {
    return undefined;
  }
}

/** `Retry-After` in seconds: a number of seconds or an HTTP date; undefined when absent or unreadable. */
export function parseRetryAfter(value: string | null, now = Date.now()): number | undefined {
  if (value === null || value.trim() === '') return undefined;
  if (/^\d+$/.test(value.trim())) return Number(value.trim());
  const at = Date.parse(value);
  return Number.isNaN(at) ? undefined : Math.max(0, Math.ceil((at - now) / 1000));
}
