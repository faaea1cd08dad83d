import { FakeApiServer, type FakeCall, waitUntil } from '../test/fake-api.server';
import { ExternalTaskClient } from './external-task.client';
import type { LockedExternalTask } from './external-task.types';
import {
  ExternalTaskWorker,
  type ExternalTaskWorkerOptions,
  type WorkerLogger,
} from './external-task.worker';
import { PipelineClient } from './pipeline.client';
import { TaskFailure } from './task-failure.error';

const task = (
  id: string,
  topic = 'add',
  payload: Record<string, unknown> = { a: 1, b: 2 },
): LockedExternalTask => ({
  id,
  topic,
  runId: 'run-1',
  nodeId: `node-${id}`,
  businessKey: null,
  payload,
  attempt: 1,
  lockExpiresAt: new Date(Date.now() + 10_000).toISOString(),
});

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/**
 * A fake external-task API: `queue` feeds fetch-and-lock, which long-polls (10 ms steps) until a
 * task is queued, the wait is over or the client goes away; complete / fail / extend-lock /
 * delay answer 200 unless a test overrides them.
 */
async function fakeTaskServer() {
  const server = await FakeApiServer.start();
  const queue: LockedExternalTask[] = [];
  server.on('POST', '/external-tasks/fetch-and-lock', async (call: FakeCall) => {
    const until = Date.now() + (call.body.waitSeconds ?? 0) * 1000;
    while (queue.length === 0 && Date.now() < until && !call.closed.aborted) await sleep(10);
    return { body: queue.splice(0, call.body.maxTasks ?? 1) };
  });
  for (const action of ['complete', 'fail', 'extend-lock', 'delay'])
    server.on('POST', `/external-tasks/:id/${action}`, (call) => ({
      body: { id: call.params.id, state: action },
    }));
  return { server, queue };
}

const silentLogger = (): WorkerLogger & { warnings: string[]; errors: string[] } => {
  const warnings: string[] = [];
  const errors: string[] = [];
  return {
    warnings,
    errors,
    info: () => undefined,
    warn: (m) => warnings.push(m),
    error: (m) => errors.push(m),
  };
};

