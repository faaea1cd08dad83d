import { randomBytes } from 'node:crypto';
import { Redis } from 'ioredis';
import { describeWithRedis } from '../../../../test/utils/services';
import { BullMqTimerJobQueue } from './bullmq-timer-job-queue';
import { NodeTimerDriver, type NodeTimerParts } from './node-timer-driver';
import {
  cycleSpec,
  FakeTimerEngine,
  FakeTimerKind,
  onceSpec,
  waitUntil,
} from './node-timer-driver.spec-helper';
import { RedisExecutingPool } from './redis-executing-pool';

/**
 * The driver over Redis and BullMQ as the distributed deployment runs it: two scanners and
 * two workers (separate connections, as separate processes would have), one fake engine.
 */
describeWithRedis('NodeTimerDriver (Redis pool, BullMQ queues)', (redisUrl) => {
  jest.setTimeout(60_000);
  const tag = randomBytes(5).toString('hex');
  const prefix = `pipeline_test_timers_${tag}`;
  const POOL = `${prefix}:pool`;
  let redis: Redis;
  const closers: (() => Promise<void>)[] = [];

  beforeAll(() => {
    redis = new Redis(redisUrl, { maxRetriesPerRequest: 3 });
  });
  afterEach(async () => {
    for (const close of closers.splice(0).reverse()) await close();
  });
  afterAll(async () => {
    let cursor = '0';
    do {
      const [next, keys] = await redis.scan(cursor, 'MATCH', `${prefix}*`, 'COUNT', 1000);
      cursor = next;
      if (keys.length) await redis.del(...keys);
    } while (cursor !== '0');
    await redis.quit();
  });

  async function processOf(
    engine: FakeTimerEngine,
    kind: FakeTimerKind,
    parts: NodeTimerParts,
    pool = POOL,
  ): Promise<NodeTimerDriver> {
    const p = new RedisExecutingPool({ redisUrl });
    const queues = [`dispatch_${tag}`, `handle_${tag}`];
    const q = await BullMqTimerJobQueue.open({
      redisUrl,
      prefix,
      concurrency: 8,
      backoffMs: 50,
      queues,
      consume: parts.handle ? queues : [],
    });
    const d = new NodeTimerDriver(kind, p, q, engine, {
      pool,
      dispatchQueue: `dispatch_${tag}`,
      handleQueue: `handle_${tag}`,
      scanIntervalMs: 50,
      parts,
    });
    d.start();
    closers.push(async () => {
      await d.stop();
      await q.close();
      await p.close();
    });
    return d;
  }

  it('two scanners never fire one entry twice; cycles fire n times over Redis', async () => {
    const engine = new FakeTimerEngine();
    const kind = new FakeTimerKind();
    const scanOnly = { maintain: false, scan: true, handle: false };
    const workerParts = { maintain: true, scan: false, handle: true };
    await processOf(engine, kind, scanOnly);
    await processOf(engine, kind, scanOnly);
    await processOf(engine, kind, workerParts);
    await processOf(engine, kind, { ...workerParts, maintain: false });
    const runs = 200;
    const t0 = Date.now() + 300;
    for (let i = 0; i < runs; i++) {
      engine.addRun(`run${i}`, { once: [onceSpec(1, i % 50)], cycle: [cycleSpec(1, 100, 60, 3)] });
      await engine.setNode(`run${i}`, 'once', 'RUNNING', 1, t0);
      await engine.setNode(`run${i}`, 'cycle', 'RUNNING', 1, t0);
    }
    await waitUntil(() => kind.fired.length >= runs * 4, 30_000, 'every firing');
    await new Promise((r) => setTimeout(r, 500));
    const keys = kind.fired.map((f) => `${f.runId}/${f.nodeId}@${f.dueAt}`);
    expect(new Set(keys).size).toBe(keys.length);
    expect(kind.fired).toHaveLength(runs * 4);
    for (let i = 0; i < runs; i += 37) {
      expect(kind.firedFor(`run${i}`, 'cycle').map((f) => [f.firedCount, f.dueAt - t0])).toEqual([
        [1, 100],
        [2, 160],
        [3, 220],
      ]);
    }
    expect(kind.fired.every((f) => f.at >= f.dueAt)).toBe(true);
    expect(await redis.zcard(POOL)).toBe(0);
  });

  it('rebuilds the pool after a flush of its keys, without firing spent timers again', async () => {
    const engine = new FakeTimerEngine();
    const kind = new FakeTimerKind();
    const pool = `${prefix}:flush`;
    await processOf(engine, kind, { maintain: true, scan: true, handle: true }, pool);
    engine.addRun('r', { spent: [onceSpec(1, 0)], later: [onceSpec(1, 1_500)] });
    const t0 = Date.now();
    await engine.setNode('r', 'spent', 'RUNNING', 1, t0);
    await engine.setNode('r', 'later', 'RUNNING', 1, t0);
    await waitUntil(() => kind.fired.length === 1, 5_000, 'the first timer');
    // Lose the pool and its marker (a FLUSHDB would also take the queues); keep the fired record.
    await redis.del(pool, `${pool}:rebuilt`);
    await waitUntil(() => kind.fired.length === 2, 10_000, 'the re-armed timer');
    await new Promise((r) => setTimeout(r, 300));
    expect(kind.fired.map((f) => f.nodeId)).toEqual(['spent', 'later']);
  });
});
