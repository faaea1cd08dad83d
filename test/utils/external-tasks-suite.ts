import { ExternalTaskClient, ExternalTaskWorker, PipelineClient } from '@app/client';
import type { LockedTask } from '@app/pipeline';
import request from 'supertest';
import { API, findNode, runApi, sleep, type Http } from './run-api';
import { chainTree, plain } from './run-trees';

/** Where the suite talks to: `http` for runs, `apis` the base URLs of every api process (one embedded). */
export interface ExternalTaskTarget {
  http: Http;
  apis: () => string[];
}

type Locked = LockedTask;

/**
 * External tasks (DESIGN §8.6) over REST, in either mode: fetch-and-lock with long polling
 * (also across api processes), complete / fail / extend-lock / delay with their 409s, lock
 * expiry and takeover, bamboo trees, DAG works by name and orderlines tasks alike.
 */
export function externalTasksSuite(target: ExternalTaskTarget): void {
  const api = runApi(target.http);
  const at = (i: number) => {
    const urls = target.apis();
    return () => request(urls[i % urls.length]);
  };
  let seq = 0;
  /** A fresh topic per test: tasks of other tests never interfere. */
  const topic = (name: string) => `${name}-${Date.now().toString(36)}-${++seq}`;
  const taskTree = (t: string, extra: Record<string, unknown> = {}, payload?: unknown) =>
    chainTree(`ext-${t}`, [
      { id: 'work', code: 'external_task', inputs: { topic: plain(t), ...(payload !== undefined ? { payload: plain(payload) } : {}) }, extra },
      { id: 'after', code: 'noop' },
    ]);

  async function fetchTasks(t: string | string[], workerId: string, opts: { lockSeconds?: number; maxTasks?: number; waitSeconds?: number; via?: number } = {}): Promise<Locked[]> {
    const topics = (Array.isArray(t) ? t : [t]).map((name) => ({ topic: name, lockSeconds: opts.lockSeconds ?? 30 }));
    const res = await at(opts.via ?? 0)()
      .post(`${API}/external-tasks/fetch-and-lock`)
      .send({ workerId, topics, maxTasks: opts.maxTasks ?? 1, waitSeconds: opts.waitSeconds ?? 0 });
    if (res.status !== 200) throw new Error(`fetch-and-lock: ${res.status} ${JSON.stringify(res.body)}`);
    return res.body as Locked[];
  }
  /** Fetches until a task comes (the engine offers it a moment after the run starts). */
  async function fetchOne(t: string, workerId: string, opts: { lockSeconds?: number; via?: number } = {}): Promise<Locked> {
    const [task] = await fetchTasks(t, workerId, { ...opts, waitSeconds: 10 });
    if (!task) throw new Error(`no task on ${t} within 10 s`);
    return task;
  }
  const report = (id: string, action: string, body: Record<string, unknown>, via = 0) =>
    at(via)().post(`${API}/external-tasks/${id}/${action}`).send(body);

  it('hands a waiting node to a long-polling worker, who completes it with outputs', async () => {
    const t = topic('submit');
    // The worker polls first (through the second api process when there is one): the answer
    // comes when the run offers the task, not at the end of the wait.
    const polling = fetchTasks(t, 'w1', { waitSeconds: 20, via: 1 });
    await sleep(200);
    const startedAt = Date.now();
    const res = await target.http().post(`${API}/runs`).send({ definition: taskTree(t, {}, { order: 7 }), businessKey: 'order-7' }).expect(201);
    const runId = res.body.id as string;
    const [task] = await polling;
    expect(Date.now() - startedAt).toBeLessThan(10_000);
    expect(task).toMatchObject({ topic: t, runId, nodeId: 'work', businessKey: 'order-7', payload: { order: 7 }, attempt: 1 });
    expect(new Date(task.lockExpiresAt).getTime()).toBeGreaterThan(Date.now());

    const listed = await target.http().get(`${API}/external-tasks`).query({ topic: t }).expect(200);
    expect(listed.body).toMatchObject({ total: 1, items: [{ id: task.id, state: 'locked', workerId: 'w1', attempt: 1 }] });

    // Not the holder: 409, nothing changes.
    const foreign = await report(task.id, 'complete', { workerId: 'w2', outputs: { ticket: 0 } });
    expect(foreign.status).toBe(409);
    expect(foreign.body.code).toBe('LOCK_NOT_HELD');

    const done = await report(task.id, 'complete', { workerId: 'w1', outputs: { ticket: 42 } });
    expect(done.status).toBe(200);
    expect(done.body).toMatchObject({ id: task.id, state: 'completed' });
    const run = await api.waitState(runId, 'FINISHED');
    expect(findNode(run.nodes, 'after')?.state).toBe('FINISHED');
    expect((await api.node(runId, 'work')).outputs).toMatchObject({ ticket: 42, topic: t });

    // A duplicate complete: 409, the node keeps its outputs.
    const again = await report(task.id, 'complete', { workerId: 'w1', outputs: { ticket: 43 } });
    expect(again.status).toBe(409);
    expect(again.body.code).toBe('TASK_ALREADY_REPORTED');
    expect((await api.node(runId, 'work')).outputs).toMatchObject({ ticket: 42 });
    expect((await report('00000000-0000-0000-0000-000000000000', 'complete', { workerId: 'w1' })).status).toBe(404);
  });

  it('offers a task again after its lock expires, to another worker, with attempt + 1; the late holder gets 409', async () => {
    const t = topic('expire');
    const runId = await api.start(taskTree(t));
    const first = await fetchOne(t, 'slow', { lockSeconds: 1 });
    expect(first.attempt).toBe(1);
    // Held: nobody else gets it meanwhile.
    expect(await fetchTasks(t, 'other')).toEqual([]);
    // The long poll of the other worker wakes when the lock runs out.
    const second = (await fetchTasks(t, 'other', { waitSeconds: 10, lockSeconds: 30 }))[0];
    expect(second).toMatchObject({ id: first.id, attempt: 2 });
    const late = await report(first.id, 'complete', { workerId: 'slow', outputs: {} });
    expect(late.status).toBe(409);
    expect(late.body.code).toBe('LOCK_NOT_HELD');
    // The new holder extends its lock, then completes.
    const extended = await report(first.id, 'extend-lock', { workerId: 'other', lockSeconds: 120 });
    expect(extended.status).toBe(200);
    expect(new Date(extended.body.lockExpiresAt).getTime()).toBeGreaterThan(Date.now() + 100_000);
    expect((await report(first.id, 'complete', { workerId: 'other', outputs: { by: 'other' } })).status).toBe(200);
    await api.waitState(runId, 'FINISHED');
  });

  it('answers 409 LOCK_EXPIRED to a holder whose lock ran out while nobody took the task over', async () => {
    const t = topic('lapsed');
    const runId = await api.start(taskTree(t));
    const task = await fetchOne(t, 'w', { lockSeconds: 1 });
    await sleep(1_200);
    const late = await report(task.id, 'extend-lock', { workerId: 'w', lockSeconds: 30 });
    expect(late.status).toBe(409);
    expect(late.body.code).toBe('LOCK_EXPIRED');
    const again = await fetchOne(t, 'w');
    expect(again.attempt).toBe(2);
    expect((await report(again.id, 'complete', { workerId: 'w' })).status).toBe(200);
    await api.waitState(runId, 'FINISHED');
  });

  it('fail with retries offers the task again after the delay; retries 0 fails the node with the error', async () => {
    const t = topic('flaky');
    const runId = await api.start(taskTree(t));
    const task = await fetchOne(t, 'w');
    const failed = await report(task.id, 'fail', { workerId: 'w', error: 'upstream 503', retries: 1, retryDelaySeconds: 1 });
    expect(failed.status).toBe(200);
    expect(failed.body).toMatchObject({ state: 'available', retries: 1, attempt: 2, error: 'upstream 503', workerId: null });
    // Not before the delay.
    expect(await fetchTasks(t, 'w')).toEqual([]);
    const again = (await fetchTasks(t, 'w', { waitSeconds: 10 }))[0];
    expect(again).toMatchObject({ id: task.id, attempt: 2 });
    const final = await report(task.id, 'fail', { workerId: 'w', error: 'gave up', retries: 0 });
    expect(final.status).toBe(200);
    expect(final.body.state).toBe('failed');
    const run = await api.waitState(runId, 'FAILED');
    expect(findNode(run.nodes, 'work')?.state).toBe('FAILED');
    expect((await api.node(runId, 'work')).exData).toBe('gave up');
  });

  it("fail without retries follows the node's retry policy: a new task for the retried node", async () => {
    const t = topic('policy');
    const runId = await api.start(taskTree(t, { retry: { max: 1 } }));
    const first = await fetchOne(t, 'w');
    expect((await report(first.id, 'fail', { workerId: 'w', error: 'first try failed' })).status).toBe(200);
    const second = await fetchOne(t, 'w');
    expect(second.id).not.toBe(first.id);
    expect(second.attempt).toBe(2);
    expect((await report(second.id, 'complete', { workerId: 'w', outputs: { ok: true } })).status).toBe(200);
    const run = await api.waitState(runId, 'FINISHED');
    expect(findNode(run.nodes, 'work')?.retries).toBe(1);
  });

  it('delay releases the task and offers it again later without counting an attempt', async () => {
    const t = topic('postpone');
    const runId = await api.start(taskTree(t));
    const task = await fetchOne(t, 'w');
    const delayed = await report(task.id, 'delay', { workerId: 'w', seconds: 1 });
    expect(delayed.status).toBe(200);
    expect(delayed.body).toMatchObject({ state: 'available', workerId: null, attempt: 1 });
    expect(await fetchTasks(t, 'w2')).toEqual([]);
    const again = (await fetchTasks(t, 'w2', { waitSeconds: 10 }))[0];
    expect(again).toMatchObject({ id: task.id, attempt: 1 });
    expect((await report(task.id, 'complete', { workerId: 'w2' })).status).toBe(200);
    await api.waitState(runId, 'FINISHED');
  });

  it('cancels the task of a revoked run: a fetch skips it and its holder gets 409 TASK_CANCELLED', async () => {
    const t = topic('revoked');
    const runId = await api.start(taskTree(t));
    const task = await fetchOne(t, 'w');
    expect((await api.op(runId, 'revoke')).status).toBe(200);
    const late = await report(task.id, 'complete', { workerId: 'w' });
    expect(late.status).toBe(409);
    expect(late.body.code).toBe('TASK_CANCELLED');
    const listed = await target.http().get(`${API}/external-tasks`).query({ topic: t }).expect(200);
    expect(listed.body.items[0]).toMatchObject({ id: task.id, state: 'cancelled' });

    // Revoked before anyone took it: the listing shows it cancelled, a fetch finds nothing.
    const t2 = topic('revoked-open');
    const run2 = await api.start(taskTree(t2));
    await api.runningVersion(run2, 'work');
    await waitListed(t2, 'available');
    expect((await api.op(run2, 'revoke')).status).toBe(200);
    expect(await fetchTasks(t2, 'w')).toEqual([]);
    const open = await target.http().get(`${API}/external-tasks`).query({ topic: t2 }).expect(200);
    expect(open.body.items[0].state).toBe('cancelled');
  });

  async function waitListed(t: string, state: string): Promise<void> {
    for (let i = 0; i < 200; i++) {
      const res = await target.http().get(`${API}/external-tasks`).query({ topic: t, state }).expect(200);
      if (res.body.total > 0) return;
      await sleep(50);
    }
    throw new Error(`no ${state} task on ${t}`);
  }

  it("runs a DAG's works given by name as external tasks, with the run's variables as payload", async () => {
    const build = topic('build');
    const test = topic('test');
    const res = await target
      .http()
      .post(`${API}/runs`)
      .send({ format: 'dag', definition: { works: [build, test], dags: { [test]: { dependences: [build] } } }, inputs: { branch: 'main' } })
      .expect(201);
    const runId = res.body.id as string;
    const b = await fetchOne(build, 'w');
    expect(b.payload).toMatchObject({ branch: 'main' });
    expect((await report(b.id, 'complete', { workerId: 'w', outputs: { artifact: 'a.tgz' } })).status).toBe(200);
    const t = await fetchOne(test, 'w');
    expect((await report(t.id, 'complete', { workerId: 'w' })).status).toBe(200);
    await api.waitState(runId, 'FINISHED');
  });

  it('runs an orderlines task whose method is external_task', async () => {
    const t = topic('orderlines');
    const definition = {
      process_info: { process_id: 'p1', process_name: 'external' },
      process_node: [
        { task_id: 1, task_name: 'start', method_name: 'start', task_type: 'start', next_id: 2 },
        { task_id: 2, task_name: 'call', method_name: 'external_task', task_type: 'common', method_kwargs: { topic: t, payload: { n: 1 } }, next_id: 3 },
        { task_id: 3, task_name: 'end', method_name: 'end', task_type: 'end' },
      ],
    };
    const res = await target.http().post(`${API}/runs`).send({ format: 'orderlines', definition }).expect(201);
    const task = await fetchOne(t, 'w');
    expect(task).toMatchObject({ nodeId: '2', payload: { n: 1 } });
    expect((await report(task.id, 'complete', { workerId: 'w', outputs: { n: 2 } })).status).toBe(200);
    await api.waitState(res.body.id as string, 'FINISHED');
  });

  it('gives 20 runs to four concurrent workers (the TypeScript client) through every api process, each task completed exactly once', async () => {
    const t = topic('fanout');
    const runIds: string[] = [];
    for (let i = 0; i < 20; i++) runIds.push(await api.start(taskTree(t, {}, { i })));
    const handledBy = new Map<string, string[]>();
    const quiet = { info: () => undefined, warn: () => undefined, error: (m: string) => console.error(m) };
    const workers = [0, 1, 2, 3].map((n) => {
      const client = new ExternalTaskClient(new PipelineClient({ baseUrl: target.apis()[n % target.apis().length] }));
      return new ExternalTaskWorker(client, {
        workerId: `worker-${n}`,
        concurrency: 2,
        waitSeconds: 5,
        logger: quiet,
        topics: {
          [t]: {
            lockSeconds: 30,
            handler: async (task) => {
              handledBy.set(task.id, [...(handledBy.get(task.id) ?? []), `worker-${n}`]);
              return { by: `worker-${n}`, i: (task.payload as { i: number }).i };
            },
          },
        },
      });
    });
    for (const w of workers) w.start();
    try {
      for (const runId of runIds) await api.waitState(runId, 'FINISHED', 30_000);
    } finally {
      await Promise.all(workers.map((w) => w.stop()));
    }
    // Every task handled by exactly one worker, once; each node finished with its worker's outputs.
    expect(handledBy.size).toBe(20);
    expect([...handledBy.values()].filter((by) => by.length !== 1)).toEqual([]);
    expect(new Set([...handledBy.values()].flat()).size).toBeGreaterThan(1);
    const listed = await target.http().get(`${API}/external-tasks`).query({ topic: t, state: 'completed', pageSize: 100 }).expect(200);
    expect(listed.body.total).toBe(20);
    const outputs = (await api.node(runIds[7], 'work')).outputs!;
    expect(outputs).toMatchObject({ i: 7, by: expect.stringMatching(/^worker-\d$/) });
  });

  it('refuses bad requests with 400 and details', async () => {
    const fetch = (body: unknown) => target.http().post(`${API}/external-tasks/fetch-and-lock`).send(body as object);
    expect((await fetch({ topics: [{ topic: 'x', lockSeconds: 10 }] })).status).toBe(400);
    expect((await fetch({ workerId: 'w', topics: [] })).status).toBe(400);
    expect((await fetch({ workerId: 'w', topics: [{ topic: 'x', lockSeconds: 0 }] })).status).toBe(400);
    expect((await fetch({ workerId: 'w', topics: [{ topic: 'x', lockSeconds: 10 }], maxTasks: 0 })).status).toBe(400);
    const noError = await report('00000000-0000-0000-0000-000000000000', 'fail', { workerId: 'w' });
    expect(noError.status).toBe(400);
    expect(noError.body.details?.[0]?.path).toBe('error');
    const badState = await target.http().get(`${API}/external-tasks`).query({ state: 'bogus' });
    expect(badState.status).toBe(400);
  });
}
