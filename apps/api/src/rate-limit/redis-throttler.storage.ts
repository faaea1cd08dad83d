import { Logger, type OnApplicationShutdown } from '@nestjs/common';
import type { ThrottlerStorage } from '@nestjs/throttler';
import { createRedisClient, settlesWithin } from '@app/pipeline';
import type { Redis } from 'ioredis';

/** What `ThrottlerStorage.increment` answers (times in seconds). */
interface ThrottlerRecord {
  totalHits: number;
  timeToExpire: number;
  isBlocked: boolean;
  timeToBlockExpire: number;
}

/**
 * One atomic step of a fixed window: while the block key lives, report blocked; else count
 * the hit (the window starts with the first hit, PEXPIRE = ttl) and, past the limit, set the
 * block key for blockDuration. KEYS: hits, block. ARGV: ttl ms, limit, blockDuration ms.
 * Answers {hits, window ms left, blocked 0/1, block ms left}.
 */
const INCREMENT_SCRIPT = `
local blockLeft = redis.call('PTTL', KEYS[2])
if blockLeft > 0 then
  return {tonumber(redis.call('GET', KEYS[1]) or '0'), math.max(redis.call('PTTL', KEYS[1]), 0), 1, blockLeft}
end
local hits = redis.call('INCR', KEYS[1])
local left = redis.call('PTTL', KEYS[1])
if left < 0 then
  redis.call('PEXPIRE', KEYS[1], ARGV[1])
  left = tonumber(ARGV[1])
end
if hits > tonumber(ARGV[2]) then
  redis.call('SET', KEYS[2], '1', 'PX', ARGV[3])
  return {hits, left, 1, tonumber(ARGV[3])}
end
return {hits, left, 0, 0}
`;

const LOG_EVERY_MS = 30_000;

/** The script's name as an ioredis command (`defineCommand`). */
const INCREMENT_COMMAND = 'pipelineRateLimitIncrement';
type IncrementCommand = (hitsKey: string, blockKey: string, ttlMs: number, limit: number, blockMs: number) => Promise<unknown>;

/**
 * A `ThrottlerStorage` in Redis, so the rate limits hold across api replicas (distributed
 * mode). Keys live under `<queue prefix>:ratelimit:` and expire on their own. When Redis cannot
 * answer, the request is let through (and the outage logged): rate limits never take the API down.
 */
export class RedisThrottlerStorage implements ThrottlerStorage, OnApplicationShutdown {
  private readonly logger = new Logger(RedisThrottlerStorage.name);
  private readonly redis: Redis;
  private lastWarning = 0;

  constructor(
    redisUrl: string,
    private readonly keyPrefix: string,
    redis?: Redis,
  ) {
    this.redis =
      redis ??
      createRedisClient(redisUrl, {
        connectionName: 'pipeline:api:ratelimit',
        maxRetriesPerRequest: 1,
      });
    // A script command: ioredis sends the script's SHA (EVALSHA) and the body only when the
    // server does not know it yet, not the whole script on every API call.
    this.redis.defineCommand(INCREMENT_COMMAND, { numberOfKeys: 2, lua: INCREMENT_SCRIPT });
  }

  async increment(
    key: string,
    ttl: number,
    limit: number,
    blockDuration: number,
    throttlerName: string,
  ): Promise<ThrottlerRecord> {
    // The braces keep both keys in one slot (Redis Cluster).
    const base = `${this.keyPrefix}:ratelimit:{${throttlerName}:${key}}`;
    try {
      const increment = (this.redis as unknown as Record<string, IncrementCommand>)[INCREMENT_COMMAND];
      const [hits, left, blocked, blockLeft] = (await increment.call(
        this.redis,
        `${base}:hits`,
        `${base}:block`,
        Math.max(1, Math.round(ttl)),
        limit,
        Math.max(1, Math.round(blockDuration)),
      )) as [number, number, number, number];
      return {
        totalHits: hits,
        timeToExpire: Math.ceil(left / 1000),
        isBlocked: blocked === 1,
        timeToBlockExpire: Math.ceil(blockLeft / 1000),
      };
    } catch (error) {
      const now = Date.now();
      if (now - this.lastWarning >= LOG_EVERY_MS) {
        this.lastWarning = now;
        this.logger.warn(`rate limits not counted, Redis failed: ${(error as Error).message}`);
      }
      return { totalHits: 0, timeToExpire: 0, isBlocked: false, timeToBlockExpire: 0 };
    }
  }

  async onApplicationShutdown(): Promise<void> {
    // Not connected (Redis away): nothing to flush, and QUIT would wait for a reconnection.
    if (this.redis.status !== 'ready' || !(await settlesWithin(this.redis.quit(), 2_000)))
      this.redis.disconnect();
  }
}
