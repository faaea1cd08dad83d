import { type EmbeddedApp, startEmbeddedApp } from './utils/embedded-app';
import { API, runApi, sleep } from './utils/run-api';
import { chainTree, plain } from './utils/run-trees';
import { WebhookReceiver } from './utils/webhook-receiver';

jest.setTimeout(30_000);

/** A metric's value in Prometheus text (the first sample matching `labels`), or undefined. */
function sample(text: string, name: string, labels: Record<string, string> = {}): number | undefined {
  for (const line of text.split('\n')) {
    if (!line.startsWith(name)) continue;
    const m = /^([a-z_:]+)(\{([^}]*)\})? ([0-9.eE+-]+|NaN)$/.exec(line);
    if (!m || m[1] !== name) continue;
    const got = Object.fromEntries([...(m[3] ?? '').matchAll(/(\w+)="([^"]*)"/g)].map((x) => [x[1], x[2]]));
    if (Object.entries(labels).every(([k, v]) => got[k] === v)) return Number(m[4]);
  }
  return undefined;
}

/** `GET /metrics` (DESIGN §10) of the embedded app: runs, nodes, queue, external tasks, process. */
describe('metrics (embedded)', () => {
  let app: EmbeddedApp;
  beforeAll(async () => {
    app = await startEmbeddedApp({ WEBHOOK_POLL_INTERVAL_MS: '50' });
  });
  afterAll(() => app?.close());

  it('counts runs, node executions by component, queue waits and shows the process', async () => {
    const api = runApi(() => app.http());
    const ok = await api.start(chainTree('m-ok', [{ id: 'a', code: 'echo', inputs: { x: plain(1) } }, { id: 'b', code: 'noop' }]));
    const bad = await api.start(chainTree('m-bad', [{ id: 'a', code: 'fail', inputs: { message: plain('no') } }]));
    await api.waitState(ok, 'FINISHED');
    await api.waitState(bad, 'FAILED');
    const waiting = await api.start(chainTree('m-wait', [{ id: 'w', code: 'wait_callback' }]));
    await api.runningVersion(waiting, 'w');

    const res = await app.http().get('/metrics').expect(200);
    expect(res.headers['content-type']).toMatch(/^text\/plain/);
    const text = res.text;
    expect(sample(text, 'pipeline_runs_started_total', { state: 'RUNNING' })).toBeGreaterThanOrEqual(3);
    expect(sample(text, 'pipeline_runs_ended_total', { state: 'FINISHED' })).toBeGreaterThanOrEqual(1);
    expect(sample(text, 'pipeline_runs_ended_total', { state: 'FAILED' })).toBeGreaterThanOrEqual(1);
    expect(sample(text, 'pipeline_runs', { state: 'RUNNING' })).toBeGreaterThanOrEqual(1);
    expect(sample(text, 'pipeline_node_executions_total', { component: 'echo', phase: 'execute', outcome: 'ok' })).toBeGreaterThanOrEqual(1);
    expect(sample(text, 'pipeline_node_executions_total', { component: 'fail', phase: 'execute', outcome: 'failed' })).toBeGreaterThanOrEqual(1);
    expect(sample(text, 'pipeline_node_execution_duration_seconds_count', { component: 'noop', phase: 'execute' })).toBeGreaterThanOrEqual(1);
    expect(sample(text, 'pipeline_job_queue_wait_seconds_count', { kind: 'advance' })).toBeGreaterThanOrEqual(1);
    expect(sample(text, 'pipeline_job_queue_depth')).toBeGreaterThanOrEqual(0);
    expect(sample(text, 'process_resident_memory_bytes')).toBeGreaterThan(0);
    expect(sample(text, 'nodejs_eventloop_lag_seconds')).toBeDefined();
  });

  it('counts external tasks locked, and those available or locked', async () => {
    const topic = `metrics-${Date.now()}`;
    const api = runApi(() => app.http());
    await api.start(chainTree('m-ext', [{ id: 'x', code: 'external_task', inputs: { topic: plain(topic) } }]));
    await api.start(chainTree('m-ext2', [{ id: 'x', code: 'external_task', inputs: { topic: plain(topic) } }]));
    const fetched = await app
      .http()
      .post(`${API}/external-tasks/fetch-and-lock`)
      .send({ workerId: 'm', topics: [{ topic, lockSeconds: 60 }], waitSeconds: 5 })
      .expect(200);
    expect(fetched.body).toHaveLength(1);
    const text = (await app.http().get('/metrics').expect(200)).text;
    expect(sample(text, 'pipeline_external_tasks_locked_total', { topic })).toBe(1);
    expect(sample(text, 'pipeline_external_tasks', { state: 'locked' })).toBeGreaterThanOrEqual(1);
  });

  it('times timer lateness (an activity timeout firing) and counts webhook deliveries', async () => {
    const api = runApi(() => app.http());
    const receiver = new WebhookReceiver('metrics-webhook-secret-1');
    await receiver.listen(0);
    try {
      await app.http().post(`${API}/webhooks`).send({ url: receiver.url, events: ['pipeline_finish'], secret: 'metrics-webhook-secret-1' }).expect(201);
      // A waiting node with a 0.3 s running timeout: the timeout fires (late by some ms) and fails it.
      const timed = await api.start(chainTree('m-timeout', [{ id: 'w', code: 'wait_callback', extra: { timeout: { runningSeconds: 0.3 } } }]));
      await api.waitState(timed, 'FAILED');
      const done = await api.start(chainTree('m-hook', [{ id: 'a', code: 'noop' }]));
      await api.waitState(done, 'FINISHED');
      let text = '';
      for (let i = 0; i < 200; i++) {
        text = (await app.http().get('/metrics').expect(200)).text;
        if ((sample(text, 'pipeline_webhook_deliveries_total', { outcome: 'delivered' }) ?? 0) >= 1) break;
        await sleep(50);
      }
      expect(sample(text, 'pipeline_webhook_deliveries_total', { outcome: 'delivered' })).toBeGreaterThanOrEqual(1);
      expect(sample(text, 'pipeline_timer_lateness_seconds_count', { kind: 'activity-timeouts' })).toBeGreaterThanOrEqual(1);
    } finally {
      await receiver.close();
    }
  });

  it('needs a bearer token when API_TOKENS is set', async () => {
    const locked = await startEmbeddedApp({ API_TOKENS: 'metrics-token-1' });
    try {
      await locked.http().get('/metrics').expect(401);
      await locked.http().get('/metrics').set('Authorization', 'Bearer metrics-token-1').expect(200);
    } finally {
      await locked.close();
    }
  });
});
