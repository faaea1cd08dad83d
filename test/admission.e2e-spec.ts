import { randomBytes } from 'node:crypto';
import Redis from 'ioredis';
import request from 'supertest';
import { Cluster } from './utils/cluster';
import { startEmbeddedApp, type EmbeddedApp } from './utils/embedded-app';
import { API, findNode, runApi, sleep, type Http, type RunBody } from './utils/run-api';
import { chainTree, plain, type StepSpec } from './utils/run-trees';
import { createScratchDatabase, deleteRedisKeys, describeWithMysql, describeWithRedis, type ScratchDatabase } from './utils/services';

/**
 * DESIGN §8.4 end to end: `maxConcurrentRuns` with `queueMode` (runs beyond the cap are
 * PENDING and admitted as slots free, oldest or newest first; paused and FAILED runs keep
 * their slot; a raised cap admits at once; a revoked PENDING run ends unrun; the run timeout
 * counts from admission), `uniqueBusinessKey`, and the cap held across two api processes.
 */
jest.setTimeout(180_000);

const waitStep = (id: string): StepSpec => ({ id, code: 'wait_callback' });
const tag = () => randomBytes(3).toString('hex');

function client(http: () => Http) {
  const api = () => runApi(http());
  const req = () => http()();
  return {
    api,
    async pipeline(body: Record<string, unknown>): Promise<string> {
      const res = await req().post(`${API}/pipelines`).send({ name: `adm-${tag()}`, ...body });
      if (res.status !== 201) throw new Error(`create pipeline: ${res.status} ${JSON.stringify(res.body)}`);
      return res.body.id as string;
    },
    start(pipelineId: string, body: Record<string, unknown> = {}) {
      return req().post(`${API}/pipelines/${pipelineId}/runs`).send(body);
    },
    async startOk(pipelineId: string, body: Record<string, unknown> = {}): Promise<{ id: string; state: string }> {
      const res = await req().post(`${API}/pipelines/${pipelineId}/runs`).send(body);
      if (res.status !== 201) throw new Error(`start: ${res.status} ${JSON.stringify(res.body)}`);
      return res.body as { id: string; state: string };
    },
    patch(pipelineId: string, body: Record<string, unknown>) {
      return req().patch(`${API}/pipelines/${pipelineId}`).send(body);
    },
    async states(ids: string[]): Promise<string[]> {
      return Promise.all(ids.map(async (id) => (await api().get(id)).state));
    },
    /** Finishes a run waiting at its `wait_callback` node `a`. */
    async finish(runId: string): Promise<void> {
      const version = await api().runningVersion(runId, 'a');
      const res = await api().op(runId, 'nodes/a/callback', { version, data: {} });
      if (res.status !== 200) throw new Error(`callback: ${res.status} ${JSON.stringify(res.body)}`);
      await api().waitState(runId, 'FINISHED');
    },
  };
}

