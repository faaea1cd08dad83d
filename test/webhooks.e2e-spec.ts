import { Injectable } from '@nestjs/common';
import { getDataSourceToken } from '@nestjs/typeorm';
import type { DataSource } from 'typeorm';
import { type ComponentData, PipelineComponent, Service } from '@app/pipeline';
import { startEmbeddedApp, type EmbeddedApp } from './utils/embedded-app';
import { API, runApi, sleep } from './utils/run-api';
import { chainTree, plain } from './utils/run-trees';
import { WebhookReceiver } from './utils/webhook-receiver';

/**
 * DESIGN §8.6 end to end (embedded app, real `node:http` receivers): webhooks get every
 * matching event of the run event log, signed, with a delivery id stable across retries;
 * failing or unreachable receivers are retried (backoff base 20 ms here); DELETE stops the
 * retries; failure callbacks (webhook and component) are called once per node that fails for
 * good; bad inputs are refused.
 */

const SECRET = 'a-very-secret-key-0123456789';
const FAILURE_SECRET = 'another-secret-for-failures';

/** Failure callback component: throws on its first call, records every call. */
const componentCalls: Record<string, unknown>[] = [];

@Injectable()
@PipelineComponent({ code: 'record_failure', name: 'record failure (test)' })
class RecordFailureComponent extends Service {
  execute(data: ComponentData): boolean {
    componentCalls.push({ ...data.inputs });
    if (componentCalls.length === 1) throw new Error('alerting backend down');
    return true;
  }
}

async function waitFor<T>(what: string, probe: () => Promise<T | undefined | null | false> | T | undefined | null | false, timeoutMs = 20_000): Promise<T> {
  const until = Date.now() + timeoutMs;
  for (;;) {
    const value = await probe();
    if (value) return value;
    if (Date.now() > until) throw new Error(`timed out waiting for ${what}`);
    await sleep(25);
  }
}

jest.setTimeout(60_000);

