import {
  createServer,
  type IncomingHttpHeaders,
  type IncomingMessage,
  type Server,
  type ServerResponse,
} from 'node:http';
import type { AddressInfo } from 'node:net';

/** One request the fake server received. */
export interface FakeCall {
  method: string;
  /** Path without the `/api/v1` prefix. */
  path: string;
  query: URLSearchParams;
  params: Record<string, string>;
  // eslint-disable-next-line @typescript-eslint/no-explicit-any -- test bodies are asserted loosely
  body: any;
  headers: IncomingHttpHeaders;
  /** Aborted when the client goes away before the answer (a cancelled long poll). */
  closed: AbortSignal;
}

/** What a fake route answers. */
export interface FakeReply {
  status?: number;
  body?: unknown;
  headers?: Record<string, string>;
}

export type FakeRoute = (call: FakeCall) => FakeReply | Promise<FakeReply>;

/**
 * A stand-in for the pipeline API on `node:http` and an ephemeral port, for client tests:
 * routes by method and path pattern (`/external-tasks/:id/complete`), records every call,
 * answers 404 in the API's error shape for anything else.
 */
export class FakeApiServer {
  readonly calls: FakeCall[] = [];
  private readonly routes: {
    method: string;
    pattern: RegExp;
    names: string[];
    route: FakeRoute;
  }[] = [];

  private readonly server: Server;
  private url = '';

  private constructor() {
    this.server = createServer((req, res) => {
      void this.serve(req, res).then(
        (reply) => {
          if (res.destroyed) return;
          res.writeHead(reply.status ?? 200, {
            'content-type': 'application/json',
            ...reply.headers,
          });
          res.end(reply.body === undefined ? '' : JSON.stringify(reply.body));
        },
        (error: unknown) => {
          res.writeHead(500, { 'content-type': 'application/json' });
          res.end(
            JSON.stringify({
              statusCode: 500,
              error: 'Internal Server Error',
              message: String(error),
            }),
          );
        },
      );
    });
  }

  /** `http://127.0.0.1:<port>` */
  get baseUrl(): string {
    return this.url;
  }

  static async start(): Promise<FakeApiServer> {
    const fake = new FakeApiServer();
    await new Promise<void>((resolve) => fake.server.listen(0, '127.0.0.1', resolve));
    fake.url = `http://127.0.0.1:${(fake.server.address() as AddressInfo).port}`;
    return fake;
  }

  /** Adds (or, registered later, takes precedence over) a route. */
  on(method: string, path: string, route: FakeRoute): this {
    const names: string[] = [];
    const pattern = new RegExp(
      `^${path.replace(/:([a-zA-Z]+)/g, (_m, name: string) => {
        names.push(name);
        return '([^/]+)';
      })}$`,
    );
    this.routes.unshift({ method, pattern, names, route });
    return this;
  }

  callsTo(method: string, path: RegExp | string): FakeCall[] {
    return this.calls.filter(
      (c) =>
        c.method === method && (typeof path === 'string' ? c.path === path : path.test(c.path)),
    );
  }

  async close(): Promise<void> {
    this.server.closeAllConnections();
    await new Promise<void>((resolve) => this.server.close(() => resolve()));
  }

  private async serve(req: IncomingMessage, res: ServerResponse): Promise<FakeReply> {
    const chunks: Buffer[] = [];
    for await (const chunk of req) chunks.push(chunk as Buffer);
    const text = Buffer.concat(chunks).toString('utf8');
    const url = new URL(req.url ?? '/', 'http://fake');
    const path = url.pathname.replace(/^\/api\/v1/, '');
    const closed = new AbortController();
    res.once('close', () => {
      if (!res.writableFinished) closed.abort();
    });
    for (const { method, pattern, names, route } of this.routes) {
      const match = method === req.method ? pattern.exec(path) : null;
      if (!match) continue;
      const call: FakeCall = {
        method,
        path,
        query: url.searchParams,
        params: Object.fromEntries(names.map((n, i) => [n, decodeURIComponent(match[i + 1])])),
        body: text ? JSON.parse(text) : undefined,
        headers: req.headers,
        closed: closed.signal,
      };
      this.calls.push(call);
      return route(call);
    }
    return {
      status: 404,
      body: { statusCode: 404, error: 'Not Found', message: `No route ${req.method} ${path}` },
    };
  }
}

/** Resolves once `check` holds, polling every 10 ms; fails after `timeoutMs`. */
export async function waitUntil(check: () => boolean, timeoutMs = 3_000): Promise<void> {
  const until = Date.now() + timeoutMs;
  while (!check()) {
    if (Date.now() > until) throw new Error('waitUntil: condition not met in time');
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
}
