import { randomBytes } from 'node:crypto';
import request from 'supertest';
import { Cluster } from './utils/cluster';
import { API, sleep } from './utils/run-api';
import { chainTree } from './utils/run-trees';
import { describeWithMysql, describeWithRedis } from './utils/services';
import { WebhookReceiver } from './utils/webhook-receiver';

jest.setTimeout(180_000);

const SECRET = 'distributed-secret-0123456789';

async function waitFor<T>(what: string, probe: () => Promise<T | undefined | null | false> | T | undefined | null | false, timeoutMs = 60_000): Promise<T> {
  const until = Date.now() + timeoutMs;
  for (;;) {
    const value = await probe();
    if (value) return value;
    if (Date.now() > until) throw new Error(`timed out waiting for ${what}`);
    await sleep(100);
  }
}

/**
 * DESIGN §8.6 distributed: the outbox runs in the timer-scanners (two of them here, claiming
 * deliveries with a compare-and-set), never in the api or the workers. Every event of a run
 * reaches the receiver, signed, a failed first attempt is retried with the same delivery id,
 * and no delivery is acknowledged twice.
 */
describeWithMysql('webhooks across processes', (mysqlUrl) => {
  describeWithRedis('distributed: api + worker + two scanners as processes', (redisUrl) => {
    const prefix = `pipeline_t_hooks_${randomBytes(4).toString('hex')}`;
    let cluster: Cluster;
    const rx = new WebhookReceiver(SECRET);
    const http = () => request(cluster.baseUrl);

    beforeAll(async () => {
      await rx.listen(0);
      cluster = await Cluster.start({
        mysqlUrl,
        redisUrl,
        workers: 1,
        env: { LOG_LEVEL: 'log', PIPELINE_QUEUE_PREFIX: prefix, WEBHOOK_POLL_INTERVAL_MS: '100', WEBHOOK_RETRY_BASE_MS: '50' },
      });
      await cluster.spawn('scanner', 'scanner-2');
    });
    afterAll(async () => {
      await cluster?.stop();
      await rx.close();
    });

    it("delivers a run's events through the scanners, retried once, never acknowledged twice", async () => {
      // The first attempt of every delivery fails: each is retried once.
      const seen = new Set<string>();
      rx.respond = (r) => {
        const id = String(r.headers['x-pipeline-delivery']);
        if (seen.has(id)) return 200;
        seen.add(id);
        return 500;
      };
      const name = `hooks-${randomBytes(3).toString('hex')}`;
      const pipeline = (await http().post(`${API}/pipelines`).send({ name, definition: chainTree('hooks', [{ id: 'a1', code: 'noop' }, { id: 'a2', code: 'noop' }]) }).expect(201)).body;
      const hook = (await http().post(`${API}/webhooks`).send({ url: `${rx.url}/events`, events: ['*'], pipelineId: pipeline.id, secret: SECRET }).expect(201)).body;
      const run = (await http().post(`${API}/pipelines/${pipeline.id}/runs`).send({}).expect(201)).body;
      await waitFor('the run to finish', async () => (await http().get(`${API}/runs/${run.id}`).expect(200)).body.state === 'FINISHED');
      const log = (await http().get(`${API}/runs/${run.id}/events`).expect(200)).body as Array<{ id: number; eventType: string }>;
      const ok = () => rx.received.filter((r) => r.status === 200 && r.body.runId === run.id);
      await waitFor('every event acknowledged', () => ok().length >= log.length);
      await sleep(500);

      const acked = ok();
      expect(acked.map((r) => r.body.id).sort((a, b) => Number(a) - Number(b))).toEqual(log.map((e) => e.id));
      expect(new Set(acked.map((r) => r.headers['x-pipeline-delivery'])).size).toBe(acked.length);
      for (const r of rx.received) expect(r.signatureOk).toBe(true);
      // In event order per run: the 200s came in log order.
      expect(acked.map((r) => r.body.id)).toEqual(log.map((e) => e.id));

      const attempts = (await http().get(`${API}/webhooks/${hook.id}/deliveries`).query({ pageSize: 100 }).expect(200)).body;
      expect(attempts.total).toBe(2 * log.length);
      expect(attempts.items.filter((a: { ok: boolean }) => a.ok)).toHaveLength(log.length);

      // The dispatcher ran in the scanners only.
      const scannerLogs = cluster.logsOf('scanner') + cluster.logsOf('scanner-2');
      expect(scannerLogs).toMatch(/WebhookDispatcher/);
      expect(cluster.logsOf('api')).not.toMatch(/WebhookDispatcher/);
      expect(cluster.logsOf('worker-1')).not.toMatch(/WebhookDispatcher/);
    });
  });
});
