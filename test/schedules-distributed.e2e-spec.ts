import { randomBytes } from 'node:crypto';
import Redis from 'ioredis';
import { createConnection } from 'mysql2/promise';
import request from 'supertest';
import { Cluster } from './utils/cluster';
import { type EmbeddedApp, startEmbeddedApp } from './utils/embedded-app';
import { API, sleep } from './utils/run-api';
import { describeWithMysql, describeWithRedis } from './utils/services';
import { linearTree } from './utils/trees';

jest.setTimeout(180_000);

type Http = () => ReturnType<typeof request>;
interface RunSummary {
  id: string;
  scheduleId: string | null;
  scheduledFor: string | null;
}

/** Every run of a pipeline (all pages). */
async function runsOf(http: Http, pipelineId: string): Promise<RunSummary[]> {
  const out: RunSummary[] = [];
  for (let page = 1; ; page++) {
    const res = await http().get(`${API}/runs`).query({ pipelineId, page, pageSize: 100 }).expect(200);
    out.push(...(res.body.items as RunSummary[]));
    if (out.length >= res.body.total || res.body.items.length === 0) return out;
  }
}

/** scheduledFor → how many runs were started for it. */
function perDueTime(runs: RunSummary[]): Map<string, number> {
  const counts = new Map<string, number>();
  for (const r of runs) counts.set(r.scheduledFor!, (counts.get(r.scheduledFor!) ?? 0) + 1);
  return counts;
}

async function waitFor<T>(what: string, probe: () => Promise<T | undefined | null | false>, timeoutMs = 30_000): Promise<T> {
  const until = Date.now() + timeoutMs;
  for (;;) {
    const value = await probe();
    if (value) return value;
    if (Date.now() > until) throw new Error(`timed out waiting for ${what}`);
    await sleep(100);
  }
}

/** Schedules left by an earlier run of this suite in the shared test database would fire here too. */
async function dropLeftoverSchedules(mysqlUrl: string): Promise<void> {
  const u = new URL(mysqlUrl);
  const c = await createConnection({
    host: u.hostname,
    port: u.port ? Number(u.port) : 3306,
    user: u.username ? decodeURIComponent(u.username) : undefined,
    password: u.password ? decodeURIComponent(u.password) : undefined,
    database: u.pathname.replace(/^\//, ''),
  });
  try {
    await c.query('DELETE FROM `pipeline_schedule`');
  } catch {
    // not migrated yet
  } finally {
    await c.end();
  }
}

/**
 * DESIGN §8.5 with several processes on one database: one run per due time whoever is woken
 * for it (the unique `(schedule_id, scheduled_for)` on runs and the compare-and-set of
 * `next_fire_at`), and, distributed, schedules re-armed from the database after Redis lost
 * their BullMQ jobs.
 */
describeWithMysql('scheduled runs across processes', (mysqlUrl) => {
  beforeAll(() => dropLeftoverSchedules(mysqlUrl));

  describe('two embedded apps on one MySQL database, both firing every schedule', () => {
    let a: EmbeddedApp;
    let b: EmbeddedApp;
    afterAll(async () => {
      await a?.close();
      await b?.close();
    });

    it('never start two runs for one due time', async () => {
      a = await startEmbeddedApp({ DATABASE_URL: mysqlUrl });
      const pipeline = (await a.http().post(`${API}/pipelines`).send({ name: `two-apps-${randomBytes(3).toString('hex')}`, definition: linearTree() }).expect(201)).body;
      const s = (await a.http().post(`${API}/pipelines/${pipeline.id}/schedules`).send({ every: 300 }).expect(201)).body;
      // b arms it at its start, from the database: from then on both wake up for every due time
      b = await startEmbeddedApp({ DATABASE_URL: mysqlUrl });
      await waitFor('ten scheduled runs', async () => (await runsOf(() => a.http(), pipeline.id)).length >= 10);
      await a.http().delete(`${API}/schedules/${s.id}`).expect(204);
      await sleep(500);
      const runs = await runsOf(() => b.http(), pipeline.id);
      const counts = perDueTime(runs);
      expect([...counts.values()].every((n) => n === 1)).toBe(true);
      for (const r of runs) expect(r.scheduleId).toBe(s.id);
      // on the grid (a slot passes only when a firing came later than the next one)
      const due = [...counts.keys()].map((d) => new Date(d).getTime()).sort((x, y) => x - y);
      for (let i = 1; i < due.length; i++) expect((due[i] - due[i - 1]) % 300).toBe(0);
    });
  });

  describeWithRedis('distributed: api + worker + two scanners as processes', (redisUrl) => {
    const prefix = `pipeline_t_sched_${randomBytes(4).toString('hex')}`;
    let cluster: Cluster;
    let redis: Redis;
    const http: Http = () => request(cluster.baseUrl);

    beforeAll(async () => {
      redis = new Redis(redisUrl);
      cluster = await Cluster.start({
        mysqlUrl,
        redisUrl,
        workers: 1,
        env: { LOG_LEVEL: 'log', PIPELINE_QUEUE_PREFIX: prefix },
        roleEnv: { scanner: { SCHEDULE_SWEEP_INTERVAL_MS: '300', RECONCILE_INTERVAL_MS: '500', RECONCILE_GRACE_MS: '3000' } },
      });
      // A second scheduler process: it also arms every schedule at start and consumes their jobs.
      await cluster.spawn('scanner', 'scanner-2');
    });

    afterAll(async () => {
      await cluster?.stop();
      redis?.disconnect();
    });

    it('fires each due time once with two scanners, and comes back after a FLUSHDB', async () => {
      const pipeline = (await http().post(`${API}/pipelines`).send({ name: `dist-${randomBytes(3).toString('hex')}`, definition: linearTree() }).expect(201)).body;
      const s = (await http().post(`${API}/pipelines/${pipeline.id}/schedules`).send({ every: 400 }).expect(201)).body;
      await waitFor('eight scheduled runs', async () => (await runsOf(http, pipeline.id)).length >= 8);

      // Redis loses everything (this suite's db only): jobs, marker, queues.
      const flushedAt = Date.now();
      expect(await redis.flushdb()).toBe('OK');
      const after = await waitFor('runs due after the flush', async () => {
        const runs = await runsOf(http, pipeline.id);
        const later = runs.filter((r) => new Date(r.scheduledFor!).getTime() > flushedAt + 1_000);
        return later.length >= 3 && runs;
      });
      await http().delete(`${API}/schedules/${s.id}`).expect(204);
      await sleep(1_000);

      const runs = await runsOf(http, pipeline.id);
      expect(runs.length).toBeGreaterThanOrEqual(after.length);
      const counts = perDueTime(runs);
      const doubled = [...counts.entries()].filter(([, n]) => n > 1);
      expect(doubled).toEqual([]);
      for (const r of runs) expect(r.scheduleId).toBe(s.id);
      const rebuilt = ['scanner', 'scanner-2'].some((n) => /schedules armed from the database \(the armed firings were lost/.test(cluster.logsOf(n)));
      expect(rebuilt).toBe(true);
      const view = (await http().get(`${API}/schedules/${s.id}`).expect(404)).body;
      expect(view.code).toBe('NOT_FOUND');
    });
  });
});
