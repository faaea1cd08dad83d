import { randomBytes } from 'node:crypto';
import Redis from 'ioredis';
import request from 'supertest';
import { Cluster } from './utils/cluster';
import { findNode, runApi, sleep } from './utils/run-api';
import {
  createScratchDatabase,
  deleteRedisKeys,
  describeWithMysql,
  describeWithRedis,
  type ScratchDatabase,
} from './utils/services';
import {
  chainTree,
  sleepStep,
  timerEvent,
  waitWithTimeout,
  waitWithTimers,
} from './utils/timer-trees';

jest.setTimeout(180_000);

/**
 * DESIGN §7 in the distributed deployment: api, two engine-workers and the timer-scanner as
 * OS processes over MySQL and Redis. Pools in Redis ZSETs, BullMQ dispatch/handle queues,
 * upkeep in whichever process commits (workers for node entries, the api for operations),
 * a scanner SIGKILLed and restarted, two scanners side by side, a lost pool rebuilt. Every
 * Redis key of this cluster lives under one random prefix, so the suite shares the Redis db.
 */
describeWithMysql('distributed timers (api + 2 workers + scanner as processes)', (mysqlServerUrl) =>
  describeWithRedis('distributed timers on Redis', (redisUrl) => {
    const prefix = `pipeline_t_timers_${randomBytes(4).toString('hex')}`;
    const timeoutPool = `${prefix}:executing_node_pool`;
    let db: ScratchDatabase;
    let cluster: Cluster;
    let redis: Redis;
    const http = () => request(cluster.baseUrl);
    const api = runApi(() => http());

    /** Every key of this cluster (engine queue, timer queues, pools): a FLUSHDB as far as it can tell. */
    function flushClusterKeys(): Promise<number> {
      return deleteRedisKeys(redis, prefix);
    }

    beforeAll(async () => {
      db = await createScratchDatabase(mysqlServerUrl);
      redis = new Redis(redisUrl);
      cluster = await Cluster.start({
        mysqlUrl: db.url,
        redisUrl,
        workers: 2,
        env: {
          LOG_LEVEL: 'log',
          PIPELINE_QUEUE_PREFIX: prefix,
          PIPELINE_NODE_TIMEOUT_EXECUTING_POOL: timeoutPool,
          PIPELINE_NODE_TIMER_EVENT_KEY_PREFIX: `${prefix}:node_timer_event`,
          PIPELINE_NODE_TIMER_EVENT_EXECUTING_POOL: `${prefix}:node_timer_event:executing_node_pool`,
          PIPELINE_NODE_TIMER_EVENT_POOL_SCAN_INTERVAL: '0.1',
        },
        roleEnv: { scanner: { RECONCILE_INTERVAL_MS: '500', RECONCILE_GRACE_MS: '2000' }, worker: { COMPONENT_HEARTBEAT_MS: '500' } },
      });
    });

    afterAll(async () => {
      await cluster?.stop();
      if (redis) await flushClusterKeys();
      redis?.disconnect();
      await db?.drop();
    });

    /** `firing` log lines of the workers for a run: one per handled firing. */
    const firingLines = (runId: string): string[] =>
      ['worker-1', 'worker-2']
        .flatMap((w) => cluster.logsOf(w).split('\n'))
        .filter((l) => l.includes(`run ${runId} `) && /: firing #\d+/.test(l));

    it('a timeout fires in a worker: forced_fail stops the run, forced_fail_and_skip lets it go on', async () => {
      const failing = await api.start(
        chainTree('d-fail', [waitWithTimeout('a', 0.5), { id: 'b', code: 'noop' }]),
      );
      const skipping = await api.start(
        chainTree('d-skip', [
          waitWithTimeout('a', 0.5, 'forced_fail_and_skip'),
          { id: 'b', code: 'noop' },
        ]),
      );
      const failed = await api.waitState(failing, 'FAILED', 20_000);
      expect(findNode(failed.nodes, 'a')?.state).toBe('FAILED');
      expect(String((await api.node(failing, 'a')).exData)).toMatch(/timeout of 0.5 s/);
      const finished = await api.waitState(skipping, 'FINISHED', 20_000);
      expect(findNode(finished.nodes, 'a')).toMatchObject({ state: 'FINISHED', skip: true });
      expect(findNode(finished.nodes, 'b')?.state).toBe('FINISHED');
    });

    it('a node that finishes in time is never touched later, and leaves no entry behind', async () => {
      const runId = await api.start(
        chainTree('d-in-time', [
          sleepStep('a', 0.2, {
            timeout_config: { enable: true, action: 'forced_fail', seconds: 1 },
          }),
        ]),
      );
      await api.waitState(runId, 'FINISHED', 20_000);
      await sleep(1_500);
      expect((await api.get(runId)).state).toBe('FINISHED');
      expect((await api.events(runId)).map((e) => e.eventType)).not.toContain(
        'pre_forced_fail_activity',
      );
      expect(firingLines(runId)).toEqual([]);
      const members = await redis.zrange(timeoutPool, 0, -1);
      expect(members.filter((m) => m.includes(runId))).toEqual([]);
    });

    it('timer events: a time_date in the past fires at once, a time_duration fails and skips', async () => {
      const past = await api.start(
        chainTree('d-date', [
          waitWithTimers('a', [
            timerEvent('time_date', '2019-10-01T12:00:00Z', 'bamboo_engine_forced_fail'),
          ]),
        ]),
      );
      const duration = await api.start(
        chainTree('d-dur', [
          waitWithTimers('a', [
            timerEvent('time_duration', 'PT0.4S', 'bamboo_engine_forced_fail_and_skip'),
          ]),
          { id: 'b', code: 'noop' },
        ]),
      );
      await api.waitState(past, 'FAILED', 20_000);
      const run = await api.waitState(duration, 'FINISHED', 20_000);
      expect(findNode(run.nodes, 'a')).toMatchObject({ skip: true });
    });

    it('an operation committed in the api arms timers too: a retried node times out again', async () => {
      const runId = await api.start(chainTree('d-retry', [waitWithTimeout('a', 0.5)]));
      await api.waitState(runId, 'FAILED', 20_000);
      expect((await api.op(runId, 'nodes/a/retry')).status).toBe(200);
      await api.waitFor(
        runId,
        (r) => findNode(r.nodes, 'a')?.state === 'FAILED' && findNode(r.nodes, 'a')!.retries === 1,
        'second timeout',
        20_000,
      );
      expect(firingLines(runId)).toHaveLength(2);
    });

    it('the scanner killed with SIGKILL and restarted still fires the timers armed meanwhile', async () => {
      await cluster.kill('scanner', 'SIGKILL');
      const ids: string[] = [];
      for (let i = 0; i < 10; i++)
        ids.push(await api.start(chainTree(`d-kill-${i}`, [waitWithTimeout('a', 0.5)])));
      for (const id of ids) await api.waitNode(id, 'a', 'RUNNING', 20_000);
      await sleep(1_000);
      // Due, but nobody scans: still RUNNING.
      for (const id of ids) expect(findNode((await api.get(id)).nodes, 'a')?.state).toBe('RUNNING');
      await cluster.spawn('scanner', 'scanner');
      for (const id of ids) await api.waitState(id, 'FAILED', 30_000);
      for (const id of ids) expect(firingLines(id)).toHaveLength(1);
    });

    it('two scanners never fire one entry twice', async () => {
      await cluster.spawn('scanner', 'scanner-2');
      try {
        const ids: string[] = [];
        for (let i = 0; i < 30; i++) {
          ids.push(
            await api.start(
              chainTree(`d-two-${i}`, [
                waitWithTimers('a', [
                  timerEvent(
                    'time_duration',
                    `PT${(0.3 + (i % 5) * 0.1).toFixed(1)}S`,
                    'bamboo_engine_forced_fail_and_skip',
                  ),
                ]),
                waitWithTimeout('b', 0.3 + (i % 3) * 0.1),
              ]),
            ),
          );
        }
        for (const id of ids) await api.waitState(id, 'FAILED', 30_000);
        await sleep(500);
        for (const id of ids) {
          const lines = firingLines(id);
          expect(lines.filter((l) => l.includes('node a ')).length).toBe(1);
          expect(lines.filter((l) => l.includes('node b ')).length).toBe(1);
          const a = await api.node(id, 'a');
          expect(a.histories.filter((h) => h.state === 'FAILED')).toHaveLength(1);
        }
      } finally {
        await cluster.kill('scanner-2', 'SIGTERM');
      }
    });

    it('a lost pool (every Redis key of the cluster deleted) is rebuilt from the database', async () => {
      const ids: string[] = [];
      for (let i = 0; i < 5; i++)
        ids.push(await api.start(chainTree(`d-flush-${i}`, [waitWithTimeout('a', 1.5)])));
      for (const id of ids) await api.waitNode(id, 'a', 'RUNNING', 20_000);
      expect(await flushClusterKeys()).toBeGreaterThan(0);
      for (const id of ids) await api.waitState(id, 'FAILED', 30_000);
      expect(cluster.logsOf('scanner')).toMatch(/pool '[^']+' rebuilt \(the pool was lost/);
    });
  }),
);
