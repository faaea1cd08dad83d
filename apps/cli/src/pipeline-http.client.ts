import { CliError } from './cli.errors';

/** A node's state as `GET /runs/:id` answers it (sub-process nodes under `children`). */
export interface NodeSnapshot {
  state: string;
  version: number;
  retries?: number;
  skip?: boolean;
  children?: Record<string, NodeSnapshot>;
  [key: string]: unknown;
}

/** `GET /runs/:id` (DESIGN §9). */
export interface RunSnapshot {
  id: string;
  pipelineId: string | null;
  state: string;
  businessKey: string | null;
  inputs?: Record<string, unknown>;
  outputs?: Record<string, unknown>;
  createdAt?: string;
  startedAt?: string | null;
  finishedAt?: string | null;
  reason?: string | null;
  nodes?: Record<string, NodeSnapshot>;
  [key: string]: unknown;
}

/** `POST /pipelines/validate`. */
export interface ValidationAnswer {
  valid: boolean;
  errors: Array<{ code: string; nodeId?: string; path: string; message: string }>;
}

/** A page of `GET /runs`. */
export interface RunPage {
  items: RunSnapshot[];
  total: number;
  page: number;
  pageSize: number;
}

/** One entry of `GET /runs/:id/events`. */
export interface RunEvent {
  seq: number;
  eventType: string;
  nodeId: string | null;
  data: Record<string, unknown>;
  time: string;
}

/** Run operations of `POST /runs/:id/{op}`. */
export const RUN_OPERATIONS = ['pause', 'resume', 'revoke'] as const;
/** Node operations of `POST /runs/:id/nodes/:nodeId/{op}`. */
export const NODE_OPERATIONS = [
  'pause',
  'resume',
  'retry',
  'skip',
  'forced-fail',
  'callback',
  'skip-gateway',
  'retry-subprocess',
] as const;
export type RunOperation = (typeof RUN_OPERATIONS)[number];
export type NodeOperation = (typeof NODE_OPERATIONS)[number];

/** The answer of every operation (README "Operations"). */
export interface OperationAnswer {
  runId: string;
  runState: string;
  nodeId?: string;
  node?: { state: string; version: number };
}

/**
 * The CLI's one client of the REST API (DESIGN §9), used for `--server` and for the embedded
 * app alike, on Node's built-in `fetch`. A non-2xx answer becomes a `CliError` carrying the
 * server's `code`, message and `details`.
 */
export class PipelineHttpClient {
  private readonly base: string;

  constructor(
    server: string,
    private readonly token?: string,
    /** Longest wait for one answer; a slower server is a `SERVER_TIMEOUT` error. */
    private readonly requestTimeoutMs = 30_000,
  ) {
    this.base = `${server.replace(/\/+$/, '')}/api/v1`;
  }

  /** `POST /pipelines/validate`. */
  validate(format: string, definition: unknown): Promise<ValidationAnswer> {
    return this.request('POST', '/pipelines/validate', { format, definition });
  }

  /** `POST /runs`: a one-shot run of an inline definition. */
  startInlineRun(body: {
    definition: unknown;
    format: string;
    inputs?: Record<string, unknown>;
    businessKey?: string;
  }): Promise<RunSnapshot> {
    return this.request('POST', '/runs', body);
  }

  /** `GET /runs/:id`. */
  getRun(id: string): Promise<RunSnapshot> {
    return this.request('GET', `/runs/${enc(id)}`);
  }

  /** `GET /runs/:id/nodes/:nodeId`. */
  getNode(runId: string, nodeId: string): Promise<NodeSnapshot> {
    return this.request('GET', `/runs/${enc(runId)}/nodes/${enc(nodeId)}`);
  }

  /** `GET /runs` with filters. */
  listRuns(query: {
    pipelineId?: string;
    state?: string;
    businessKey?: string;
    page?: number;
    pageSize?: number;
  }): Promise<RunPage> {
    const params = new URLSearchParams();
    for (const [k, v] of Object.entries(query)) if (v !== undefined) params.set(k, String(v));
    const qs = params.toString();
    return this.request('GET', `/runs${qs ? `?${qs}` : ''}`);
  }

  /** `GET /runs/:id/events`, every page. */
  async events(id: string): Promise<RunEvent[]> {
    const all: RunEvent[] = [];
    for (;;) {
      const after = all.length ? `?afterSeq=${all[all.length - 1].seq}` : '';
      const page = await this.request<RunEvent[]>('GET', `/runs/${enc(id)}/events${after}`);
      if (page.length === 0) return all;
      all.push(...page);
    }
  }

  /** `POST /runs/:id/{pause,resume,revoke}`. */
  runOperation(id: string, op: RunOperation): Promise<OperationAnswer> {
    return this.request('POST', `/runs/${enc(id)}/${op}`);
  }

  /** `POST /runs/:id/nodes/:nodeId/{op}` with the operation's body. */
  nodeOperation(
    runId: string,
    nodeId: string,
    op: NodeOperation,
    body?: Record<string, unknown>,
  ): Promise<OperationAnswer> {
    return this.request('POST', `/runs/${enc(runId)}/nodes/${enc(nodeId)}/${op}`, body);
  }

  private async request<T>(method: string, path: string, body?: unknown): Promise<T> {
    const headers: Record<string, string> = { accept: 'application/json' };
    if (body !== undefined) headers['content-type'] = 'application/json';
    if (this.token) headers.authorization = `Bearer ${this.token}`;
    let res: Response;
    try {
      res = await fetch(this.base + path, {
        method,
        headers,
        body: body === undefined ? undefined : JSON.stringify(body),
        signal: AbortSignal.timeout(this.requestTimeoutMs),
      });
    } catch (err) {
      if (err instanceof Error && err.name === 'TimeoutError')
        throw new CliError(
          'SERVER_TIMEOUT',
          `${method} ${this.base}${path}: no answer within ${this.requestTimeoutMs / 1000}s`,
        );
      const cause =
        err instanceof Error && err.cause instanceof Error ? `: ${err.cause.message}` : '';
      throw new CliError('SERVER_UNREACHABLE', `cannot reach ${this.base}${cause}`);
    }
    const text = await res.text();
    let parsed: unknown = undefined;
    try {
      parsed = text ? JSON.parse(text) : undefined;
    } catch {
      parsed = undefined;
    }
    if (!res.ok) throw httpError(method, path, res.status, parsed, text);
    return parsed as T;
  }
}

const enc = encodeURIComponent;

/** The server's error body (`{statusCode, error, message, code, details?}`) as a `CliError`. */
export function httpError(
  method: string,
  path: string,
  status: number,
  body: unknown,
  text = '',
): CliError {
  const b = (typeof body === 'object' && body !== null ? body : {}) as Record<string, unknown>;
  const code = typeof b.code === 'string' ? b.code : `HTTP_${status}`;
  const raw = Array.isArray(b.message) ? b.message.join('; ') : b.message;
  const message = `${method} ${path} → ${status}: ${typeof raw === 'string' ? raw : text.slice(0, 200) || 'no body'}`;
  const details = Array.isArray(b.details)
    ? b.details.map((d: Record<string, unknown>) =>
        [d.code, d.nodeId ? `node ${String(d.nodeId)}` : undefined, d.path, d.message]
          .filter((x) => x !== undefined && x !== '')
          .join('  '),
      )
    : [];
  return new CliError(code, message, 1, details);
}