describe('webhooks and failure callbacks (DESIGN §8.6, embedded app)', () => {
  let app: EmbeddedApp;
  let runs: ReturnType<typeof runApi>;
  const receivers: WebhookReceiver[] = [];

  async function receiver(secret: string | null = SECRET): Promise<WebhookReceiver> {
    const r = new WebhookReceiver(secret);
    await r.listen(0);
    receivers.push(r);
    return r;
  }

  async function createPipeline(name: string, definition: unknown, extra: Record<string, unknown> = {}): Promise<string> {
    const res = await app.http().post(`${API}/pipelines`).send({ name, definition, ...extra });
    if (res.status !== 201) throw new Error(`create pipeline: ${res.status} ${JSON.stringify(res.body)}`);
    return res.body.id as string;
  }

  async function startRun(pipelineId: string): Promise<string> {
    const res = await app.http().post(`${API}/pipelines/${pipelineId}/runs`).send({});
    if (res.status !== 201) throw new Error(`start: ${res.status} ${JSON.stringify(res.body)}`);
    return res.body.id as string;
  }

  async function createWebhook(body: Record<string, unknown>): Promise<string> {
    const res = await app.http().post(`${API}/webhooks`).send({ secret: SECRET, ...body });
    if (res.status !== 201) throw new Error(`create webhook: ${res.status} ${JSON.stringify(res.body)}`);
    return res.body.id as string;
  }

  async function attempts(webhookId: string): Promise<Array<Record<string, unknown>>> {
    const res = await app.http().get(`${API}/webhooks/${webhookId}/deliveries`).query({ pageSize: 100 }).expect(200);
    return res.body.items;
  }

  beforeAll(async () => {
    app = await startEmbeddedApp(
      { WEBHOOK_POLL_INTERVAL_MS: '50', WEBHOOK_RETRY_BASE_MS: '20', WEBHOOK_TIMEOUT_MS: '2000' },
      { providers: [RecordFailureComponent] },
    );
    runs = runApi(() => app.http());
  });
  afterAll(async () => {
    await app?.close();
    for (const r of receivers) await r.close();
  });

  describe('REST', () => {
    it('refuses bad inputs with 400 and an unknown pipeline with 404; never returns the secret', async () => {
      const bad = [
        { url: 'ftp://example.com/x', events: ['*'], secret: SECRET },
        { url: 'not a url', events: ['*'], secret: SECRET },
        { url: 'https://example.com/x', events: ['*'] },
        { url: 'https://example.com/x', events: ['*'], secret: 'short' },
        { url: 'https://example.com/x', events: [], secret: SECRET },
        { url: 'https://example.com/x', events: [''], secret: SECRET },
        { url: 'https://example.com/x', events: ['a*b'], secret: SECRET },
      ];
      for (const body of bad) {
        const res = await app.http().post(`${API}/webhooks`).send(body);
        expect({ body, status: res.status }).toEqual({ body, status: 400 });
      }
      await app.http().post(`${API}/webhooks`).send({ url: 'https://example.com/x', events: ['*'], secret: SECRET, pipelineId: 'nope' }).expect(404);

      const created = await app.http().post(`${API}/webhooks`).send({ url: 'https://example.com/x?token=1', events: ['node_*'], secret: SECRET }).expect(201);
      expect(created.body).toEqual({ id: expect.any(String), url: 'https://example.com/x?token=1', events: ['node_*'], pipelineId: null, createdAt: expect.any(String) });
      const got = await app.http().get(`${API}/webhooks/${created.body.id}`).expect(200);
      expect(got.body).toEqual(created.body);
      const list = await app.http().get(`${API}/webhooks`).expect(200);
      expect(list.body.items.map((w: { id: string }) => w.id)).toContain(created.body.id);
      expect(JSON.stringify(list.body)).not.toContain(SECRET);
      await app.http().delete(`${API}/webhooks/${created.body.id}`).expect(204);
      await app.http().get(`${API}/webhooks/${created.body.id}`).expect(404);
      await app.http().delete(`${API}/webhooks/${created.body.id}`).expect(404);
      await app.http().get(`${API}/webhooks/${created.body.id}/deliveries`).expect(404);
    });

    it('refuses a bad onFailure in a tree (INVALID_SCHEMA) and in a definition body (400); hides webhookSecret', async () => {
      const tree = chainTree('bad_on_failure', [{ id: 'a1', code: 'noop', extra: { on_failure: { webhook: 'ftp://x' } } }]);
      const res = await app.http().post(`${API}/pipelines`).send({ name: 'bad on_failure', definition: tree }).expect(400);
      expect(res.body.details).toEqual(
        expect.arrayContaining([expect.objectContaining({ code: 'INVALID_SCHEMA', nodeId: 'a1', path: 'activities.a1.on_failure' })]),
      );
      const both = chainTree('both_on_failure', [{ id: 'a1', code: 'noop', extra: { onFailure: { webhook: 'https://x.example', component: 'noop' } } }]);
      await app.http().post(`${API}/pipelines`).send({ name: 'both', definition: both }).expect(400);
      await app.http().post(`${API}/pipelines`).send({ name: 'bad def', definition: chainTree('ok1', [{ id: 'a1', code: 'noop' }]), onFailure: { webhook: 'ftp://x' } }).expect(400);
      await app.http().post(`${API}/pipelines`).send({ name: 'bad secret', definition: chainTree('ok2', [{ id: 'a1', code: 'noop' }]), webhookSecret: 'short' }).expect(400);
      const ok = await app
        .http()
        .post(`${API}/pipelines`)
        .send({ name: 'good def', definition: chainTree('ok3', [{ id: 'a1', code: 'noop' }]), onFailure: { component: 'record_failure' }, webhookSecret: FAILURE_SECRET })
        .expect(201);
      expect(ok.body).toMatchObject({ onFailure: { component: 'record_failure' }, webhookSecretSet: true });
      expect(JSON.stringify(ok.body)).not.toContain(FAILURE_SECRET);
      const patched = await app.http().patch(`${API}/pipelines/${ok.body.id}`).send({ onFailure: null }).expect(200);
      expect(patched.body).toMatchObject({ onFailure: null, webhookSecretSet: true });
    });
  });

  describe('delivery', () => {
    it("POSTs a run's matching events, signed, one delivery id per event, in log order", async () => {
      const rx = await receiver();
      const pipelineId = await createPipeline('Delivered', chainTree('delivered', [{ id: 'a1', code: 'noop' }, { id: 'a2', code: 'noop' }]));
      const all = await createWebhook({ url: `${rx.url}/all`, events: ['*'], pipelineId });
      await createWebhook({ url: `${rx.url}/nodes`, events: ['node_*', 'pipeline_finish'], pipelineId });
      const runId = await startRun(pipelineId);
      await runs.waitState(runId, 'FINISHED');
      const log = await runs.events(runId);
      const finish = log.find((e) => e.eventType === 'pipeline_finish')!;
      await waitFor('all events delivered', () => rx.received.filter((r) => r.path === '/all').length >= log.length && rx.received.some((r) => r.path === '/nodes' && r.body.id === finish.id));

      const toAll = rx.received.filter((r) => r.path === '/all' && r.body.runId === runId);
      expect(toAll.map((r) => r.body.id)).toEqual(log.map((e) => e.id));
      expect(toAll.map((r) => r.body.type)).toEqual(log.map((e) => e.eventType));
      for (const r of rx.received) {
        expect(r.signatureOk).toBe(true);
        expect(r.headers['x-pipeline-delivery']).toMatch(/^[0-9a-f-]{36}$/);
        expect(Number(r.headers['x-pipeline-timestamp'])).toBeGreaterThan(1_700_000_000);
      }
      expect(new Set(toAll.map((r) => r.headers['x-pipeline-delivery'])).size).toBe(toAll.length);
      const enter = toAll.find((r) => r.body.type === 'node_enter' && r.body.nodeId === 'a1')!;
      expect(enter.body).toEqual({ id: expect.any(Number), type: 'node_enter', runId, nodeId: 'a1', at: expect.any(String), data: expect.objectContaining({ node_id: 'a1' }) });
      expect(new Date(enter.body.at as string).toISOString()).toBe(enter.body.at);

      const toNodes = rx.received.filter((r) => r.path === '/nodes' && r.body.runId === runId).map((r) => r.body.type as string);
      expect(toNodes.length).toBeGreaterThan(0);
      expect(toNodes.every((t) => t.startsWith('node_') || t === 'pipeline_finish')).toBe(true);

      const logged = await attempts(all);
      expect(logged).toHaveLength(log.length);
      expect(logged[0]).toEqual({
        deliveryId: expect.any(String),
        kind: 'webhook',
        eventId: log[0].id,
        eventType: log[0].eventType,
        runId,
        nodeId: log[0].nodeId,
        attempt: 1,
        statusCode: 200,
        ok: true,
        error: null,
        durationMs: expect.any(Number),
        at: expect.any(String),
      });
    });

    it('retries a receiver that answers 500, with the same delivery id; the log shows both attempts', async () => {
      const rx = await receiver();
      let failed = false;
      rx.respond = () => (failed ? 200 : ((failed = true), 500));
      const pipelineId = await createPipeline('Flaky receiver', chainTree('flaky', [{ id: 'a1', code: 'noop' }]));
      const id = await createWebhook({ url: rx.url, events: ['pipeline_finish'], pipelineId });
      const runId = await startRun(pipelineId);
      await runs.waitState(runId, 'FINISHED');
      await waitFor('a 200', () => rx.received.some((r) => r.status === 200));
      expect(rx.received.map((r) => r.status)).toEqual([500, 200]);
      expect(rx.received[0].headers['x-pipeline-delivery']).toBe(rx.received[1].headers['x-pipeline-delivery']);
      expect(rx.received[0].raw).toBe(rx.received[1].raw);
      const log = await waitFor('two attempts logged', async () => {
        const a = await attempts(id);
        return a.length === 2 ? a : null;
      });
      expect(log.map((a) => [a.attempt, a.statusCode, a.ok])).toEqual([
        [1, 500, false],
        [2, 200, true],
      ]);
      expect(log[0].error).toBe('HTTP 500');
      expect(log[0].deliveryId).toBe(log[1].deliveryId);
    });

    it('delivers to a receiver that was down during the run once it comes up', async () => {
      const rx = await receiver();
      const port = rx.port;
      await rx.close();
      const pipelineId = await createPipeline('Receiver down', chainTree('down', [{ id: 'a1', code: 'noop' }]));
      const id = await createWebhook({ url: rx.url, events: ['pipeline_finish'], pipelineId });
      const runId = await startRun(pipelineId);
      await runs.waitState(runId, 'FINISHED');
      await waitFor('a failed attempt', async () => (await attempts(id)).some((a) => !a.ok));
      const first = (await attempts(id))[0];
      expect(first).toMatchObject({ ok: false, statusCode: null, eventType: 'pipeline_finish' });
      expect(first.error).toEqual(expect.stringContaining('ECONNREFUSED'));
      await rx.listen(port);
      await waitFor('delivered after the receiver came up', () => rx.received.length > 0);
      expect(rx.received[0].body).toMatchObject({ type: 'pipeline_finish', runId });
      expect(rx.received[0].signatureOk).toBe(true);
      const log = await waitFor('success logged', async () => {
        const a = await attempts(id);
        return a.some((x) => x.ok) ? a : null;
      });
      expect(new Set(log.map((a) => a.deliveryId)).size).toBe(1);
      expect(rx.received[0].headers['x-pipeline-delivery']).toBe(log[0].deliveryId);
    });

    it('stops retrying once the webhook is deleted', async () => {
      const rx = await receiver();
      rx.respond = () => 503;
      const pipelineId = await createPipeline('Deleted webhook', chainTree('deleted', [{ id: 'a1', code: 'noop' }]));
      const id = await createWebhook({ url: rx.url, events: ['pipeline_finish'], pipelineId });
      const runId = await startRun(pipelineId);
      await runs.waitState(runId, 'FINISHED');
      await waitFor('two failed attempts', () => rx.received.length >= 2);
      await app.http().delete(`${API}/webhooks/${id}`).expect(204);
      await app.http().get(`${API}/webhooks/${id}`).expect(404);
      await app.http().get(`${API}/webhooks/${id}/deliveries`).expect(404);
      const atDelete = rx.received.length;
      // Backoff is 20 ms doubling: several retries would have happened by now.
      await sleep(1_500);
      // One attempt may have been in flight when the DELETE committed; none after it.
      expect(rx.received.length).toBeLessThanOrEqual(atDelete + 1);
    });
  });

  describe('the outbox cursor over run_event ids', () => {
    it('delivers events past a hole in the ids at once, waits at the hole, and delivers the late one when it commits', async () => {
      const rx = await receiver();
      const ds = app.app.get<DataSource>(getDataSourceToken());
      const pipelineId = await createPipeline('Gap', chainTree('gap', [{ id: 'a1', code: 'noop' }]));
      const runId = await startRun(pipelineId);
      await runs.waitState(runId, 'FINISHED');
      await createWebhook({ url: rx.url, events: ['test_gap*'] });
      const cursor = async () => Number((await ds.query(`SELECT last_event_id AS c FROM webhook_cursor WHERE name = 'run_event'`))[0].c);
      const [{ m }] = await ds.query('SELECT MAX(id) AS m FROM run_event');
      await waitFor('the cursor at the end of the log', async () => (await cursor()) === Number(m));
      const insert = (id: number, seq: number) =>
        ds.query(`INSERT INTO run_event (id, run_id, seq, node_id, event_type, data, created_at) VALUES (?, ?, ?, NULL, ?, '{}', ?)`, [
          id,
          runId,
          seq,
          `test_gap_${id}`,
          new Date().toISOString().replace('T', ' ').replace('Z', ''),
        ]);
      const hole = Number(m) + 1;
      // hole + 1 commits while hole is still in flight (as MySQL allows)
      await insert(hole + 1, 10_002);
      await waitFor('the event past the hole delivered', () => rx.received.some((r) => r.body.id === hole + 1));
      expect(await cursor()).toBe(hole - 1);
      await insert(hole, 10_001);
      await waitFor('the late event delivered', () => rx.received.some((r) => r.body.id === hole));
      await waitFor('the cursor past both', async () => (await cursor()) === hole + 1);
      expect(rx.received.map((r) => r.body.id)).toEqual([hole + 1, hole]);
    });
  });

  describe('failure callbacks', () => {
    it('calls a node-level webhook once, after the automatic retries, signed with the definition secret; not for an error-ignorable node', async () => {
      const rx = await receiver(FAILURE_SECRET);
      const tree = chainTree('failing', [
        { id: 'ignored', code: 'fail', inputs: { message: plain('ignored failure') }, extra: { error_ignorable: true, onFailure: { webhook: `${rx.url}/ignored` } } },
        { id: 'broken', code: 'fail', inputs: { message: plain('boom') }, extra: { retry: { max: 2, delaySeconds: 0 }, on_failure: { webhook: `${rx.url}/broken` } } },
      ]);
      const pipelineId = await createPipeline('Failing pipeline', tree, { webhookSecret: FAILURE_SECRET });
      const runId = await startRun(pipelineId);
      await runs.waitState(runId, 'FAILED');
      const callbacks = await waitFor('the failure callback delivered', async () => {
        const res = await app.http().get(`${API}/runs/${runId}/failure-callbacks`).expect(200);
        return res.body.length && res.body.every((c: { status: string }) => c.status === 'delivered') ? res.body : null;
      });
      const events = await runs.events(runId);
      expect(events.filter((e) => e.eventType === 'node_execute_fail' && e.nodeId === 'broken').map((e) => !!e.data.retrying)).toEqual([true, true, false]);
      expect(callbacks).toHaveLength(1);
      expect(callbacks[0]).toMatchObject({ kind: 'failure_webhook', target: `${rx.url}/broken`, nodeId: 'broken', eventType: 'node_execute_fail', status: 'delivered' });
      expect(callbacks[0].attempts).toHaveLength(1);
      expect(rx.received).toHaveLength(1);
      expect(rx.received[0].path).toBe('/broken');
      expect(rx.received[0].signatureOk).toBe(true);
      expect(rx.received[0].body).toEqual({ pipelineName: 'Failing pipeline', runId, nodeId: 'broken', error: 'boom', status: 'FAILED' });
      expect(rx.received[0].headers['x-pipeline-delivery']).toBe(callbacks[0].deliveryId);
    });

    it('calls back once for a forced fail (a DAG work with on_failure), and again after a retry fails it again', async () => {
      const rx = await receiver(null);
      const dag = {
        works: [{ name: 'wait', component: { code: 'wait_callback', inputs: {} }, on_failure: { webhook: `${rx.url}/forced`, noticeType: 'page' } }],
        dags: {},
      };
      const res = await app.http().post(`${API}/pipelines`).send({ name: 'Forced', format: 'dag', definition: dag });
      if (res.status !== 201) throw new Error(`create dag: ${res.status} ${JSON.stringify(res.body)}`);
      const runId = await startRun(res.body.id);
      await runs.runningVersion(runId, 'wait');
      await runs.op(runId, 'nodes/wait/forced-fail', { exData: 'operator gave up' }).expect(200);
      await waitFor('the forced-fail callback', () => rx.received.length >= 1);
      expect(rx.received[0].body).toEqual({ pipelineName: 'Forced', runId, nodeId: 'wait', error: 'operator gave up', status: 'FAILED', noticeType: 'page' });
      expect(rx.received[0].headers['x-pipeline-signature']).toBeUndefined();
      // retried by the operator and forced to fail again: a second failure, a second callback
      await runs.op(runId, 'nodes/wait/retry', {}).expect(200);
      await runs.runningVersion(runId, 'wait');
      await runs.op(runId, 'nodes/wait/forced-fail', { exData: 'again' }).expect(200);
      await waitFor('the second callback', () => rx.received.length >= 2);
      const callbacks = (await app.http().get(`${API}/runs/${runId}/failure-callbacks`).expect(200)).body;
      expect(callbacks.map((c: { eventType: string; status: string }) => [c.eventType, c.status])).toEqual([
        ['post_forced_fail_activity', 'delivered'],
        ['post_forced_fail_activity', 'delivered'],
      ]);
      expect(rx.received.map((r) => r.body.error)).toEqual(['operator gave up', 'again']);
    });

    it("calls the definition's component callback for a node without its own, retrying when it throws", async () => {
      componentCalls.length = 0;
      const tree = chainTree('component_cb', [{ id: 'oops', code: 'fail', inputs: { message: plain('kaput') } }]);
      const pipelineId = await createPipeline('Component callback', tree, { onFailure: { component: 'record_failure' } });
      const runId = await startRun(pipelineId);
      await runs.waitState(runId, 'FAILED');
      const callbacks = await waitFor('the component callback delivered', async () => {
        const res = await app.http().get(`${API}/runs/${runId}/failure-callbacks`).expect(200);
        return res.body[0]?.status === 'delivered' ? res.body : null;
      });
      expect(callbacks).toHaveLength(1);
      expect(callbacks[0]).toMatchObject({ kind: 'failure_component', target: 'record_failure', nodeId: 'oops' });
      expect(callbacks[0].attempts.map((a: { ok: boolean; error: string | null }) => [a.ok, a.error])).toEqual([
        [false, 'Error: alerting backend down'],
        [true, null],
      ]);
      expect(componentCalls).toEqual([
        { pipelineName: 'Component callback', runId, nodeId: 'oops', error: 'kaput', status: 'FAILED' },
        { pipelineName: 'Component callback', runId, nodeId: 'oops', error: 'kaput', status: 'FAILED' },
      ]);
    });
  });
});
