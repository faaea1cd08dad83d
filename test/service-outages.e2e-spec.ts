import request from 'supertest';
import { Cluster } from './utils/cluster';
import { describeWithOutages, localMariaDb, localRedis, type LocalServer } from './utils/local-services';
import { chainTree, plain } from './utils/run-trees';
import {
  createScratchDatabase,
  describeWithMysql,
  describeWithRedis,
  type ScratchDatabase,
} from './utils/services';

jest.setTimeout(300_000);

const OUTAGE_MS = 10_000;
const RUNS = 10;
const NODES = 6;
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/**
 * Infrastructure outages (issue 11, item 10): the database server, then the Redis server, is
 * stopped for 10 s while runs are in flight, then started again (Redis comes back empty). Every
 * process stays up, `/health` of each app reports the outage and then recovers, and every run
 * finishes with every node FINISHED. Stops the machine's real servers with their own commands.
 */
describeWithOutages('service outages (distributed, real MariaDB and Redis stopped mid-run)', () =>
  describeWithMysql('outages on MySQL', (mysqlServerUrl) =>
    describeWithRedis('outages on Redis', (redisUrl) => {
      let db: ScratchDatabase;
      let cluster: Cluster;
      const http = () => request(cluster.baseUrl);

      beforeAll(async () => {
        db = await createScratchDatabase(mysqlServerUrl);
        cluster = await Cluster.start({
          mysqlUrl: db.url,
          redisUrl,
          workers: 1,
          // Bounded graceful stops, short enough for a test (default 45 s).
          env: { LOG_LEVEL: 'log', SHUTDOWN_TIMEOUT_MS: '3000' },
          roleEnv: {
            scanner: { RECONCILE_INTERVAL_MS: '500', RECONCILE_GRACE_MS: '2000' },
            worker: { COMPONENT_HEARTBEAT_MS: '500' },
          },
        });
      });

      afterAll(async () => {
        await cluster?.stop();
        await db?.drop();
      });

      /** Runs of `NODES` one-second `sleep` nodes (delayed jobs in Redis, rows in the database). */
      async function startRuns(): Promise<string[]> {
        const tree = chainTree(
          'outage',
          Array.from({ length: NODES }, (_, i) => ({ id: `a${i}`, code: 'sleep', inputs: { seconds: plain(1) } })),
        );
        const ids: string[] = [];
        for (let i = 0; i < RUNS; i++)
          ids.push((await http().post('/api/v1/runs').send({ definition: tree }).expect(201)).body.id);
        return ids;
      }

      async function healthOf(port: number): Promise<number | null> {
        try {
          return (await fetch(`http://127.0.0.1:${port}/health`, { signal: AbortSignal.timeout(5_000) })).status;
        } catch {
          return null;
        }
      }

      /** Every app answers `/health` with `status` (polled until then, within `ms`). */
      async function expectHealth(status: number, ms: number): Promise<void> {
        const until = Date.now() + ms;
        const procs = [...cluster.procs.values()];
        const last = new Map<string, number | null>();
        for (;;) {
          for (const p of procs) last.set(p.name, await healthOf(p.port));
          if ([...last.values()].every((s) => s === status)) return;
          if (Date.now() > until)
            throw new Error(`health not ${status} everywhere within ${ms} ms: ${JSON.stringify([...last])}`);
          await sleep(250);
        }
      }

      function expectAllAlive(): void {
        for (const p of cluster.procs.values())
          expect({ name: p.name, exit: p.child.exitCode, signal: p.child.signalCode }).toEqual({
            name: p.name,
            exit: null,
            signal: null,
          });
      }

      async function expectAllFinished(ids: string[], ms = 120_000): Promise<void> {
        const until = Date.now() + ms;
        for (const id of ids) {
          let run;
          do {
            const res = await http().get(`/api/v1/runs/${id}`);
            run = res.body;
            if (res.status === 200 && run.state === 'FINISHED') break;
            await sleep(200);
          } while (Date.now() < until);
          expect({ id, state: run.state }).toEqual({ id, state: 'FINISHED' });
          const states = Object.values(run.nodes as Record<string, { state: string }>).map((n) => n.state);
          expect(states).toHaveLength(NODES + 2);
          expect(states.every((s) => s === 'FINISHED')).toBe(true);
        }
      }

      /**
       * Stops `server` while runs are in flight, checks the apps (and runs `during` while it is
       * down), starts it again, checks recovery.
       */
      async function outage(
        server: LocalServer,
        during?: () => Promise<void>,
        afterRestart?: () => Promise<void>,
      ): Promise<void> {
        await expectHealth(200, 10_000);
        const ids = await startRuns();
        await sleep(1_500); // some nodes finished, some sleeping, some queued
        const stoppedAt = Date.now();
        await server.stop();
        try {
          await expectHealth(503, OUTAGE_MS);
          await during?.();
          await sleep(Math.max(0, OUTAGE_MS - (Date.now() - stoppedAt)));
          expectAllAlive();
        } finally {
          await server.start();
        }
        await afterRestart?.();
        await expectHealth(200, 60_000);
        await expectAllFinished(ids);
        expectAllAlive();
      }

      it('survives the database server stopped for 10 s mid-run', async () => {
        await outage(localMariaDb(mysqlServerUrl));
      });

      it('survives the Redis server stopped for 10 s mid-run (it comes back empty)', async () => {
        const redis = localRedis(redisUrl);
        const before = redis.serverRunId();
        let stopMs = 0;
        await outage(
          redis,
          async () => {
            // A worker told to stop while Redis is away cannot hand its jobs back or close its
            // connections: it still exits, once SHUTDOWN_TIMEOUT_MS (3 s here) has passed.
            const t0 = Date.now();
            await cluster.kill('worker-1', 'SIGTERM');
            stopMs = Date.now() - t0;
          },
          async () => void (await cluster.spawn('worker', 'worker-1')),
        );
        expect(stopMs).toBeLessThan(15_000);
        // A new server process, which kept nothing (no persistence): every queued job and timer entry was lost.
        expect(redis.serverRunId()).not.toBe(before);
      });
    }),
  ),
);