describe('admission and business keys (embedded mode)', () => {
  let app: EmbeddedApp;
  const c = client(() => () => app.http());
  const api = () => c.api();

  beforeAll(async () => {
    app = await startEmbeddedApp();
  });
  afterAll(async () => app?.close());

  it('cap 2 fifo: 5 runs give 2 RUNNING and 3 PENDING (201, not dispatched); finishing one admits the oldest', async () => {
    const pid = await c.pipeline({ definition: chainTree('adm-fifo', [waitStep('a')]), maxConcurrentRuns: 2, queueMode: 'fifo' });
    const runs: { id: string; state: string }[] = [];
    for (let i = 0; i < 5; i++) runs.push(await c.startOk(pid));
    expect(runs.map((r) => r.state)).toEqual(['RUNNING', 'RUNNING', 'PENDING', 'PENDING', 'PENDING']);
    const ids = runs.map((r) => r.id);
    await api().waitNode(ids[0], 'a', 'RUNNING');
    await api().waitNode(ids[1], 'a', 'RUNNING');
    const pending = await api().get(ids[2]);
    expect(pending).toMatchObject({ state: 'PENDING', startedAt: null, nodes: {} });
    const list = await app.http().get(`${API}/runs?pipelineId=${pid}&state=PENDING`);
    expect(list.body.total).toBe(3);

    await c.finish(ids[0]);
    await api().waitNode(ids[2], 'a', 'RUNNING');
    expect(await c.states(ids)).toEqual(['FINISHED', 'RUNNING', 'RUNNING', 'PENDING', 'PENDING']);
    // Its log: created, then admitted, then its nodes (seq without gaps).
    const events = await api().events(ids[2]);
    expect(events.slice(0, 3).map((e) => e.eventType)).toEqual(['pre_prepare_run_pipeline', 'post_prepare_run_pipeline', 'pipeline_admitted']);
    expect(events.map((e) => e.seq)).toEqual(events.map((_, i) => i + 1));
    // And on: every run gets its turn, in order.
    await c.finish(ids[1]);
    await api().waitNode(ids[3], 'a', 'RUNNING');
    expect(await c.states(ids.slice(4))).toEqual(['PENDING']);
    for (const id of ids.slice(2)) await c.finish(id);
  });

  it('lifo admits the newest PENDING run first', async () => {
    const pid = await c.pipeline({ definition: chainTree('adm-lifo', [waitStep('a')]), maxConcurrentRuns: 1, queueMode: 'lifo' });
    const ids: string[] = [];
    for (let i = 0; i < 4; i++) ids.push((await c.startOk(pid)).id);
    await c.finish(ids[0]);
    await api().waitNode(ids[3], 'a', 'RUNNING');
    expect(await c.states(ids)).toEqual(['FINISHED', 'PENDING', 'PENDING', 'RUNNING']);
    await c.finish(ids[3]);
    await api().waitNode(ids[2], 'a', 'RUNNING');
    expect(await c.states(ids.slice(1, 2))).toEqual(['PENDING']);
  });

  it('a paused run keeps its slot; revoking it admits the next', async () => {
    const pid = await c.pipeline({ definition: chainTree('adm-pause', [waitStep('a')]), maxConcurrentRuns: 1 });
    const first = (await c.startOk(pid)).id;
    const second = await c.startOk(pid);
    expect(second.state).toBe('PENDING');
    await api().waitNode(first, 'a', 'RUNNING');
    expect((await api().op(first, 'pause')).status).toBe(200);
    await api().waitState(first, 'SUSPENDED');
    await sleep(300);
    expect((await api().get(second.id)).state).toBe('PENDING');
    // A PENDING run cannot be paused: only revoked.
    expect((await api().op(second.id, 'pause')).status).toBe(409);
    expect((await api().op(first, 'revoke')).status).toBe(200);
    await api().waitNode(second.id, 'a', 'RUNNING');
  });

  it('a FAILED run keeps its slot (it waits for an operator)', async () => {
    const pid = await c.pipeline({
      definition: chainTree('adm-failed', [{ id: 'a', code: 'fail', inputs: { message: plain('boom') } }]),
      maxConcurrentRuns: 1,
    });
    const first = (await c.startOk(pid)).id;
    const second = (await c.startOk(pid)).id;
    await api().waitState(first, 'FAILED');
    await sleep(300);
    expect((await api().get(second)).state).toBe('PENDING');
    // Skipping the failed node lets the first run finish, which admits the second.
    expect((await api().op(first, 'nodes/a/skip')).status).toBe(200);
    await api().waitState(first, 'FINISHED');
    await api().waitState(second, 'FAILED');
  });

  it('raising the cap admits at once, as many as fit; removing it admits the rest', async () => {
    const pid = await c.pipeline({ definition: chainTree('adm-raise', [waitStep('a')]), maxConcurrentRuns: 1 });
    const ids: string[] = [];
    for (let i = 0; i < 5; i++) ids.push((await c.startOk(pid)).id);
    const raised = await c.patch(pid, { maxConcurrentRuns: 3 });
    expect(raised.status).toBe(200);
    expect(raised.body).toMatchObject({ maxConcurrentRuns: 3 });
    // Admitted in the PATCH's transaction: RUNNING as soon as it answers.
    expect(await c.states(ids)).toEqual(['RUNNING', 'RUNNING', 'RUNNING', 'PENDING', 'PENDING']);
    for (const id of ids.slice(0, 3)) await api().waitNode(id, 'a', 'RUNNING');
    expect((await c.patch(pid, { maxConcurrentRuns: null })).status).toBe(200);
    expect(await c.states(ids)).toEqual(['RUNNING', 'RUNNING', 'RUNNING', 'RUNNING', 'RUNNING']);
    for (const id of ids) await c.finish(id);
  });

  it('revoking a PENDING run ends it unrun (REVOKED, no node ran, no slot taken)', async () => {
    const pid = await c.pipeline({ definition: chainTree('adm-revoke', [waitStep('a')]), maxConcurrentRuns: 1 });
    const first = (await c.startOk(pid)).id;
    const second = (await c.startOk(pid)).id;
    const third = (await c.startOk(pid)).id;
    expect((await api().op(second, 'revoke')).status).toBe(200);
    const revoked = await api().get(second);
    expect(revoked).toMatchObject({ state: 'REVOKED', startedAt: null, nodes: {} });
    expect((await api().get(first)).state).toBe('RUNNING');
    expect((await api().get(third)).state).toBe('PENDING');
    await c.finish(first);
    await api().waitNode(third, 'a', 'RUNNING');
    expect((await api().get(second)).state).toBe('REVOKED');
  });

  it('a switched-off definition still admits its PENDING runs (and refuses new ones)', async () => {
    const pid = await c.pipeline({ definition: chainTree('adm-off', [waitStep('a')]), maxConcurrentRuns: 1 });
    const first = (await c.startOk(pid)).id;
    const second = (await c.startOk(pid)).id;
    expect((await c.patch(pid, { enabled: false })).status).toBe(200);
    expect((await c.start(pid)).status).toBe(409);
    await c.finish(first);
    await api().waitNode(second, 'a', 'RUNNING');
  });

  it('the run timeout counts from admission, and a run timing out admits the next', async () => {
    const pid = await c.pipeline({ definition: chainTree('adm-timeout', [waitStep('a')]), maxConcurrentRuns: 1, timeoutSeconds: 1 });
    const first = (await c.startOk(pid)).id;
    const second = await c.startOk(pid);
    expect(second).toMatchObject({ state: 'PENDING', deadlineAt: null, timeoutSeconds: 1 });
    const timedOut = await api().waitState(first, 'REVOKED', 20_000);
    expect(timedOut).toMatchObject({ reason: 'timeout' });
    const admitted = (await api().waitNode(second.id, 'a', 'RUNNING', 20_000)) as RunBody & { startedAt: string; deadlineAt: string; createdAt: string };
    const startedAt = Date.parse(admitted.startedAt);
    expect(startedAt - Date.parse(admitted.createdAt)).toBeGreaterThanOrEqual(900);
    expect(Date.parse(admitted.deadlineAt) - startedAt).toBe(1000);
    // It times out a second after its admission, not its creation.
    await api().waitState(second.id, 'REVOKED', 20_000);
  });

  it('uniqueBusinessKey: a second run with a live key is a 409 naming the existing run; a finished key is free again', async () => {
    const created = await app.http().post(`${API}/pipelines`).send({ name: `adm-bk-${tag()}`, definition: chainTree('adm-bk', [waitStep('a')]), uniqueBusinessKey: true });
    expect(created.status).toBe(201);
    expect(created.body.uniqueBusinessKey).toBe(true);
    const pid = created.body.id as string;
    const first = (await c.startOk(pid, { businessKey: 'order-42' })).id;
    const dup = await c.start(pid, { businessKey: 'order-42' });
    expect(dup.status).toBe(409);
    expect(dup.body).toMatchObject({ code: 'DUPLICATE_BUSINESS_KEY', existingRunId: first });
    expect(dup.body.message).toContain(first);
    expect((await c.start(pid, { businessKey: 'order-43' })).status).toBe(201);
    const byKey = await app.http().get(`${API}/runs?businessKey=order-42`);
    expect(byKey.body.items.map((r: { id: string }) => r.id)).toEqual([first]);
    await c.finish(first);
    expect((await c.start(pid, { businessKey: 'order-42' })).status).toBe(201);
    // PATCH switches it off: the same key is accepted while a run with it is live.
    const patched = await c.patch(pid, { uniqueBusinessKey: false });
    expect(patched.body.uniqueBusinessKey).toBe(false);
    expect((await c.start(pid, { businessKey: 'order-42' })).status).toBe(201);
  });

  it('a DAG run finishing admits the next PENDING run of its definition', async () => {
    const definition = {
      works: [{ name: 'a', component: { code: 'wait_callback', inputs: {} } }, { name: 'b', component: { code: 'noop', inputs: {} } }],
      dags: { b: { dependences: ['a'] } },
    };
    const pid = await c.pipeline({ format: 'dag', definition, maxConcurrentRuns: 1 });
    const first = (await c.startOk(pid)).id;
    const second = await c.startOk(pid);
    expect(second.state).toBe('PENDING');
    await c.finish(first);
    await api().waitNode(second.id, 'a', 'RUNNING');
    await c.finish(second.id);
  });

  it('definitions show uniqueBusinessKey (default false)', async () => {
    const pid = await c.pipeline({ definition: chainTree('adm-view', [waitStep('a')]) });
    const got = await app.http().get(`${API}/pipelines/${pid}`);
    expect(got.body).toMatchObject({ uniqueBusinessKey: false, maxConcurrentRuns: null, queueMode: 'fifo' });
  });
});

