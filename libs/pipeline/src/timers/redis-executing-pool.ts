import { Logger } from '@nestjs/common';
import type { Redis } from 'ioredis';
import { createRedisClient, pingRedis } from '../queue/redis-connection';
import { ExecutingPool, type PoolEntry } from './executing-pool.port';
import { assertPoolEntries } from './invalid-pool-entry.error';

export interface RedisExecutingPoolOptions {
  /** `redis://[user:pass@]host:port/db` (or `rediss://`); ignored when `client` is given. */
  redisUrl?: string;
  /** A client to share; the pool defines its script on it and never closes it. */
  client?: Redis;
  /**
   * Prepended to every pool name, with `:`, to make its key. Empty (the default): the pool
   * name is the key, as bamboo's settings name it (`bamboo:v1:node_timer_event:executing_node_pool`).
   */
  keyPrefix?: string;
  /** Shown in `CLIENT LIST` for the pool's own connection. */
  clientName?: string;
}

/** Members per ZADD / ZREM call, so a huge batch never builds one giant command. */
const CHUNK = 1_000;

/**
 * Takes up to ARGV[2] members scored at most ARGV[1] and removes them, in one script: Redis
 * runs a script alone, so two scanners never take the same member. ZREM goes in chunks
 * because Lua's `unpack` has a stack limit of a few thousand values.
 */
const TAKE_DUE_LUA = `
local due = redis.call('ZRANGEBYSCORE', KEYS[1], '-inf', ARGV[1], 'WITHSCORES', 'LIMIT', 0, tonumber(ARGV[2]))
local members = {}
for i = 1, #due, 2 do members[#members + 1] = due[i] end
for i = 1, #members, ${CHUNK} do
  redis.call('ZREM', KEYS[1], unpack(members, i, math.min(i + ${CHUNK - 1}, #members)))
end
return due
`;

/** The command `defineCommand` adds to the client (EVALSHA, falling back to EVAL after a Redis restart). */
interface TakeDueCommand {
  executingPoolTakeDue(key: string, max: string, limit: number): Promise<string[]>;
}

/**
 * The executing pool of distributed mode: one Redis ZSET per pool, member → due time (ms),
 * shared by every process. Taking due entries is one Lua script (ZRANGEBYSCORE + ZREM), so
 * several timer-scanners may run side by side without firing an entry twice.
 *
 * A flushed or restarted (non-persistent) Redis loses the pool: the scanner rebuilds it from
 * the database on start.
 */
export class RedisExecutingPool extends ExecutingPool {
  private readonly logger = new Logger(RedisExecutingPool.name);
  private readonly client: Redis & TakeDueCommand;
  private readonly ownsClient: boolean;
  private readonly keyPrefix: string;
  private closing: Promise<void> | null = null;

  constructor(options: RedisExecutingPoolOptions) {
    super();
    let client = options.client;
    this.ownsClient = !client;
    if (!client) {
      if (!options.redisUrl) throw new Error('RedisExecutingPool needs a redisUrl or a client');
      client = createRedisClient(options.redisUrl, {
        connectionName: options.clientName ?? 'pipeline:executing-pool',
        logger: this.logger,
      });
    }
    client.defineCommand('executingPoolTakeDue', { numberOfKeys: 1, lua: TAKE_DUE_LUA });
    this.client = client as Redis & TakeDueCommand;
    this.keyPrefix = options.keyPrefix ?? '';
  }

  /** The Redis key of `pool`. */
  keyOf(pool: string): string {
    return this.keyPrefix ? `${this.keyPrefix}:${pool}` : pool;
  }

  /** One pipelined round trip; ZADD overwrites the score of a member already there. */
  async add(pool: string, entries: readonly PoolEntry[]): Promise<void> {
    assertPoolEntries(pool, entries);
    if (entries.length === 0) return;
    const key = this.keyOf(pool);
    const batch = this.client.pipeline();
    for (let i = 0; i < entries.length; i += CHUNK) {
      const args: (string | number)[] = [];
      for (const { member, dueAt } of entries.slice(i, i + CHUNK)) args.push(dueAt, member);
      batch.zadd(key, ...args);
    }
    await execOrThrow(batch);
  }

  async remove(pool: string, members: readonly string[]): Promise<number> {
    if (members.length === 0) return 0;
    const key = this.keyOf(pool);
    const batch = this.client.pipeline();
    for (let i = 0; i < members.length; i += CHUNK) batch.zrem(key, ...members.slice(i, i + CHUNK));
    const results = await execOrThrow(batch);
    return results.reduce<number>((sum, n) => sum + Number(n), 0);
  }

  async takeDue(pool: string, now: number, limit: number): Promise<PoolEntry[]> {
    if (!(limit >= 1) || Number.isNaN(now)) return [];
    const max = now === Infinity ? '+inf' : now === -Infinity ? '-inf' : String(now);
    const flat = await this.client.executingPoolTakeDue(this.keyOf(pool), max, Math.floor(limit));
    return pairs(flat);
  }

  async nextDueAt(pool: string): Promise<number | null> {
    const [, score] = await this.client.zrange(this.keyOf(pool), 0, 0, 'WITHSCORES');
    return score === undefined ? null : Number(score);
  }

  async size(pool: string): Promise<number> {
    return this.client.zcard(this.keyOf(pool));
  }

  async entries(pool: string): Promise<PoolEntry[]> {
    return pairs(await this.client.zrange(this.keyOf(pool), 0, -1, 'WITHSCORES'));
  }

  async clear(pool: string): Promise<void> {
    await this.client.del(this.keyOf(pool));
  }

  override async ping(): Promise<boolean> {
    if (this.closing) return false;
    return pingRedis(this.client);
  }

  async close(): Promise<void> {
    this.closing ??= this.closeClient();
    return this.closing;
  }

  /** QUIT when connected (lets pending replies arrive); otherwise stop reconnecting at once. */
  private async closeClient(): Promise<void> {
    if (!this.ownsClient) return;
    if (this.client.status !== 'ready') {
      this.client.disconnect();
      return;
    }
    await this.client.quit().catch(() => this.client.disconnect());
  }
}

/** `[member, score, member, score, ...]` → entries. */
function pairs(flat: string[]): PoolEntry[] {
  const out: PoolEntry[] = [];
  for (let i = 0; i + 1 < flat.length; i += 2)
    out.push({ member: flat[i], dueAt: Number(flat[i + 1]) });
  return out;
}

/** A pipeline's results, throwing the first command error (ioredis reports them per command). */
async function execOrThrow(batch: ReturnType<Redis['pipeline']>): Promise<unknown[]> {
  const results = (await batch.exec()) ?? [];
  for (const [error] of results) if (error) throw error;
  return results.map(([, value]) => value);
}
