import { randomBytes } from 'node:crypto';
import Redis from 'ioredis';
import request from 'supertest';
import { Cluster } from './utils/cluster';
import { startEmbeddedApp, type EmbeddedApp } from './utils/embedded-app';
import { API, findNode, runApi, type Http } from './utils/run-api';
import { chainTree, plain, splice, type StepSpec } from './utils/run-trees';
import { createScratchDatabase, deleteRedisKeys, describeWithMysql, describeWithRedis, type ScratchDatabase } from './utils/services';

/**
 * DESIGN §8.3 end to end: retry policies, activity timeouts (queue / running), run timeouts
 * (`timeoutSeconds` on a definition or start call, revoking with `reason: "timeout"`), and
 * `GET /runs/:id/context`, in embedded mode and in the distributed deployment (where a queue
 * timeout fires with no worker alive). Timeouts are 1 s; nothing asserts on timing beyond
 * "it happened", with generous waits.
 */
jest.setTimeout(120_000);

const SCAN = { PIPELINE_NODE_TIMER_EVENT_POOL_SCAN_INTERVAL: '0.1' };

/** A `sleep` of 30 s (a delayed job, no worker held) with `extra` keys (retry, timeout...). */
const longSleep = (id: string, extra: Record<string, unknown>): StepSpec => ({ id, code: 'sleep', inputs: { seconds: plain(30) }, extra });
const waitStep = (id: string, extra: Record<string, unknown> = {}): StepSpec => ({ id, code: 'wait_callback', extra });
const failStep = (id: string, extra: Record<string, unknown> = {}): StepSpec => ({ id, code: 'fail', inputs: { message: plain(`${id} failed`) }, extra });

