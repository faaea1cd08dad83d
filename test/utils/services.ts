/**
 * The one place that decides whether suites needing a real MySQL or Redis run.
 *
 * - The URL comes from `CI_MYSQL_URL` / `CI_REDIS_URL` (set by `.ci/run`) or, on a developer
 *   box, `TEST_MYSQL_URL` / `TEST_REDIS_URL`.
 * - With a URL the suite runs. Without one it is skipped with one loud warning, except in CI
 *   (`CI=true`), where a missing service is a failure: those suites are mandatory there.
 *
 * Each spec file that needs MySQL makes its own database with `createScratchDatabase`, so files
 * running in parallel never see each other's rows.
 */
import { randomBytes } from 'node:crypto';
import type { Redis } from 'ioredis';
import { createConnection, type Connection } from 'mysql2/promise';

type Service = { name: 'MySQL' | 'Redis'; ciVar: string; devVar: string };
const MYSQL: Service = { name: 'MySQL', ciVar: 'CI_MYSQL_URL', devVar: 'TEST_MYSQL_URL' };
const REDIS: Service = { name: 'Redis', ciVar: 'CI_REDIS_URL', devVar: 'TEST_REDIS_URL' };

function urlFor(service: Service): string | undefined {
  const value = process.env[service.ciVar]?.trim() || process.env[service.devVar]?.trim();
  return value || undefined;
}

/** Are we in CI, where service-backed suites may not skip? */
export function isCi(): boolean {
  return ['true', '1'].includes((process.env.CI ?? '').toLowerCase());
}

/** The MySQL server URL for tests (`mysql://user:pass@host:port/db`), or undefined when none is configured. */
export function mysqlUrlForTests(): string | undefined {
  return urlFor(MYSQL);
}

/** The Redis URL for tests (`redis://host:port/db`), or undefined when none is configured. */
export function redisUrlForTests(): string | undefined {
  return urlFor(REDIS);
}

function describeWith(service: Service, name: string, fn: (url: string) => void): void {
  const url = urlFor(service);
  if (url) {
    describe(name, () => fn(url));
    return;
  }
  if (isCi()) {
    describe(name, () => {
      it(`needs ${service.name}`, () => {
        throw new Error(
          `${service.name} is required in CI: set ${service.ciVar} (.ci/run does) for '${name}'`,
        );
      });
    });
    return;
  }
  // Straight to stderr: Jest drops the console output of a file whose tests are all skipped.
  process.stderr.write(`\nSKIPPED: ${name} needs ${service.name} (set ${service.devVar})\n`);
  describe.skip(name, () => {
    it(`needs ${service.name} (set ${service.devVar})`, () => undefined);
  });
}

/**
 * `describe` for a suite that needs MySQL: `fn` gets the server URL (use `createScratchDatabase`
 * for a database of the suite's own). Skips loudly outside CI without a URL; fails in CI.
 */
export function describeWithMysql(name: string, fn: (mysqlUrl: string) => void): void {
  describeWith(MYSQL, name, fn);
}

/** `describe` for a suite that needs Redis: `fn` gets the URL. Skips loudly outside CI without one; fails in CI. */
export function describeWithRedis(name: string, fn: (redisUrl: string) => void): void {
  describeWith(REDIS, name, fn);
}

export interface ScratchDatabase {
  /** The server URL with the scratch database as its path (query parameters kept). */
  url: string;
  /** The database name, `pipeline_t_<random>`. */
  database: string;
  /** Drops the database; safe to call twice. */
  drop(): Promise<void>;
}

async function connectToServer(serverUrl: string): Promise<Connection> {
  const u = new URL(serverUrl);
  return createConnection({
    host: u.hostname,
    port: u.port ? Number(u.port) : 3306,
    user: u.username ? decodeURIComponent(u.username) : undefined,
    password: u.password ? decodeURIComponent(u.password) : undefined,
  });
}

/**
 * Creates a fresh, empty database `pipeline_t_<random>` on the server of `serverUrl` (its own
 * database path is ignored) and answers its URL. The default collation is case-insensitive, as
 * on a stock MySQL 8 / MariaDB server, so the engine's own collation choices are exercised.
 */
export async function createScratchDatabase(serverUrl: string): Promise<ScratchDatabase> {
  const database = `pipeline_t_${randomBytes(6).toString('hex')}`;
  const conn = await connectToServer(serverUrl);
  try {
    await conn.query(
      `CREATE DATABASE \`${database}\` CHARACTER SET utf8mb4 COLLATE utf8mb4_unicode_ci`,
    );
  } finally {
    await conn.end();
  }
  const u = new URL(serverUrl);
  u.pathname = `/${database}`;
  let dropped = false;
  return {
    url: u.toString(),
    database,
    drop: async () => {
      if (dropped) return;
      dropped = true;
      const c = await connectToServer(serverUrl);
      try {
        await c.query(`DROP DATABASE IF EXISTS \`${database}\``);
      } finally {
        await c.end();
      }
    },
  };
}

/** Deletes every key starting with `prefix` (SCAN, not KEYS, so a busy server is not blocked); answers how many. */
export async function deleteRedisKeys(redis: Redis, prefix: string): Promise<number> {
  let cursor = '0';
  let deleted = 0;
  do {
    const [next, keys] = await redis.scan(cursor, 'MATCH', `${prefix}*`, 'COUNT', 1000);
    cursor = next;
    if (keys.length) deleted += await redis.del(...keys);
  } while (cursor !== '0');
  return deleted;
}
