import { randomBytes } from 'node:crypto';
import { Redis } from 'ioredis';
import { describeWithRedis } from '../../../../test/utils/services';
import { BullMqTimerJobQueue } from './bullmq-timer-job-queue';
import type { PoolEntry } from './executing-pool.port';
import { waitUntil } from './node-timer-driver.spec-helper';

describeWithRedis('BullMqTimerJobQueue (Redis)', (redisUrl) => {
  jest.setTimeout(30_000);
  const prefix = `pipeline_test_tq_${randomBytes(5).toString('hex')}`;
  let redis: Redis;
  let queues: BullMqTimerJobQueue[] = [];
  /** A process's view of the queues: producer of `q1`/`q2`, consumer of those in `consume`. */
  const open = async (consume: string[] = []) => {
    const q = await BullMqTimerJobQueue.open({ redisUrl, prefix, backoffMs: 20, queues: ['q1', 'q2'], consume });
    queues.push(q);
    return q;
  };

  beforeAll(() => {
    redis = new Redis(redisUrl, { maxRetriesPerRequest: 3 });
  });
  afterEach(async () => {
    await Promise.all(queues.map((q) => q.close()));
    queues = [];
  });
  afterAll(async () => {
    let cursor = '0';
    do {
      const [next, keys] = await redis.scan(cursor, 'MATCH', `${prefix}:*`, 'COUNT', 1000);
      cursor = next;
      if (keys.length) await redis.del(...keys);
    } while (cursor !== '0');
    await redis.quit();
  });

  it('delivers jobs from a producer to a consumer in another connection', async () => {
    const got: PoolEntry[] = [];
    (await open(['q1'])).consume('q1', async (entries) => void got.push(...entries));
    await (await open()).add('q1', [
      { id: 'a', entries: [{ member: 'm1', dueAt: 1 }] },
      {
        id: 'b',
        entries: [
          { member: 'm2', dueAt: 2 },
          { member: 'm3', dueAt: 3.5 },
        ],
      },
    ]);
    await waitUntil(() => got.length === 3);
    expect(got.map((e) => e.member).sort()).toEqual(['m1', 'm2', 'm3']);
    expect(got.find((e) => e.member === 'm3')?.dueAt).toBe(3.5);
  });

  it('collapses a duplicate id while the first job waits, and retries a handler that throws', async () => {
    const producer = await open();
    await producer.add('q2', [{ id: 'same', entries: [{ member: 'x', dueAt: 1 }] }]);
    await producer.add('q2', [{ id: 'same', entries: [{ member: 'x', dueAt: 1 }] }]);
    let calls = 0;
    (await open(['q2'])).consume('q2', async () => {
      if (++calls === 1) throw new Error('transient (expected by the test)');
    });
    await waitUntil(() => calls === 2);
    await new Promise((r) => setTimeout(r, 300));
    expect(calls).toBe(2);
  });

  it('refuses a bad URL, answers ping, and closes twice', async () => {
    await expect(BullMqTimerJobQueue.open({ redisUrl: 'http://x', queues: ['q1'] })).rejects.toThrow(/redis:\/\//);
    const q = await open();
    // A queue this process did not register as consumed cannot be consumed; an unknown one cannot be used.
    expect(() => q.consume('q1', async () => undefined)).toThrow(/does not consume/);
    await expect(q.add('nope', [{ id: 'x', entries: [] }])).rejects.toThrow(/unknown queue/);
    expect(await q.ping()).toBe(true);
    await q.close();
    await q.close();
    expect(await q.ping()).toBe(false);
  });
});
