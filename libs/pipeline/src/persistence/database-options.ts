import { mkdirSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import type { DataSourceOptions } from 'typeorm';
import { DatabaseConfigError } from './database-config.error';
import { PIPELINE_ENTITIES } from './entities';
import { PIPELINE_MIGRATIONS } from './migrations';

/** What `DATABASE_URL` says, before any driver option is derived from it. */
export type ParsedDatabaseUrl =
  | {
      kind: 'sqlite';
      /** absolute path, or `:memory:` */
      database: string;
      /** `?synchronous=normal|full|extra` (default normal; see `SQLITE_SYNCHRONOUS_DEFAULT`). */
      synchronous: SqliteSynchronous;
    }
  | {
      kind: 'mysql';
      /** `mariadb://` selects TypeORM's `mariadb` dialect; both use the `mysql2` driver. */
      flavor: 'mysql' | 'mariadb';
      host: string;
      port: number;
      username?: string;
      password?: string;
      database: string;
      /** Query-string parameters, e.g. `?connectionLimit=20&timezone=Z`. */
      params: Record<string, string>;
    };

export interface DatabaseOptions {
  /**
   * `sqlite:<path>` (relative to the working directory), `sqlite::memory:`, or
   * `mysql://user:pass@host:3306/db` (also `mariadb://`).
   */
  databaseUrl: string;
  /** Log SQL statements (they may contain run data: keep it off in production). */
  logging?: boolean;
  /**
   * At most this many MySQL connections per process (default `DEFAULT_MYSQL_POOL_SIZE`). A
   * `?connectionLimit=` in the URL wins. Ignored on SQLite (one connection).
   */
  poolSize?: number;
}

/**
 * Pool size when none is given: enough for a worker's concurrent jobs (each node transition
 * holds one connection for its transaction) without crowding a small server's `max_connections`.
 */
export const DEFAULT_MYSQL_POOL_SIZE = 10;

/** How long a SQLite statement waits for a lock held by another connection before failing. */
export const SQLITE_BUSY_TIMEOUT_MS = 5000;

/** SQLite's `synchronous` levels the engine accepts (`off` would risk corruption: not offered). */
export type SqliteSynchronous = 'normal' | 'full' | 'extra';

/**
 * In WAL mode `normal` syncs the log at checkpoints, not at every COMMIT: a crashed or killed
 * process loses nothing and the file never corrupts, but a power loss or OS crash may roll back
 * the last transactions. That is ~7× cheaper per transaction here (0.03 vs 0.19 ms);
 * `sqlite:<path>?synchronous=full` buys durability against power loss too.
 */
export const SQLITE_SYNCHRONOUS_DEFAULT: SqliteSynchronous = 'normal';

/** Where the migrations bookkeeping lives, named so the engine can share a schema with other apps. */
export const MIGRATIONS_TABLE = 'pipeline_migrations';

/** Parses `DATABASE_URL`. Throws `DatabaseConfigError` with a message naming the problem. */
export function parseDatabaseUrl(url: string): ParsedDatabaseUrl {
  const trimmed = url.trim();
  if (/^sqlite:/i.test(trimmed)) {
    const [location, query] = splitQuery(trimmed.slice('sqlite:'.length));
    const synchronous = sqliteSynchronous(query);
    let path = location;
    // `sqlite:///abs/path` and `sqlite://rel/path` are accepted as well as `sqlite:<path>`.
    if (path.startsWith('//')) path = path.slice(2);
    if (path === ':memory:') return { kind: 'sqlite', database: ':memory:', synchronous };
    if (!path)
      throw new DatabaseConfigError(
        `DATABASE_URL '${url}' names no SQLite file (expected sqlite:<path> or sqlite::memory:)`,
      );
    return { kind: 'sqlite', database: resolve(path), synchronous };
  }
  if (/^(mysql|mariadb):\/\//i.test(trimmed)) {
    let parsed: URL;
    try {
      parsed = new URL(trimmed);
    } catch {
      throw new DatabaseConfigError(
        `DATABASE_URL is not a valid URL (expected mysql://user:pass@host:3306/db)`,
      );
    }
    const database = decodeURIComponent(parsed.pathname.replace(/^\//, ''));
    if (!parsed.hostname)
      throw new DatabaseConfigError(
        'DATABASE_URL names no MySQL host (expected mysql://user:pass@host:3306/db)',
      );
    if (!database || database.includes('/')) {
      throw new DatabaseConfigError(
        'DATABASE_URL names no MySQL database (expected mysql://user:pass@host:3306/db)',
      );
    }
    const port = parsed.port ? Number(parsed.port) : 3306;
    return {
      kind: 'mysql',
      flavor: /^mariadb:/i.test(trimmed) ? 'mariadb' : 'mysql',
      host: parsed.hostname,
      port,
      username: parsed.username ? decodeURIComponent(parsed.username) : undefined,
      password: parsed.password ? decodeURIComponent(parsed.password) : undefined,
      database,
      params: Object.fromEntries(parsed.searchParams.entries()),
    };
  }
  // Never echo the URL itself: it may carry a password.
  const scheme = /^([a-z][a-z0-9+.-]*):/i.exec(trimmed)?.[1];
  throw new DatabaseConfigError(
    `DATABASE_URL has an unsupported scheme${scheme ? ` '${scheme}'` : ''}: use sqlite:<path>, sqlite::memory: or mysql://user:pass@host:3306/db`,
  );
}

/** `path?query` → [path, query] (no `?`: an empty query). */
function splitQuery(rest: string): [string, string] {
  const at = rest.indexOf('?');
  return at < 0 ? [rest, ''] : [rest.slice(0, at), rest.slice(at + 1)];
}

/** The only parameter a SQLite URL takes; anything else is a config error, not silently ignored. */
function sqliteSynchronous(query: string): SqliteSynchronous {
  const params = new URLSearchParams(query);
  const unknown = [...params.keys()].filter((k) => k !== 'synchronous');
  if (unknown.length)
    throw new DatabaseConfigError(
      `DATABASE_URL: unknown SQLite parameter(s) ${unknown.join(', ')} (only ?synchronous=normal|full|extra)`,
    );
  const value = (params.get('synchronous') ?? SQLITE_SYNCHRONOUS_DEFAULT).toLowerCase();
  if (value !== 'normal' && value !== 'full' && value !== 'extra')
    throw new DatabaseConfigError(
      `DATABASE_URL: ?synchronous must be normal, full or extra (got '${value}')`,
    );
  return value;
}

/** Is a package resolvable from here? Kept as a seam so the missing-driver path can be tested. */
export type ModuleResolver = (name: string) => boolean;
const defaultResolver: ModuleResolver = (name) => {
  try {
    require.resolve(name);
    return true;
  } catch {
    return false;
  }
};

/**
 * TypeORM options for a database URL: the engine's entities and migrations, migrations run at
 * start-up, never `synchronize` (DESIGN §2).
 */
export function buildDataSourceOptions(
  options: DatabaseOptions,
  resolveModule: ModuleResolver = defaultResolver,
): DataSourceOptions {
  const parsed = parseDatabaseUrl(options.databaseUrl);
  const common = {
    entities: PIPELINE_ENTITIES,
    migrations: PIPELINE_MIGRATIONS,
    migrationsRun: true,
    migrationsTableName: MIGRATIONS_TABLE,
    // Each migration commits on its own, so a failure leaves the ones before it applied and recorded.
    migrationsTransactionMode: 'each' as const,
    synchronize: false,
    logging: options.logging ?? false,
  };
  if (parsed.kind === 'sqlite') {
    const inMemory = parsed.database === ':memory:';
    if (!inMemory) mkdirSync(dirname(parsed.database), { recursive: true });
    return {
      ...common,
      type: 'better-sqlite3',
      database: parsed.database,
      // WAL lets readers run while a writer commits; the busy timeout makes a second process
      // (e.g. a CLI against the same file) wait for the lock instead of failing at once.
      enableWAL: !inMemory,
      timeout: SQLITE_BUSY_TIMEOUT_MS,
      prepareDatabase: (db: { pragma(source: string): unknown }) => {
        db.pragma(`busy_timeout = ${SQLITE_BUSY_TIMEOUT_MS}`);
        db.pragma(`synchronous = ${parsed.synchronous.toUpperCase()}`);
      },
    };
  }
  if (!resolveModule('mysql2')) {
    throw new DatabaseConfigError(
      "DATABASE_URL points at MySQL but the 'mysql2' driver is not installed: run `npm install mysql2`",
      'DATABASE_DRIVER_MISSING',
    );
  }
  const { connectionLimit, timezone, charset, ssl } = parsed.params;
  const poolSize = connectionLimit ? Number(connectionLimit) : (options.poolSize ?? DEFAULT_MYSQL_POOL_SIZE);
  if (!Number.isInteger(poolSize) || poolSize < 1) {
    throw new DatabaseConfigError(`the MySQL pool size must be a positive integer (got ${connectionLimit ?? options.poolSize})`);
  }
  return {
    ...common,
    type: parsed.flavor,
    host: parsed.host,
    port: parsed.port,
    username: parsed.username,
    password: parsed.password,
    database: parsed.database,
    // utf8mb4 so trees and inputs with any Unicode fit. Datetimes are written and read as UTC
    // by the driver, whatever the server's or session's time zone (DATETIME columns are not
    // converted by the server, so this is the only conversion).
    charset: charset ?? 'utf8mb4',
    timezone: timezone ?? 'Z',
    poolSize,
    ...(ssl === 'true' ? { ssl: {} } : {}),
    // FOUND_ROWS: an UPDATE reports the rows it *matched*, not only those whose values changed.
    // The run store's compare-and-set reads `affected === 1` as "the guard held"; without the
    // flag an update that rewrites identical values would look like a lost race. (mysql2 sets
    // it by default today; it is spelled out so the behaviour never hangs on a driver default.)
    flags: ['+FOUND_ROWS'],
    // mysql2 records a stack trace for every query by default (about 6% of a worker's CPU in
    // the benchmark); query errors still carry their own message and code.
    trace: false,
    // The run store sends a transaction's statements as one batch (one round trip); every
    // value still travels as a `?` parameter, never spliced into the text.
    multipleStatements: true,
  };
}