/** The checks both modes share. */
function sharedCases(http: () => Http) {
  const api = () => runApi(http());
  const post = (path: string, body: object) => http()().post(`${API}${path}`).send(body);

  it('running timeout: the node is retried under its retry policy, then fails naming the timeout', async () => {
    const runId = await api().start(
      chainTree('t-running', [longSleep('a', { timeout: { runningSeconds: 1 }, retry: { max: 2, delaySeconds: 0 } }), { id: 'b', code: 'noop' }]),
    );
    const run = await api().waitState(runId, 'FAILED', 30_000);
    expect(findNode(run.nodes, 'b')).toBeUndefined();
    const a = await api().node(runId, 'a');
    expect(a).toMatchObject({ state: 'FAILED', retries: 2, version: 3, exData: 'running timeout: not done within 1 s' });
    // Three attempts: two auto_retry history rows, each a timed-out attempt.
    const retries = a.histories.filter((h) => h.kind === 'auto_retry');
    expect(retries.map((h) => [h.version, h.exData])).toEqual([
      [1, 'running timeout: not done within 1 s'],
      [2, 'running timeout: not done within 1 s'],
    ]);
    const events = (await api().events(runId)).filter((e) => e.nodeId === 'a');
    expect(events.filter((e) => e.eventType === 'node_timeout').map((e) => e.data.timeout)).toEqual(['running', 'running', 'running']);
    expect(events.filter((e) => e.eventType === 'node_execute_fail').map((e) => e.data.retrying ?? false)).toEqual([true, true, false]);
  });

  it('retry policy: fail with max 2 runs three attempts, each a history row, then fails for good', async () => {
    const runId = await api().start(
      chainTree('t-retry', [failStep('a', { retry: { max: 2, delaySeconds: 0.1, backoff: 'exponential', maxDelaySeconds: 0.2 } })]),
    );
    await api().waitState(runId, 'FAILED', 20_000);
    const a = await api().node(runId, 'a');
    expect(a).toMatchObject({ state: 'FAILED', retries: 2, exData: 'a failed' });
    expect(a.histories.filter((h) => h.kind === 'auto_retry')).toHaveLength(2);
  });

  it('refuses bad retry policies and timeouts with INVALID_SCHEMA details', async () => {
    const res = await post('/runs', {
      definition: chainTree('t-bad', [
        { id: 'a', code: 'noop', extra: { retry: { max: 1, backoff: 'linear', maxDelaySeconds: -1 }, timeout: { queueSeconds: 0, runningSeconds: 'x' } } },
      ]),
    });
    expect(res.status).toBe(400);
    const paths = (res.body.details as { code: string; path: string }[]).map((d) => [d.code, d.path]);
    expect(paths).toEqual(
      expect.arrayContaining([
        ['INVALID_SCHEMA', 'activities.a.retry.backoff'],
        ['INVALID_SCHEMA', 'activities.a.retry.maxDelaySeconds'],
        ['INVALID_SCHEMA', 'activities.a.timeout.queueSeconds'],
        ['INVALID_SCHEMA', 'activities.a.timeout.runningSeconds'],
      ]),
    );
  });

  it("run timeout from the definition: the run is revoked with reason timeout, its running node revoked, events logged", async () => {
    const created = await post('/pipelines', { name: `timeout-${randomBytes(3).toString('hex')}`, definition: chainTree('t-run', [waitStep('a')]), timeoutSeconds: 1 });
    expect(created.status).toBe(201);
    expect(created.body.timeoutSeconds).toBe(1);
    const started = await post(`/pipelines/${created.body.id}/runs`, {});
    expect(started.status).toBe(201);
    expect(started.body).toMatchObject({ timeoutSeconds: 1, reason: null, deadlineAt: expect.any(String) });
    const runId = started.body.id as string;
    const run = await api().waitState(runId, 'REVOKED', 30_000);
    expect(run).toMatchObject({ reason: 'timeout' });
    expect(findNode(run.nodes, 'a')?.state).toBe('REVOKED');
    const types = (await api().events(runId)).map((e) => e.eventType);
    const at = types.indexOf('pipeline_timeout');
    expect(at).toBeGreaterThan(-1);
    expect(types.slice(at)).toEqual(['pipeline_timeout', 'pre_revoke_pipeline', 'post_revoke_pipeline']);
    // Run lists answer the reason too.
    const list = await http()().get(`${API}/runs?pipelineId=${created.body.id}`);
    expect(list.body.items.find((r: { id: string }) => r.id === runId)).toMatchObject({ reason: 'timeout', timeoutSeconds: 1 });
  });

  it("run timeout: the start call's wins over the definition's; PATCH changes the definition's; a manual revoke has no reason", async () => {
    const created = await post('/pipelines', { name: `long-${randomBytes(3).toString('hex')}`, definition: chainTree('t-run2', [waitStep('a')]), timeoutSeconds: 3600 });
    const pid = created.body.id as string;
    const quick = await post(`/pipelines/${pid}/runs`, { timeoutSeconds: 1 });
    expect(quick.body.timeoutSeconds).toBe(1);
    const slow = await post(`/pipelines/${pid}/runs`, {});
    expect(slow.body.timeoutSeconds).toBe(3600);
    await api().waitState(quick.body.id, 'REVOKED', 30_000);
    expect((await api().get(slow.body.id)).state).toBe('RUNNING');
    const revoked = await api().op(slow.body.id, 'revoke');
    expect(revoked.status).toBe(200);
    expect(await api().get(slow.body.id)).toMatchObject({ state: 'REVOKED', reason: null });

    const patched = await http()().patch(`${API}/pipelines/${pid}`).send({ timeoutSeconds: null });
    expect(patched.body.timeoutSeconds).toBeNull();
    const none = await post(`/pipelines/${pid}/runs`, {});
    expect(none.body).toMatchObject({ timeoutSeconds: null, deadlineAt: null });
    expect((await http()().patch(`${API}/pipelines/${pid}`).send({ timeoutSeconds: 0 })).status).toBe(400);
    expect((await post(`/pipelines/${pid}/runs`, { timeoutSeconds: 1.5 })).status).toBe(400);
    await api().op(none.body.id, 'revoke');
  });

  it('an inline run takes timeoutSeconds too', async () => {
    const res = await post('/runs', { definition: chainTree('t-inline', [waitStep('a')]), timeoutSeconds: 1 });
    expect(res.status).toBe(201);
    const run = await api().waitState(res.body.id, 'REVOKED', 30_000);
    expect(run).toMatchObject({ reason: 'timeout' });
  });

  it("GET /runs/:id/context answers the root variables by name; PATCH shows through; unknown run 404", async () => {
    const tree = chainTree('t-ctx', [{ id: 'greet', code: 'echo', inputs: { text: splice('hello ${who}') } }, waitStep('hold')], {
      inputs: {
        '${who}': plain('world'),
        '${count}': plain(1),
        '${twice}': splice('${count * 2}'),
        '${greeting}': { type: 'splice', value: null, source_act: 'greet', source_key: 'text' },
      },
      outputs: ['${greeting}'],
    });
    const res = await post('/runs', { definition: tree, inputs: { who: 'bamboo', count: 21 } });
    const runId = res.body.id as string;
    await api().waitNode(runId, 'hold', 'RUNNING');
    const ctx = await http()().get(`${API}/runs/${runId}/context`);
    expect(ctx.status).toBe(200);
    expect(ctx.body).toEqual({ who: 'bamboo', count: 21, twice: 42, greeting: 'hello bamboo' });
    expect((await http()().patch(`${API}/runs/${runId}/context`).send({ values: { count: 5, extra: true } })).status).toBe(200);
    expect((await http()().get(`${API}/runs/${runId}/context`)).body).toMatchObject({ count: 5, twice: 10, extra: true });
    expect((await http()().get(`${API}/runs/00000000-0000-4000-8000-000000000000/context`)).status).toBe(404);
    await api().op(runId, 'revoke');
  });
}