describeWithMysql('admission across processes (distributed: two apis, two workers)', (mysqlServerUrl) =>
  describeWithRedis('admission on Redis', (redisUrl) => {
    const prefix = `pipeline_t_admission_${tag()}`;
    let db: ScratchDatabase;
    let cluster: Cluster;
    let redis: Redis;

    beforeAll(async () => {
      db = await createScratchDatabase(mysqlServerUrl);
      redis = new Redis(redisUrl);
      cluster = await Cluster.start({
        mysqlUrl: db.url,
        redisUrl,
        workers: 2,
        env: { LOG_LEVEL: 'warn', PIPELINE_QUEUE_PREFIX: prefix },
      });
      // A second api process on its own port, over the same database and queue.
      await cluster.spawn('api', 'api-2');
    });

    afterAll(async () => {
      await cluster?.stop();
      if (redis) {
        await deleteRedisKeys(redis, prefix);
        redis.disconnect();
      }
      await db?.drop();
    });

    it('RACE: runs started through two api processes at once never exceed the cap, and all finish', async () => {
      const apis = [cluster.baseUrl, `http://127.0.0.1:${cluster.procs.get('api-2')!.port}`];
      const CAP = 3;
      const RUNS = 24;
      const created = await request(apis[0])
        .post(`${API}/pipelines`)
        .send({
          name: `adm-race-${tag()}`,
          definition: chainTree('adm-race', [{ id: 'a', code: 'sleep', inputs: { seconds: plain(0.2) } }, { id: 'b', code: 'noop' }]),
          maxConcurrentRuns: CAP,
        });
      expect(created.status).toBe(201);
      const pid = created.body.id as string;
      const running = async () =>
        (await request(apis[0]).get(`${API}/runs?pipelineId=${pid}&state=RUNNING&pageSize=1`)).body.total as number;

      let sampling = true;
      const samples: number[] = [];
      const sampler = (async () => {
        while (sampling) {
          samples.push(await running().catch(() => 0));
          await sleep(20);
        }
      })();
      const api = runApi(() => request(apis[0]));
      let ids: string[];
      try {
        const starts = await Promise.all(
          Array.from({ length: RUNS }, (_, i) => request(apis[i % 2]).post(`${API}/pipelines/${pid}/runs`).send({ businessKey: `race-${i}` })),
        );
        expect(starts.map((s) => s.status)).toEqual(Array(RUNS).fill(201));
        expect(starts.filter((s) => s.body.state === 'RUNNING').length).toBeLessThanOrEqual(CAP);
        ids = starts.map((s) => s.body.id as string);
        for (const id of ids) await api.waitState(id, 'FINISHED', 120_000);
      } finally {
        sampling = false;
        await sampler;
      }
      expect(samples.length).toBeGreaterThan(10);
      expect(Math.max(...samples)).toBeLessThanOrEqual(CAP);
      expect(Math.max(...samples)).toBeGreaterThan(0);
      // Every run ran once its turn came (none was left PENDING or ran without a start time).
      for (const id of ids) {
        const run = await api.get(id);
        expect(findNode(run.nodes, 'b')?.state).toBe('FINISHED');
      }
    });
  }),
);
