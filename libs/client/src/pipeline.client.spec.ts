import { FakeApiServer } from '../test/fake-api.server';
import { ExternalTaskClient } from './external-task.client';
import { PipelineApiError, PipelineNetworkError } from './pipeline-api.error';
import { parseRetryAfter, PipelineClient } from './pipeline.client';

describe('PipelineClient', () => {
  let server: FakeApiServer;
  beforeEach(async () => {
    server = await FakeApiServer.start();
  });
  afterEach(() => server.close());

  it('sends JSON with the bearer token under /api/v1 and returns the parsed answer', async () => {
    server.on('POST', '/external-tasks/:id/complete', (call) => ({
      body: { id: call.params.id, state: 'COMPLETED' },
    }));
    const tasks = new ExternalTaskClient(
      new PipelineClient({ baseUrl: `${server.baseUrl}/`, token: 'secret-token-1' }),
    );
    const view = await tasks.complete('t 1', { workerId: 'w1', outputs: { a: 1 } });
    expect(view).toEqual({ id: 't 1', state: 'COMPLETED' });
    const [call] = server.calls;
    expect(call.path).toBe('/external-tasks/t%201/complete');
    expect(call.headers.authorization).toBe('Bearer secret-token-1');
    expect(call.headers['content-type']).toBe('application/json');
    expect(call.body).toEqual({ workerId: 'w1', outputs: { a: 1 } });
  });

  it('passes listing filters as query parameters, leaving out unset ones', async () => {
    server.on('GET', '/external-tasks', () => ({
      body: { items: [], total: 0, page: 2, pageSize: 5 },
    }));
    const tasks = new ExternalTaskClient(new PipelineClient({ baseUrl: server.baseUrl }));
    await expect(tasks.list({ topic: 'mail', page: 2, pageSize: 5 })).resolves.toMatchObject({
      page: 2,
    });
    expect(Object.fromEntries(server.calls[0].query)).toEqual({
      topic: 'mail',
      page: '2',
      pageSize: '5',
    });
    expect(server.calls[0].headers.authorization).toBeUndefined();
  });

  it('turns error answers into PipelineApiError with status, code and details', async () => {
    server.on('POST', '/external-tasks/:id/fail', () => ({
      status: 409,
      body: {
        statusCode: 409,
        error: 'Conflict',
        message: 'Lock not held',
        code: 'LOCK_NOT_HELD',
        details: [{ x: 1 }],
      },
    }));
    const tasks = new ExternalTaskClient(new PipelineClient({ baseUrl: server.baseUrl }));
    const error = await tasks.fail('t1', { workerId: 'w', error: 'x' }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(PipelineApiError);
    expect(error).toMatchObject({
      status: 409,
      code: 'LOCK_NOT_HELD',
      message: 'Lock not held',
      details: [{ x: 1 }],
    });
    expect((error as PipelineApiError).isConflict).toBe(true);

    const unknown = await tasks
      .delay('nope', { workerId: 'w', seconds: 1 })
      .catch((e: unknown) => e);
    expect(unknown).toMatchObject({ status: 404, isNotFound: true });
  });

  it('throws 429 at once by default, with Retry-After read', async () => {
    server.on('GET', '/runs', () => ({
      status: 429,
      headers: { 'retry-after': '7' },
      body: {
        statusCode: 429,
        error: 'Too Many Requests',
        message: 'Slow down',
        code: 'RATE_LIMITED',
      },
    }));
    const error = await new PipelineClient({ baseUrl: server.baseUrl })
      .get('/runs')
      .catch((e: unknown) => e);
    expect(error).toMatchObject({
      status: 429,
      code: 'RATE_LIMITED',
      retryAfterSeconds: 7,
      isRateLimited: true,
    });
    expect(server.calls).toHaveLength(1);
  });

  it('waits Retry-After and tries again when asked to', async () => {
    let calls = 0;
    server.on('GET', '/runs', () =>
      ++calls === 1
        ? {
            status: 429,
            headers: { 'retry-after': '1' },
            body: { statusCode: 429, code: 'RATE_LIMITED' },
          }
        : { body: { items: [] } },
    );
    const client = new PipelineClient({ baseUrl: server.baseUrl, rateLimitRetries: 2 });
    const started = Date.now();
    await expect(client.get('/runs')).resolves.toEqual({ items: [] });
    expect(Date.now() - started).toBeGreaterThanOrEqual(950);
    expect(calls).toBe(2);
  });

  it('does not wait past maxRetryAfterSeconds', async () => {
    server.on('GET', '/runs', () => ({
      status: 429,
      headers: { 'retry-after': '3600' },
      body: {},
    }));
    const client = new PipelineClient({
      baseUrl: server.baseUrl,
      rateLimitRetries: 3,
      maxRetryAfterSeconds: 60,
    });
    await expect(client.get('/runs')).rejects.toMatchObject({
      status: 429,
      retryAfterSeconds: 3600,
    });
    expect(server.calls).toHaveLength(1);
  });

  it('reports timeouts and unreachable servers as PipelineNetworkError', async () => {
    server.on('GET', '/slow', () => new Promise<never>(() => undefined));
    const timedOut = await new PipelineClient({ baseUrl: server.baseUrl, timeoutMs: 100 })
      .get('/slow')
      .catch((e: unknown) => e);
    expect(timedOut).toBeInstanceOf(PipelineNetworkError);
    expect((timedOut as PipelineNetworkError).timedOut).toBe(true);

    const url = server.baseUrl;
    await server.close();
    server = await FakeApiServer.start(); // for afterEach
    const refused = await new PipelineClient({ baseUrl: url })
      .get('/runs')
      .catch((e: unknown) => e);
    expect(refused).toBeInstanceOf(PipelineNetworkError);
    expect((refused as PipelineNetworkError).timedOut).toBe(false);
  });

  it('rejects with the caller’s abort reason when the caller aborts', async () => {
    server.on('GET', '/slow', () => new Promise<never>(() => undefined));
    const controller = new AbortController();
    const pending = new PipelineClient({ baseUrl: server.baseUrl }).get('/slow', {
      signal: controller.signal,
    });
    const reason = new Error('caller gave up');
    setTimeout(() => controller.abort(reason), 50);
    await expect(pending).rejects.toBe(reason);
  });

  it('gives a long poll its wait on top of the request timeout', async () => {
    server.on('POST', '/external-tasks/fetch-and-lock', async () => {
      await new Promise((resolve) => setTimeout(resolve, 300));
      return { body: [] };
    });
    const tasks = new ExternalTaskClient(
      new PipelineClient({ baseUrl: server.baseUrl, timeoutMs: 100 }),
    );
    await expect(
      tasks.fetchAndLock({
        workerId: 'w',
        topics: [{ topic: 'a', lockSeconds: 5 }],
        waitSeconds: 1,
      }),
    ).resolves.toEqual([]);
  });
});

describe('parseRetryAfter', () => {
  it('reads seconds and HTTP dates', () => {
    expect(parseRetryAfter('12')).toBe(12);
    expect(parseRetryAfter(null)).toBeUndefined();
    expect(parseRetryAfter('soon')).toBeUndefined();
    const now = Date.parse('2026-01-01T00:00:00Z');
    expect(parseRetryAfter('Thu, 01 Jan 2026 00:00:30 GMT', now)).toBe(30);
  });
});