describe('ExternalTaskWorker', () => {
  let server: FakeApiServer;
  let queue: LockedExternalTask[];
  let worker: ExternalTaskWorker | undefined;
  let logger: ReturnType<typeof silentLogger>;
  const newWorker = (
    options: Partial<ExternalTaskWorkerOptions> & Pick<ExternalTaskWorkerOptions, 'topics'>,
  ) =>
    (worker = new ExternalTaskWorker(
      new ExternalTaskClient(
        new PipelineClient({ baseUrl: server.baseUrl, token: 'worker-token-1', timeoutMs: 2_000 }),
      ),
      {
        workerId: 'w1',
        waitSeconds: 5,
        backoff: { initialMs: 20, maxMs: 100 },
        logger,
        ...options,
      },
    ));

  beforeEach(async () => {
    ({ server, queue } = await fakeTaskServer());
    logger = silentLogger();
  });
  afterEach(async () => {
    await worker?.stop();
    worker = undefined;
    await server.close();
  });

  it('fetches, locks, runs the handler and completes with its outputs', async () => {
    const seen: LockedExternalTask[] = [];
    newWorker({
      topics: {
        add: {
          lockSeconds: 30,
          handler: (t) => {
            seen.push(t);
            return { sum: (t.payload.a as number) + (t.payload.b as number) };
          },
        },
        other: { lockSeconds: 5, handler: () => undefined },
      },
    }).start();
    queue.push(task('t1'));
    await waitUntil(() => server.callsTo('POST', /complete$/).length === 1);

    const [fetch] = server.callsTo('POST', '/external-tasks/fetch-and-lock');
    expect(fetch.body).toEqual({
      workerId: 'w1',
      topics: [
        { topic: 'add', lockSeconds: 30 },
        { topic: 'other', lockSeconds: 5 },
      ],
      maxTasks: 1,
      waitSeconds: 5,
    });
    expect(fetch.headers.authorization).toBe('Bearer worker-token-1');
    expect(seen.map((t) => t.id)).toEqual(['t1']);
    const [complete] = server.callsTo('POST', /complete$/);
    expect(complete.path).toBe('/external-tasks/t1/complete');
    expect(complete.body).toEqual({ workerId: 'w1', outputs: { sum: 3 } });
    expect(server.callsTo('POST', /fail$/)).toHaveLength(0);
  });

  it('completes without outputs when the handler returns nothing', async () => {
    newWorker({ topics: { add: { lockSeconds: 30, handler: () => undefined } } }).start();
    queue.push(task('t1'));
    await waitUntil(() => server.callsTo('POST', /complete$/).length === 1);
    expect(server.callsTo('POST', /complete$/)[0].body).toEqual({ workerId: 'w1' });
  });

  it('fails a task with the error message, and with TaskFailure’s retry settings', async () => {
    newWorker({
      topics: {
        add: {
          lockSeconds: 30,
          handler: async (t) => {
            if (t.id === 'plain') throw new Error('boom');
            throw new TaskFailure('upstream down', { retries: 2, retryDelaySeconds: 15 });
          },
        },
      },
    }).start();
    queue.push(task('plain'), task('typed'));
    await waitUntil(() => server.callsTo('POST', /fail$/).length === 2);
    const bodies = Object.fromEntries(
      server.callsTo('POST', /fail$/).map((c) => [c.params.id, c.body]),
    );
    expect(bodies).toEqual({
      plain: { workerId: 'w1', error: 'boom' },
      typed: { workerId: 'w1', error: 'upstream down', retries: 2, retryDelaySeconds: 15 },
    });
    expect(server.callsTo('POST', /complete$/)).toHaveLength(0);
  });

  it('runs up to `concurrency` tasks at once and never locks more than it has room for', async () => {
    let running = 0;
    let peak = 0;
    newWorker({
      concurrency: 2,
      maxTasks: 5,
      topics: {
        add: {
          lockSeconds: 30,
          handler: async () => {
            peak = Math.max(peak, ++running);
            await sleep(80);
            running--;
          },
        },
      },
    }).start();
    queue.push(task('a'), task('b'), task('c'), task('d'), task('e'));
    await waitUntil(() => server.callsTo('POST', /complete$/).length === 5);
    expect(peak).toBe(2);
    for (const call of server.callsTo('POST', '/external-tasks/fetch-and-lock'))
      expect(call.body.maxTasks).toBeLessThanOrEqual(2);
  });

  it('extends the lock each time half of it has passed while the handler runs', async () => {
    newWorker({
      topics: { add: { lockSeconds: 0.2, handler: () => sleep(550).then(() => ({ done: true })) } },
    }).start();
    queue.push(task('slow'));
    await waitUntil(() => server.callsTo('POST', /complete$/).length === 1);
    const extensions = server.callsTo('POST', /extend-lock$/);
    expect(extensions.length).toBeGreaterThanOrEqual(3);
    expect(extensions.length).toBeLessThanOrEqual(6);
    expect(extensions[0].body).toEqual({ workerId: 'w1', lockSeconds: 0.2 });
    // No extension after the task is done.
    const count = extensions.length;
    await sleep(250);
    expect(server.callsTo('POST', /extend-lock$/)).toHaveLength(count);
  });

  it('lets the handler extend the lock itself, and keeps extending by that amount', async () => {
    newWorker({
      topics: {
        add: {
          lockSeconds: 30,
          handler: async (_t, { extendLock }) => {
            await extendLock(0.2);
            await sleep(250);
          },
        },
      },
    }).start();
    queue.push(task('t1'));
    await waitUntil(() => server.callsTo('POST', /complete$/).length === 1);
    const extensions = server.callsTo('POST', /extend-lock$/).map((c) => c.body.lockSeconds);
    expect(extensions.length).toBeGreaterThanOrEqual(2);
    expect(new Set(extensions)).toEqual(new Set([0.2]));
  });

  it('aborts the handler’s signal and reports nothing when the lock is lost', async () => {
    server.on('POST', '/external-tasks/:id/extend-lock', () => ({
      status: 409,
      body: { statusCode: 409, error: 'Conflict', message: 'Lock expired', code: 'LOCK_LOST' },
    }));
    let aborted = false;
    newWorker({
      topics: {
        add: {
          lockSeconds: 0.1,
          handler: async (_t, { signal }) => {
            await new Promise<void>((resolve) => signal.addEventListener('abort', () => resolve()));
            aborted = signal.aborted;
            return { late: true };
          },
        },
      },
    }).start();
    queue.push(task('t1'));
    await waitUntil(() => aborted);
    await sleep(50);
    expect(server.callsTo('POST', /complete$|fail$/)).toHaveLength(0);
    expect(logger.warnings.join('\n')).toMatch(/lock lost/);
  });

  it('logs and drops a 409 on complete, then goes on with the next task', async () => {
    server.on('POST', '/external-tasks/:id/complete', (call) =>
      call.params.id === 't1'
        ? {
            status: 409,
            body: {
              statusCode: 409,
              error: 'Conflict',
              message: 'Not held',
              code: 'LOCK_NOT_HELD',
            },
          }
        : { body: { id: call.params.id } },
    );
    newWorker({ topics: { add: { lockSeconds: 30, handler: () => ({ ok: true }) } } }).start();
    queue.push(task('t1'));
    await waitUntil(() => server.callsTo('POST', /complete$/).length === 1);
    queue.push(task('t2'));
    await waitUntil(() => server.callsTo('POST', /complete$/).length === 2);
    expect(server.callsTo('POST', /t1\/complete$/)).toHaveLength(1); // not retried
    expect(logger.warnings.join('\n')).toMatch(/t1: complete answered 409/);
  });

  it('retries a complete that hit a 5xx or a network error', async () => {
    let calls = 0;
    server.on('POST', '/external-tasks/:id/complete', () =>
      ++calls < 3
        ? {
            status: 503,
            body: { statusCode: 503, error: 'Service Unavailable', message: 'db down' },
          }
        : { body: {} },
    );
    newWorker({ topics: { add: { lockSeconds: 30, handler: () => ({ ok: true }) } } }).start();
    queue.push(task('t1'));
    await waitUntil(() => calls === 3);
    expect(logger.errors).toEqual([]);
  });

  it('backs off on fetch errors and carries on once the server is back', async () => {
    let failures = 2;
    server.on('POST', '/external-tasks/fetch-and-lock', () =>
      failures-- > 0
        ? {
            status: 500,
            body: { statusCode: 500, error: 'Internal Server Error', message: 'oops' },
          }
        : { body: failures === -1 ? [task('t1')] : [] },
    );
    newWorker({ topics: { add: { lockSeconds: 30, handler: () => ({ ok: true }) } } }).start();
    await waitUntil(() => server.callsTo('POST', /complete$/).length === 1);
    expect(logger.warnings.filter((w) => w.includes('fetch-and-lock failed'))).toHaveLength(2);
  });

  it('waits Retry-After when fetch-and-lock is rate limited', async () => {
    let limited = true;
    server.on('POST', '/external-tasks/fetch-and-lock', () => {
      if (!limited) return { body: [] };
      limited = false;
      return {
        status: 429,
        headers: { 'retry-after': '1' },
        body: { statusCode: 429, code: 'RATE_LIMITED' },
      };
    });
    newWorker({
      waitSeconds: 0,
      topics: { add: { lockSeconds: 30, handler: () => undefined } },
    }).start();
    await waitUntil(() => server.calls.length === 1);
    await sleep(700);
    expect(server.calls).toHaveLength(1);
    await waitUntil(() => server.calls.length === 2, 1_500);
  });

  it('stop() aborts a long poll at once', async () => {
    newWorker({
      waitSeconds: 30,
      topics: { add: { lockSeconds: 30, handler: () => undefined } },
    }).start();
    await waitUntil(() => server.calls.length === 1);
    const fetch = server.calls[0];
    const started = Date.now();
    await worker!.stop();
    expect(Date.now() - started).toBeLessThan(500);
    expect(worker!.running).toBe(false);
    await waitUntil(() => fetch.closed.aborted);
    expect(server.calls).toHaveLength(1);
  });

  it('stop() lets tasks in flight finish and report before it resolves', async () => {
    let release!: () => void;
    newWorker({
      topics: {
        add: {
          lockSeconds: 30,
          handler: () =>
            new Promise<Record<string, unknown>>((resolve) => (release = () => resolve({ ok: 1 }))),
        },
      },
    }).start();
    queue.push(task('t1'));
    await waitUntil(() => release !== undefined);
    let stopped = false;
    const stopping = worker!.stop().then(() => (stopped = true));
    await sleep(100);
    expect(stopped).toBe(false);
    expect(worker!.activeTasks).toBe(1);
    release();
    await stopping;
    expect(server.callsTo('POST', /complete$/)).toHaveLength(1);
    expect(server.callsTo('POST', '/external-tasks/fetch-and-lock')).toHaveLength(1);
  });

  it('can be started again after stop()', async () => {
    const w = newWorker({ topics: { add: { lockSeconds: 30, handler: () => undefined } } });
    w.start();
    expect(() => w.start()).toThrow(/already running/);
    await w.stop();
    w.start();
    queue.push(task('t1'));
    await waitUntil(() => server.callsTo('POST', /complete$/).length === 1);
  });
});
