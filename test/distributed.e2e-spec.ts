import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import Redis from 'ioredis';
import request from 'supertest';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { runCli } from './utils/cli';
import { Cluster } from './utils/cluster';
import { createConnection, type Connection } from 'mysql2/promise';
import { conformanceSuite } from './utils/conformance-suite';
import { engineInvariantSuite } from './utils/engine-invariants-suite';
import { operationsSuite } from './utils/operations-suite';
import { dagSuite } from './utils/dag-suite';
import { externalTasksSuite } from './utils/external-tasks-suite';
import { chromium, type Browser } from 'playwright-core';
import { CHROMIUM_ARGS, describeWithChromium } from './utils/chromium';
import { chainTree, plain } from './utils/run-trees';
import {
  createScratchDatabase,
  describeWithMysql,
  describeWithRedis,
  type ScratchDatabase,
} from './utils/services';

jest.setTimeout(180_000);

/**
 * The distributed deployment as users run it: api, two engine-workers and the timer-scanner
 * as separate OS processes from the built output, over MySQL and Redis (DESIGN §2).
 */
describeWithMysql('distributed mode (api + 2 workers + scanner as processes)', (mysqlServerUrl) =>
  describeWithRedis('distributed mode on Redis', (redisUrl) => {
    let db: ScratchDatabase;
    let cluster: Cluster;
    let redis: Redis;
    const http = () => request(cluster.baseUrl);

    beforeAll(async () => {
      db = await createScratchDatabase(mysqlServerUrl);
      redis = new Redis(redisUrl);
      await redis.flushdb();
      cluster = await Cluster.start({
        mysqlUrl: db.url,
        redisUrl,
        workers: 2,
        env: { LOG_LEVEL: 'log' },
        // Short grace and lock so recovery fits a test; the defaults are for production.
        roleEnv: { scanner: { RECONCILE_INTERVAL_MS: '500', RECONCILE_GRACE_MS: '2000' }, worker: { COMPONENT_HEARTBEAT_MS: '500' } },
      });
    });

    afterAll(async () => {
      await cluster?.stop();
      await redis?.flushdb();
      redis?.disconnect();
      await db?.drop();
    });

    describe('conformance', () => conformanceSuite(() => http()));

    describe('operations', () => operationsSuite(() => http()));

    describe('DAG definitions', () => dagSuite(() => http()));

    // A second api process: long polls wake over Redis when a worker offers a task, and four
    // workers share 20 runs' tasks through both apis.
    describe('external tasks (two api processes)', () => {
      let second = '';
      beforeAll(async () => {
        const p = await cluster.spawn('api', 'api-2');
        second = `http://127.0.0.1:${p.port}`;
      });
      afterAll(() => cluster.kill('api-2', 'SIGTERM'));
      externalTasksSuite({ http: () => http(), apis: () => [cluster.baseUrl, second] });
    });

    describe('engine invariants', () => {
      let sql: Connection | undefined;
      afterAll(async () => sql?.end());
      engineInvariantSuite(() => ({
        http,
        query: async (text, params) => {
          sql ??= await createConnection(db.url);
          return sql.query(text, params);
        },
        // The scanner's reconciler (grace 2 s) picks the corrupted process up by itself.
        reconcile: async () => undefined,
        recoveryMs: 15_000,
      }));
    });

    it('serves Prometheus metrics on the api and on the worker and scanner health ports (DESIGN §10)', async () => {
      const metricsOf = async (name: string) => {
        const res = await fetch(`http://127.0.0.1:${cluster.procs.get(name)!.port}/metrics`);
        expect(res.status).toBe(200);
        return res.text();
      };
      const { id } = (await http().post('/api/v1/runs').send({ definition: chainTree('metrics', [{ id: 'a', code: 'noop' }, { id: 'b', code: 'noop' }]) }).expect(201)).body;
      for (let i = 0; i < 200 && (await http().get(`/api/v1/runs/${id}`)).body.state !== 'FINISHED'; i++) await new Promise((r) => setTimeout(r, 50));
      expect(await metricsOf('api')).toMatch(/^pipeline_runs_started_total\{state="RUNNING"\} [1-9]/m);
      const workers = (await metricsOf('worker-1')) + (await metricsOf('worker-2'));
      expect(workers).toMatch(/^pipeline_node_executions_total\{component="noop",phase="execute",outcome="ok"\} [1-9]/m);
      expect(workers).toMatch(/^pipeline_job_queue_wait_seconds_count\{kind="advance"\} [1-9]/m);
      const scanner = await metricsOf('scanner');
      expect(scanner).toMatch(/^pipeline_runs\{state="RUNNING"\} \d+/m);
      expect(scanner).toMatch(/^pipeline_job_queue_depth \d+/m);
      expect(scanner).toMatch(/^process_resident_memory_bytes \d+/m);
    });

    it('serves the queue dashboard (bull-board) at /admin/queues, behind the API tokens when set (DESIGN §10)', async () => {
      const open = await fetch(`${cluster.baseUrl}/admin/queues`);
      expect(open.status).toBe(200);
      expect(await open.text()).toMatch(/<html/i);
      const listed = (await (await fetch(`${cluster.baseUrl}/admin/queues/api/queues`)).json()) as { queues: { name: string }[] };
      expect(listed.queues.map((q) => q.name)).toEqual(expect.arrayContaining(['pipeline_engine', 'pipeline_schedules']));
      const guarded = await cluster.spawn('api', 'api-tokens', { API_TOKENS: 'dashboard-token-1' });
      try {
        const url = `http://127.0.0.1:${guarded.port}/admin/queues/api/queues`;
        const denied = await fetch(url);
        expect(denied.status).toBe(401);
        expect(denied.headers.get('www-authenticate')).toMatch(/^Basic /);
        const basic = `Basic ${Buffer.from('ops:dashboard-token-1').toString('base64')}`;
        expect((await fetch(url, { headers: { authorization: basic } })).status).toBe(200);
        expect((await fetch(url, { headers: { authorization: 'Bearer dashboard-token-1' } })).status).toBe(200);
      } finally {
        await cluster.kill('api-tokens', 'SIGTERM');
      }
    });

    it('drives the deployment with the CLI (--server): a run to its end, lists, an operation (DESIGN §10)', async () => {
      const dir = mkdtempSync(join(tmpdir(), 'pipeline-cli-cluster-'));
      const file = join(dir, 'wait.json');
      writeFileSync(file, JSON.stringify(chainTree('cli', [{ id: 'a', code: 'echo', inputs: { x: plain(1) } }, { id: 'b', code: 'noop' }])));
      const server = ['--server', cluster.baseUrl];
      const ran = await runCli(['run', file, '--json', ...server]);
      expect({ code: ran.code, stderr: ran.stderr }).toEqual({ code: 0, stderr: expect.any(String) });
      const run = JSON.parse(ran.stdout) as { id: string; state: string };
      expect(run.state).toBe('FINISHED');
      const listed = await runCli(['runs', 'ls', '--state', 'FINISHED', '--json', ...server]);
      expect(listed.code).toBe(0);
      expect(JSON.stringify(JSON.parse(listed.stdout))).toContain(run.id);
      const events = await runCli(['runs', 'events', run.id, '--json', ...server]);
      expect(events.code).toBe(0);
      expect(events.stdout).toContain('pipeline_finish');
      // An operation the engine refuses: a finished run cannot be paused (exit 1, the server's code).
      const refused = await runCli(['runs', 'pause', run.id, ...server]);
      expect(refused.code).toBe(1);
      expect(refused.stderr).toMatch(/\[[A-Z_]+\]/);
    });

    // The web console against the distributed deployment: the page is served by the api process,
    // the run moves on the workers, the graph follows it live.
    describeWithChromium('web console (Chromium)', (executablePath) => {
      let browser: Browser;
      beforeAll(async () => {
        browser = await chromium.launch({ executablePath, args: CHROMIUM_ARGS });
      });
      afterAll(() => browser?.close());

      it('starts a run from the form and finishes its waiting node through a confirmed callback, live', async () => {
        const tree = chainTree('console', [{ id: 'approve', code: 'wait_callback' }, { id: 'after', code: 'noop' }]);
        const { id: pipelineId } = (await http().post('/api/v1/pipelines').send({ name: 'distributed console', definition: tree }).expect(201)).body;
        const page = await browser.newPage({ viewport: { width: 1400, height: 900 } });
        page.setDefaultTimeout(20_000);
        await page.goto(`${cluster.baseUrl}/console/pipelines/${pipelineId}`);
        const form = page.getByRole('form', { name: 'start a run' });
        await form.locator('textarea[name="inputs"]').fill('{"who": "cluster"}');
        await form.getByRole('button', { name: 'Start run' }).click();
        await page.waitForURL(/\/console\/runs\/[0-9a-f-]{36}$/);
        const approve = page.locator('svg.graph g.node[data-node-id="approve"]');
        await page.locator('svg.graph g.node[data-node-id="approve"][data-state="RUNNING"]').waitFor();
        await approve.click();
        await page.getByRole('complementary', { name: 'node detail' }).locator('button[data-op="callback"]').click();
        const dialog = page.getByRole('dialog', { name: 'Callback: approve' });
        await dialog.locator('textarea').fill('{"ok": true}');
        await dialog.getByRole('button', { name: 'Callback' }).click();
        await page.locator('svg.graph g.node[data-node-id="after"][data-state="FINISHED"]').waitFor();
        await page.locator('h2 .badge[data-state="FINISHED"]').waitFor();
        // The queue dashboard renders in the browser too.
        await page.goto(`${cluster.baseUrl}/admin/queues`);
        await page.getByText('pipeline_engine').first().waitFor();
        await page.close();
      });
    });

    it('runs a slow component once: its heartbeat keeps the reconciler (grace 2 s) away', async () => {
      let hits = 0;
      const server = createServer((_req, res) => {
        hits++;
        setTimeout(() => res.end('{"slow":true}'), 3500);
      });
      await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
      const port = (server.address() as AddressInfo).port;
      try {
        const tree = chainTree('slow', [
          { id: 'call', code: 'http_request', inputs: { url: plain(`http://127.0.0.1:${port}/slow`), timeoutSeconds: plain(20) } },
        ]);
        const { id } = (await http().post('/api/v1/runs').send({ definition: tree }).expect(201)).body;
        let run;
        const until = Date.now() + 30_000;
        do {
          await new Promise((r) => setTimeout(r, 200));
          run = (await http().get(`/api/v1/runs/${id}`).expect(200)).body;
        } while (run.state !== 'FINISHED' && Date.now() < until);
        expect(run.state).toBe('FINISHED');
        expect(hits).toBe(1);
      } finally {
        server.close();
      }
    });

    /** 20 runs × 10 poll nodes, started at once. */
    async function startRuns(n = 20): Promise<string[]> {
      const tree = chainTree(
        'crash',
        Array.from({ length: 10 }, (_, i) => ({
          id: `a${i}`,
          code: 'poll',
          inputs: { times: plain(1), interval: plain(0.1) },
        })),
      );
      const ids: string[] = [];
      for (let i = 0; i < n; i++)
        ids.push(
          (await http().post('/api/v1/runs').send({ definition: tree }).expect(201)).body.id,
        );
      return ids;
    }

    async function expectAllFinished(ids: string[], ms = 120_000): Promise<void> {
      const until = Date.now() + ms;
      for (const id of ids) {
        let run;
        do {
          run = (await http().get(`/api/v1/runs/${id}`).expect(200)).body;
          if (run.state === 'FINISHED') break;
          await new Promise((r) => setTimeout(r, 100));
        } while (Date.now() < until);
        expect(run.state).toBe('FINISHED');
        const states = Object.values(run.nodes as Record<string, { state: string }>).map(
          (n) => n.state,
        );
        expect(states).toHaveLength(12);
        expect(states.every((s) => s === 'FINISHED')).toBe(true);
      }
    }

    it('shares the load between the two workers', async () => {
      const ids = await startRuns();
      await expectAllFinished(ids);
      for (const w of ['worker-1', 'worker-2'])
        expect(cluster.logsOf(w)).toMatch(/run [0-9a-f-]+: finished/);
    });

    it('finishes every run when a worker is killed with SIGKILL mid-run and restarted', async () => {
      const ids = await startRuns();
      await new Promise((r) => setTimeout(r, 400));
      await cluster.kill('worker-1', 'SIGKILL');
      await cluster.spawn('worker', 'worker-1');
      await expectAllFinished(ids);
    });

    it('finishes every run when the Redis db is flushed mid-run', async () => {
      const ids = await startRuns();
      await new Promise((r) => setTimeout(r, 400));
      await redis.flushdb();
      await expectAllFinished(ids);
      expect(cluster.logsOf('scanner')).toMatch(/re-dispatched \d+ job/);
    });
  }),
);
