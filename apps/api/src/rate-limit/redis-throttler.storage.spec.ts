import { randomBytes } from 'node:crypto';
import { Redis } from 'ioredis';
import { describeWithRedis } from '../../../../test/utils/services';
import { RedisThrottlerStorage } from './redis-throttler.storage';

describeWithRedis('RedisThrottlerStorage (Redis)', (redisUrl) => {
  jest.setTimeout(20_000);
  const prefix = `pipeline_test_rl_${randomBytes(5).toString('hex')}`;
  let redis: Redis;
  const storages: RedisThrottlerStorage[] = [];
  const open = () => {
    const storage = new RedisThrottlerStorage(redisUrl, prefix);
    storages.push(storage);
    return storage;
  };

  beforeAll(() => {
    redis = new Redis(redisUrl, { maxRetriesPerRequest: 3 });
  });
  afterAll(async () => {
    await Promise.all(storages.map((s) => s.onApplicationShutdown()));
    const keys = await redis.keys(`${prefix}:*`);
    if (keys.length) await redis.del(...keys);
    await redis.quit();
  });

  it('counts hits in a window and blocks past the limit, with times in seconds', async () => {
    const storage = open();
    const first = await storage.increment('ip:a', 60_000, 2, 60_000, 'default');
    expect(first).toEqual({
      totalHits: 1,
      timeToExpire: 60,
      isBlocked: false,
      timeToBlockExpire: 0,
    });
    expect((await storage.increment('ip:a', 60_000, 2, 60_000, 'default')).isBlocked).toBe(false);
    const third = await storage.increment('ip:a', 60_000, 2, 30_000, 'default');
    expect(third).toMatchObject({ totalHits: 3, isBlocked: true, timeToBlockExpire: 30 });
    // Blocked calls are not counted again.
    expect(await storage.increment('ip:a', 60_000, 2, 30_000, 'default')).toMatchObject({
      totalHits: 3,
      isBlocked: true,
    });
    // Other throttler names and keys have their own counts.
    expect((await storage.increment('ip:a', 1_000, 2, 1_000, 'burst')).totalHits).toBe(1);
    expect((await storage.increment('ip:b', 60_000, 2, 60_000, 'default')).totalHits).toBe(1);
  });

  it('keeps its keys under <prefix>:ratelimit: with an expiry', async () => {
    await open().increment('token:abc', 60_000, 5, 60_000, 'default');
    const keys = await redis.keys(`${prefix}:ratelimit:*token:abc*`);
    expect(keys).toEqual([`${prefix}:ratelimit:{default:token:abc}:hits`]);
    expect(await redis.pttl(keys[0])).toBeGreaterThan(50_000);
  });

  it('shares the count between api processes', async () => {
    const [one, two] = [open(), open()];
    await one.increment('ip:shared', 60_000, 2, 60_000, 'default');
    await two.increment('ip:shared', 60_000, 2, 60_000, 'default');
    expect((await one.increment('ip:shared', 60_000, 2, 60_000, 'default')).isBlocked).toBe(true);
  });

  it('starts a new window once the old one expires', async () => {
    const storage = open();
    await storage.increment('ip:w', 200, 1, 200, 'burst');
    expect((await storage.increment('ip:w', 200, 1, 200, 'burst')).isBlocked).toBe(true);
    await new Promise((resolve) => setTimeout(resolve, 300));
    expect(await storage.increment('ip:w', 200, 1, 200, 'burst')).toMatchObject({
      totalHits: 1,
      isBlocked: false,
    });
  });

  it('lets requests through when Redis cannot answer', async () => {
    // Port 1: nothing listens. A short disconnectTimeout so no ioredis timer outlives the suite.
    const away = new Redis('redis://127.0.0.1:1/8', {
      maxRetriesPerRequest: 0,
      disconnectTimeout: 10,
    });
    away.on('error', () => undefined);
    const storage = new RedisThrottlerStorage('redis://127.0.0.1:1/8', prefix, away);
    storages.push(storage);
    await expect(storage.increment('ip:x', 60_000, 1, 60_000, 'default')).resolves.toMatchObject({
      isBlocked: false,
    });
  });
});
