/**
 * The console's typed client of `/api/v1`. Sends the session's token as a Bearer header; on a
 * 401 it asks for a token (the `TokenSource`) and tries again, so a console opened without one
 * works once the user types it.
 */
import type {
  ErrorBody,
  ExternalTask,
  ExternalTaskFilter,
  Graph,
  NodeDetail,
  OperationResult,
  Page,
  Pipeline,
  PipelinePatch,
  PipelineSummary,
  Run,
  RunEvent,
  RunFilter,
  RunSummary,
  Schedule,
  StartRunBody,
} from './api-types';

/** Run operations (`POST /runs/:id/<op>`). */
export type RunOperation = 'pause' | 'resume' | 'revoke';
/** Node operations (`POST /runs/:id/nodes/:nodeId/<op>`). */
export type NodeOperation = 'retry' | 'skip' | 'pause' | 'resume' | 'forced-fail' | 'callback' | 'skip-gateway' | 'retry-subprocess';

/** A failed call: the HTTP status and the api's error body. */
export class ApiError extends Error {
  constructor(
    readonly status: number,
    message: string,
    readonly code?: string,
    readonly details: NonNullable<ErrorBody['details']> = [],
  ) {
    super(message);
    this.name = 'ApiError';
  }
}

/** Where the token lives and how to ask the user for a new one (null: they gave up). */
export interface TokenSource {
  get(): string | null;
  set(token: string | null): void;
  ask(reason: string): Promise<string | null>;
}

type Query = Record<string, string | number | undefined | null>;

/** `?a=1&b=x` of the defined, non-empty values. */
export function queryString(query: Query = {}): string {
  const params = new URLSearchParams();
  for (const [k, v] of Object.entries(query)) if (v !== undefined && v !== null && v !== '') params.set(k, String(v));
  const text = params.toString();
  return text ? `?${text}` : '';
}

const enc = encodeURIComponent;

/** One method per endpoint the console uses. */
export class ApiClient {
  private asking: Promise<string | null> | null = null;

  constructor(
    private readonly tokens: TokenSource,
    private readonly base = '/api/v1',
    private readonly fetchFn: typeof fetch = (input, init) => fetch(input, init),
  ) {}

  /** A call: JSON in, JSON out; throws `ApiError` for a non-2xx answer. */
  async request<T>(method: string, path: string, body?: unknown, query?: Query): Promise<T> {
    for (let attempt = 0; ; attempt++) {
      const headers: Record<string, string> = { accept: 'application/json' };
      if (body !== undefined) headers['content-type'] = 'application/json';
      const token = this.tokens.get();
      if (token) headers.authorization = `Bearer ${token}`;
      const res = await this.fetchFn(`${this.base}${path}${queryString(query)}`, {
        method,
        headers,
        body: body === undefined ? undefined : JSON.stringify(body),
      });
      if (res.status === 401 && attempt < 5) {
        const next = await this.askToken(token ? 'That token was refused: enter another one.' : 'This server needs an API token.');
        if (next !== null) continue;
      }
      const text = await res.text();
      let parsed: unknown = undefined;
      try {
        parsed = text ? JSON.parse(text) : undefined;
      } catch {
        parsed = undefined;
      }
      if (!res.ok) {
        const err = (parsed ?? {}) as Partial<ErrorBody>;
        const message = Array.isArray(err.message) ? err.message.join('; ') : (err.message ?? `${res.status} ${res.statusText}`);
        throw new ApiError(res.status, message, err.code, err.details ?? []);
      }
      return parsed as T;
    }
  }

  /** One prompt for every call that met a 401 at the same time. */
  private askToken(reason: string): Promise<string | null> {
    if (!this.asking) {
      this.asking = this.tokens.ask(reason).then((token) => {
        this.asking = null;
        if (token !== null) this.tokens.set(token);
        return token;
      });
    }
    return this.asking;
  }

  listPipelines(page = 1, pageSize = 100): Promise<Page<PipelineSummary>> {
    return this.request('GET', '/pipelines', undefined, { page, pageSize });
  }
  getPipeline(id: string, version?: number): Promise<Pipeline> {
    return this.request('GET', `/pipelines/${enc(id)}`, undefined, { version });
  }
  patchPipeline(id: string, patch: PipelinePatch): Promise<Pipeline> {
    return this.request('PATCH', `/pipelines/${enc(id)}`, patch);
  }
  pipelineGraph(id: string, version?: number): Promise<Graph> {
    return this.request('GET', `/pipelines/${enc(id)}/graph`, undefined, { version });
  }
  listSchedules(id: string): Promise<Schedule[]> {
    return this.request('GET', `/pipelines/${enc(id)}/schedules`);
  }
  startRun(id: string, body: StartRunBody): Promise<Run> {
    return this.request('POST', `/pipelines/${enc(id)}/runs`, body);
  }
  listRuns(filter: RunFilter): Promise<Page<RunSummary>> {
    return this.request('GET', '/runs', undefined, { ...filter });
  }
  getRun(id: string): Promise<Run> {
    return this.request('GET', `/runs/${enc(id)}`);
  }
  runGraph(id: string): Promise<Graph> {
    return this.request('GET', `/runs/${enc(id)}/graph`);
  }
  getNode(runId: string, nodeId: string): Promise<NodeDetail> {
    return this.request('GET', `/runs/${enc(runId)}/nodes/${enc(nodeId)}`);
  }
  runEvents(runId: string, afterSeq = 0): Promise<RunEvent[]> {
    return this.request('GET', `/runs/${enc(runId)}/events`, undefined, { afterSeq, limit: 5000 });
  }
  runOperation(runId: string, op: RunOperation): Promise<OperationResult> {
    return this.request('POST', `/runs/${enc(runId)}/${op}`);
  }
  nodeOperation(runId: string, nodeId: string, op: NodeOperation, body?: Record<string, unknown>): Promise<OperationResult> {
    return this.request('POST', `/runs/${enc(runId)}/nodes/${enc(nodeId)}/${op}`, body ?? {});
  }
  listExternalTasks(filter: ExternalTaskFilter): Promise<Page<ExternalTask>> {
    return this.request('GET', '/external-tasks', undefined, { ...filter });
  }
}
