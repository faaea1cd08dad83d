import { randomBytes } from 'node:crypto';
import { Redis } from 'ioredis';
import { describeWithRedis } from '../../../../test/utils/services';
import { executingPoolContract } from './executing-pool.contract.spec-helper';
import { RedisExecutingPool } from './redis-executing-pool';

describeWithRedis('RedisExecutingPool (Redis)', (redisUrl) => {
  jest.setTimeout(30_000);
  /** Every pool of this file lives under its own prefix, deleted at the end. */
  const keyPrefix = `pipeline_test_pool_${randomBytes(5).toString('hex')}`;
  let redis: Redis;

  beforeAll(() => {
    redis = new Redis(redisUrl, { maxRetriesPerRequest: 3 });
  });
  afterAll(async () => {
    const keys: string[] = [];
    let cursor = '0';
    do {
      const [next, batch] = await redis.scan(cursor, 'MATCH', `${keyPrefix}:*`, 'COUNT', 1000);
      cursor = next;
      keys.push(...batch);
    } while (cursor !== '0');
    if (keys.length) await redis.del(...keys);
    await redis.quit();
  });

  executingPoolContract('redis', {
    open: async () => new RedisExecutingPool({ redisUrl, keyPrefix }),
    // Another connection, as another scanner process would have.
    peer: async () => new RedisExecutingPool({ redisUrl, keyPrefix }),
  });

  it('stores a pool as a ZSET under <keyPrefix>:<pool>, scores in ms', async () => {
    const pool = new RedisExecutingPool({ redisUrl, keyPrefix });
    try {
      await pool.add('zset', [{ member: 'n1:v1', dueAt: 1_763_683_700_123 }]);
      expect(pool.keyOf('zset')).toBe(`${keyPrefix}:zset`);
      expect(await redis.type(`${keyPrefix}:zset`)).toBe('zset');
      expect(await redis.zscore(`${keyPrefix}:zset`, 'n1:v1')).toBe('1763683700123');
    } finally {
      await pool.clear('zset');
      await pool.close();
    }
  });

  it('uses the pool name as the key without a prefix, and shares a given client without closing it', async () => {
    const client = new Redis(redisUrl, { maxRetriesPerRequest: 3 });
    const name = `${keyPrefix}:bare`;
    const pool = new RedisExecutingPool({ client });
    try {
      await pool.add(name, [{ member: 'a', dueAt: 1 }]);
      expect(await redis.zcard(name)).toBe(1);
      expect(await pool.ping()).toBe(true);
      await pool.close();
      expect(await client.ping()).toBe('PONG');
    } finally {
      await redis.del(name);
      await client.quit();
    }
  });

  it('still takes after the script cache is flushed (EVALSHA falls back to EVAL)', async () => {
    const pool = new RedisExecutingPool({ redisUrl, keyPrefix });
    try {
      await pool.add('flush', [{ member: 'a', dueAt: 1 }]);
      expect(await pool.takeDue('flush', 1, 10)).toHaveLength(1);
      await redis.script('FLUSH');
      await pool.add('flush', [{ member: 'b', dueAt: 2 }]);
      expect(await pool.takeDue('flush', 2, 10)).toEqual([{ member: 'b', dueAt: 2 }]);
    } finally {
      await pool.close();
    }
  });

  it('takes more than Lua can unpack at once in one call', async () => {
    const pool = new RedisExecutingPool({ redisUrl, keyPrefix });
    try {
      const n = 12_000;
      await pool.add(
        'wide',
        Array.from({ length: n }, (_, i) => ({ member: `w${i}`, dueAt: i })),
      );
      expect(await pool.takeDue('wide', n, n)).toHaveLength(n);
      expect(await pool.size('wide')).toBe(0);
    } finally {
      await pool.close();
    }
  });
});

describe('RedisExecutingPool (no Redis)', () => {
  it('answers ping() false when Redis is unreachable, and still closes', async () => {
    const pool = new RedisExecutingPool({ redisUrl: 'redis://127.0.0.1:1/0' });
    expect(await pool.ping()).toBe(false);
    await pool.close();
    await pool.close();
  });

  it('needs a URL or a client, and refuses a URL that is not redis://', () => {
    expect(() => new RedisExecutingPool({})).toThrow(/redisUrl or a client/);
    expect(() => new RedisExecutingPool({ redisUrl: 'http://127.0.0.1:6379' })).toThrow(
      /redis:\/\//,
    );
  });
});