describe('timeouts and retry policies (embedded mode)', () => {
  let app: EmbeddedApp;
  beforeAll(async () => {
    app = await startEmbeddedApp(SCAN);
  });
  afterAll(async () => {
    await app?.close();
  });

  sharedCases(() => () => app.http());

  it('a run timeout survives a restart: the deadline is in the database and the timers rebuild from it', async () => {
    const first = await startEmbeddedApp(SCAN, { keepDatabase: true });
    let runId: string;
    try {
      const res = await first.http().post(`${API}/runs`).send({ definition: chainTree('t-restart', [waitStep('a')]), timeoutSeconds: 2 });
      runId = res.body.id as string;
      await runApi(() => first.http()).waitNode(runId, 'a', 'RUNNING');
    } finally {
      await first.close();
    }
    const second = await startEmbeddedApp(SCAN, { databaseFile: first.databaseFile });
    try {
      const run = await runApi(() => second.http()).waitState(runId, 'REVOKED', 30_000);
      expect(run).toMatchObject({ reason: 'timeout' });
    } finally {
      await second.close();
    }
  });
});

describeWithMysql('timeouts (distributed: api + scanner, workers come and go)', (mysqlServerUrl) =>
  describeWithRedis('timeouts on Redis', (redisUrl) => {
    const prefix = `pipeline_t_timeouts_${randomBytes(4).toString('hex')}`;
    let db: ScratchDatabase;
    let cluster: Cluster;
    let redis: Redis;
    const http = () => request(cluster.baseUrl);
    const api = runApi(() => http());

    beforeAll(async () => {
      db = await createScratchDatabase(mysqlServerUrl);
      redis = new Redis(redisUrl);
      cluster = await Cluster.start({
        mysqlUrl: db.url,
        redisUrl,
        workers: 1,
        env: { LOG_LEVEL: 'log', PIPELINE_QUEUE_PREFIX: prefix, ...SCAN },
        roleEnv: { scanner: { RECONCILE_INTERVAL_MS: '500', RECONCILE_GRACE_MS: '2000' } },
      });
    });

    afterAll(async () => {
      await cluster?.stop();
      if (redis) {
        await deleteRedisKeys(redis, prefix);
        redis.disconnect();
      }
      await db?.drop();
    });

    it('a queue timeout fires with no worker alive: the scanner fails the node nobody started', async () => {
      // Entering a node takes a worker: run to a failure first, then retry it with no worker left.
      const runId = await api.start(chainTree('d-queue', [failStep('a', { timeout: { queueSeconds: 1 } })]));
      await api.waitState(runId, 'FAILED', 30_000);
      expect((await api.node(runId, 'a')).exData).toBe('a failed');
      await cluster.kill('worker-1', 'SIGTERM');
      const retried = await api.op(runId, 'nodes/a/retry', {});
      expect(retried.status).toBe(200);
      await api.waitFor(runId, (r) => r.state === 'FAILED' && findNode(r.nodes, 'a')?.version === 2, 'the retried node failed', 30_000);
      const a = await api.node(runId, 'a');
      expect(a).toMatchObject({ state: 'FAILED', version: 2, exData: 'queue timeout: not started within 1 s' });
      const timeouts = (await api.events(runId)).filter((e) => e.eventType === 'node_timeout');
      expect(timeouts.map((e) => [e.data.timeout, e.data.version])).toEqual([['queue', 2]]);
      // Workers back for the rest of the suite; the stale execute job they find is dropped.
      await cluster.spawn('worker', 'worker-1');
    });

    sharedCases(() => http);
  }),
);
