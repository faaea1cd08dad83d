import { Logger } from '@nestjs/common';
import { Redis } from 'ioredis';

/** Reconnect forever, backing off to one attempt every 5 s: Redis may be restarted at any time. */
const retryStrategy = (times: number): number => Math.min(200 * times, 5_000);

/** A logged Redis problem repeats at most this often per source while it lasts. */
const LOG_EVERY_MS = 30_000;

export interface RedisClientOptions {
  /** Shown in `CLIENT LIST` (e.g. `pipeline:api`). */
  connectionName?: string;
  /**
   * How many reconnections a command waits through before it fails. `null` = wait forever,
   * which BullMQ requires for workers; producers and health checks keep a small number so
   * they fail fast while Redis is away (the reconciler re-dispatches what failed to enqueue).
   */
  maxRetriesPerRequest?: number | null;
  logger?: Logger;
}

/** Checks a `redis://` / `rediss://` URL (db number from the path, e.g. `redis://h:6379/2`). */
export function assertRedisUrl(url: string): void {
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    throw new Error(`invalid Redis URL: ${redactRedisUrl(url)}`);
  }
  if (parsed.protocol !== 'redis:' && parsed.protocol !== 'rediss:') {
    throw new Error(`Redis URL must start with redis:// or rediss:// (got ${redactRedisUrl(url)})`);
  }
  const db = parsed.pathname.replace(/^\//, '');
  if (db !== '' && !/^\d+$/.test(db))
    throw new Error(`Redis URL path must be a db number (got ${redactRedisUrl(url)})`);
}

/** The URL without its password, for logs. */
export function redactRedisUrl(url: string): string {
  return url.replace(/\/\/([^@/]*):[^@/]*@/, '//$1:***@');
}

/** Connection options BullMQ and ioredis both accept; ioredis parses the URL itself. */
export interface RedisConnectionOptions {
  url: string;
  retryStrategy: (times: number) => number;
  maxRetriesPerRequest: number | null;
  connectionName?: string;
}

/** Options for `url` with the engine's reconnect policy (pass to BullMQ as `connection`). */
export function redisConnectionOptions(
  url: string,
  options: RedisClientOptions = {},
): RedisConnectionOptions {
  assertRedisUrl(url);
  return {
    url,
    retryStrategy,
    maxRetriesPerRequest:
      options.maxRetriesPerRequest === undefined ? 3 : options.maxRetriesPerRequest,
    ...(options.connectionName ? { connectionName: options.connectionName } : {}),
  };
}

/**
 * Logs `error` events of a Redis-backed emitter without letting them crash the process
 * (an unhandled `error` event throws). The same message repeats at most once per
 * `LOG_EVERY_MS` (a Redis outage emits one per reconnection attempt).
 */
export function logRedisErrors(
  emitter: { on(event: 'error', fn: (e: Error) => void): unknown },
  source: string,
  logger: Logger,
): void {
  const seen = new Map<string, { at: number; suppressed: number }>();
  emitter.on('error', (e: Error) => {
    const message = String(e?.message ?? e);
    const key = message.slice(0, 120);
    const now = Date.now();
    const last = seen.get(key);
    if (last && now - last.at < LOG_EVERY_MS) {
      last.suppressed++;
      return;
    }
    if (seen.size >= 100) seen.clear();
    seen.set(key, { at: now, suppressed: 0 });
    const more = last?.suppressed
      ? ` (repeated ${last.suppressed} time(s) since the last report)`
      : '';
    logger.warn(`${source}: ${message}${more}`);
  });
}

/** An ioredis client for `url` that reconnects forever and logs its errors instead of throwing them. */
export function createRedisClient(url: string, options: RedisClientOptions = {}): Redis {
  const { url: _url, ...rest } = redisConnectionOptions(url, options);
  const client = new Redis(url, rest);
  logRedisErrors(
    client,
    `redis ${options.connectionName ?? redactRedisUrl(url)}`,
    options.logger ?? new Logger('Redis'),
  );
  return client;
}

/** How long a health ping may take before Redis counts as unreachable. */
export const REDIS_PING_TIMEOUT_MS = 2_000;

/** PONG within `timeoutMs` (health checks); never throws. */
export async function pingRedis(client: Redis, timeoutMs = REDIS_PING_TIMEOUT_MS): Promise<boolean> {
  let timer: NodeJS.Timeout | undefined;
  try {
    const timeout = new Promise<string>((resolve) => (timer = setTimeout(() => resolve('timeout'), timeoutMs)));
    return (await Promise.race([client.ping(), timeout])) === 'PONG';
  } catch {
    return false;
  } finally {
    clearTimeout(timer);
  }
}

/** Resolves true when `promise` settles (either way) within `ms`, false otherwise (graceful shutdowns). */
export async function settlesWithin(promise: Promise<unknown>, ms: number): Promise<boolean> {
  let timer: NodeJS.Timeout | undefined;
  try {
    return await Promise.race([
      promise.then(
        () => true,
        () => true,
      ),
      new Promise<boolean>((resolve) => (timer = setTimeout(() => resolve(false), ms))),
    ]);
  } finally {
    clearTimeout(timer);
  }
}
