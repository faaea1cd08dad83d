/**
 * The engine under test, driven only over its public HTTP API, in one of three modes:
 * - embedded: the real API app (engine included) in this process, on SQLite, through
 *   test/utils/embedded-app.ts — it runs the current sources, no build needed (in-process: the
 *   bench's HTTP client shares the engine's event loop, and the bench can count statements);
 * - embedded-black-box: `npm start` (the README's embedded command, the built api from dist/) as a
 *   child process on a scratch SQLite file, through test/utils/embedded-process.ts;
 * - distributed: the built api + N engine-workers + timer-scanner as OS processes over a scratch
 *   MySQL database and a Redis db, through test/utils/cluster.ts (black-box too).
 * Each target also exposes engine-side counters (database statements and transactions, queue
 * jobs, node executions) for per-node costs — as far as the mode can see them — and the OS pids
 * of the engine's processes by role.
 */
import { spawnSync } from 'node:child_process';
import { readdirSync, readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { Redis } from 'ioredis';
import { createConnection } from 'mysql2/promise';
import { DataSource, type Logger as TypeOrmLogger } from 'typeorm';
import { Cluster } from '../../test/utils/cluster';
import { startEmbeddedApp } from '../../test/utils/embedded-app';
import { startAppPid, startEmbeddedProcess } from '../../test/utils/embedded-process';
import { createScratchDatabase, type ScratchDatabase } from '../../test/utils/services';
import { childProfileEnv } from './cpu-profile';
import { EngineClient } from './engine-client';
import type { Mode } from './options';

const ROOT = resolve(__dirname, '../..');
/** The engine's queue, as the apps name it by default (PIPELINE_QUEUE_PREFIX / PIPELINE_ENGINE_QUEUE). */
const ENGINE_QUEUE_ID_KEY = 'pipeline:pipeline_engine:id';
/** MariaDB / MySQL global counters sampled around a scenario in distributed mode. */
const MYSQL_STATUS = [
  'Questions',
  'Com_select',
  'Com_insert',
  'Com_update',
  'Com_delete',
  'Com_commit',
  'Com_rollback',
] as const;

/** Counter readings; differences between two readings are what a scenario cost. */
export interface EngineCounters {
  /** Embedded: statements the engine's DataSource ran, by kind (exact, this app only). */
  queries?: Record<string, number>;
  /** Embedded: the same by shape (`select node_state by run_id,node_id`), most frequent first. */
  statements?: Record<string, number>;
  /** Distributed: server-wide MySQL status counters (include any other client of the server). */
  mysqlStatus?: Record<string, number>;
  /** Distributed: jobs added to the engine's BullMQ queue (its id counter). */
  jobs?: number;
  /**
   * Committed transactions: the engine's own COMMITs (in-process embedded, exact) or the MySQL
   * server's `Com_commit` (distributed, server-wide). Absent when the mode cannot see them
   * (black-box embedded: the app exposes no transaction count over HTTP).
   */
  transactions?: number;
  /**
   * Node executions: `pipeline_node_executions_total` summed over every engine process's `GET
   * /metrics` (one per execute or schedule phase; polls due at once inside it are not counted again).
   */
  nodeExecutions?: number;
}

/** Where `EngineCounters.transactions` comes from in each mode, for the output. */
export const TRANSACTION_SOURCE: Record<Mode, string> = {
  embedded: "the engine's COMMITs on SQLite, counted in this process",
  'embedded-black-box': 'not exposed by the app over HTTP (GET /metrics has no database counters)',
  distributed: "MariaDB's Com_commit, server-wide (any other client of the server counts too)",
};

/** An OS process of the engine under test. */
export interface EngineProcess {
  /** `bench` (in-process: this process), `api`, `worker-1`…, `scanner`. */
  role: string;
  pid: number;
}

export type BaselineDatabase = { kind: 'sqlite'; file: string } | { kind: 'mysql'; url: string };

export interface EngineTarget {
  mode: Mode;
  client: EngineClient;
  /** How the engine was deployed, for the JSON. */
  config: Record<string, unknown>;
  /** The database the engine uses, for the insert+update baseline. */
  database: BaselineDatabase;
  counters(): Promise<EngineCounters>;
  /** The OS processes running the engine, by role (their pids, e.g. for RSS from /proc/<pid>/status). */
  processes(): EngineProcess[];
  close(): Promise<void>;
}

export function diffCounters(before: EngineCounters, after: EngineCounters): EngineCounters {
  const sub = (a: Record<string, number> | undefined, b: Record<string, number> | undefined) =>
    a && b ? Object.fromEntries(Object.keys(b).map((k) => [k, b[k] - (a[k] ?? 0)])) : undefined;
  const statements = sub(before.statements, after.statements);
  return {
    queries: sub(before.queries, after.queries),
    statements:
      statements &&
      Object.fromEntries(
        Object.entries(statements)
          .filter(([, n]) => n > 0)
          .sort((a, b) => b[1] - a[1]),
      ),
    mysqlStatus: sub(before.mysqlStatus, after.mysqlStatus),
    jobs: subNumber(before.jobs, after.jobs),
    transactions: subNumber(before.transactions, after.transactions),
    nodeExecutions: subNumber(before.nodeExecutions, after.nodeExecutions),
  };
}

function subNumber(before: number | undefined, after: number | undefined): number | undefined {
  return before !== undefined && after !== undefined ? after - before : undefined;
}

/**
 * Node executions so far: the sum of `pipeline_node_executions_total` over the `GET /metrics` of
 * every given base URL (an api, or a worker's / scanner's health port). Undefined when one fails.
 */
export async function scrapeNodeExecutions(baseUrls: string[]): Promise<number | undefined> {
  let total = 0;
  for (const url of baseUrls) {
    try {
      const res = await fetch(`${url}/metrics`);
      if (!res.ok) return undefined;
      for (const line of (await res.text()).split('\n')) {
        const m = /^pipeline_node_executions_total(?:\{[^}]*\})?\s+(\S+)/.exec(line);
        if (m) total += Number(m[1]);
      }
    } catch {
      return undefined;
    }
  }
  return total;
}

/** The kind of an SQL statement: select, insert, update, delete, begin, commit, rollback or other. */
function statementKind(sql: string): string {
  const word = /^\s*(\w+)/.exec(sql)?.[1]?.toLowerCase() ?? 'other';
  if (word === 'start') return 'begin';
  return ['select', 'insert', 'update', 'delete', 'begin', 'commit', 'rollback'].includes(word)
    ? word
    : 'other';
}

/** `select node_state by run_id,node_id`: what a statement does, without its select list or values. */
function statementShape(sql: string): string {
  const kind = statementKind(sql);
  const table = /\b(?:FROM|INTO|UPDATE)\s+[`"]?(\w+)/i.exec(sql)?.[1];
  if (!table) return kind;
  const where = /\bWHERE\b([\s\S]*)$/i.exec(sql)?.[1] ?? '';
  const columns = [
    ...new Set([...where.matchAll(/[`"](\w+)[`"]\s*(?:=|IN\b|<|>)/gi)].map((m) => m[1])),
  ];
  return `${kind} ${table}${columns.length ? ` by ${columns.join(',')}` : ''}`;
}

/** Counts every statement the DataSource runs by wrapping its logger (TypeORM calls `logQuery` whether or not logging is on). */
function countQueries(dataSource: DataSource): {
  counts: Record<string, number>;
  shapes: Record<string, number>;
} {
  const counts: Record<string, number> = {
    select: 0,
    insert: 0,
    update: 0,
    delete: 0,
    begin: 0,
    commit: 0,
    rollback: 0,
    other: 0,
  };
  const shapes: Record<string, number> = {};
  const original = dataSource.logger;
  const counting = new Proxy(original, {
    get(target, prop, receiver) {
      if (prop === 'logQuery') {
        return (query: string, parameters?: unknown[], runner?: unknown) => {
          counts[statementKind(query)]++;
          const shape = statementShape(query);
          shapes[shape] = (shapes[shape] ?? 0) + 1;
          return (target.logQuery as (...a: unknown[]) => unknown).call(
            target,
            query,
            parameters,
            runner,
          );
        };
      }
      return Reflect.get(target, prop, receiver) as unknown;
    },
  });
  Object.defineProperty(dataSource, 'logger', {
    value: counting as TypeOrmLogger,
    configurable: true,
    writable: true,
  });
  countDirectSqlite(dataSource, counts, shapes);
  return { counts, shapes };
}

/**
 * The run store's hot path runs its statements straight on better-sqlite3 (prepared once,
 * no ORM), which the logger never sees: count those where they are prepared and run.
 */
function countDirectSqlite(dataSource: DataSource, counts: Record<string, number>, shapes: Record<string, number>): void {
  const db = (dataSource.driver as unknown as { databaseConnection?: Record<string, unknown> }).databaseConnection;
  if (!db || typeof db.prepare !== 'function' || typeof db.transaction !== 'function') return;
  const prepare = (db.prepare as (sql: string) => Record<string, unknown>).bind(db);
  const count = (sql: string) => {
    counts[statementKind(sql)]++;
    const shape = statementShape(sql);
    shapes[shape] = (shapes[shape] ?? 0) + 1;
  };
  db.prepare = (sql: string) => {
    const statement = prepare(sql);
    // Own properties shadow the prototype's methods: counting costs one call, no proxy.
    for (const method of ['run', 'all', 'get'] as const) {
      const original = statement[method] as ((...a: unknown[]) => unknown) | undefined;
      if (typeof original !== 'function') continue;
      statement[method] = (...args: unknown[]) => {
        count(sql);
        return original.apply(statement, args);
      };
    }
    return statement;
  };
  const transaction = (db.transaction as (fn: (...a: unknown[]) => unknown) => (...a: unknown[]) => unknown).bind(db);
  db.transaction = (fn: (...a: unknown[]) => unknown) => {
    const wrapped = transaction(fn);
    return (...args: unknown[]) => {
      counts.begin++;
      const result = wrapped(...args);
      counts.commit++;
      return result;
    };
  };
}

export async function startEmbedded(): Promise<EngineTarget> {
  const app = await startEmbeddedApp({ LOG_LEVEL: 'warn' });
  const { counts, shapes } = countQueries(app.app.get(DataSource));
  let closing: Promise<void> | undefined;
  return {
    mode: 'embedded',
    client: new EngineClient(app.baseUrl),
    config: {
      process: 'in-process (this bench process)',
      database: 'SQLite (WAL) in a temp folder',
      queue: 'in-process',
    },
    database: { kind: 'sqlite', file: app.databaseFile },
    counters: async () => ({
      queries: { ...counts },
      statements: { ...shapes },
      transactions: counts.commit,
      nodeExecutions: await scrapeNodeExecutions([app.baseUrl]),
    }),
    processes: () => [{ role: 'bench', pid: process.pid }],
    close: () => (closing ??= app.close()),
  };
}

export interface EmbeddedBlackBoxOptions {
  cpuProfDir?: string;
  /** Gets the clean-up as soon as there is something to clean (an interrupt during start-up). */
  onCleanup?: (close: () => Promise<void>) => void;
}

/**
 * `npm start` as a child process (the built api, embedded: SQLite, no Redis) on a scratch SQLite
 * file and a free port; over HTTP only. Counters: node executions from `GET /metrics`; the app
 * exposes no statement or transaction counts, so those stay absent (see TRANSACTION_SOURCE).
 */
export async function startEmbeddedBlackBox(options: EmbeddedBlackBoxOptions = {}): Promise<EngineTarget> {
  const profiling = options.cpuProfDir ? { ...childProfileEnv(options.cpuProfDir), BENCH_ROLE: 'api' } : {};
  const app = await startEmbeddedProcess({
    env: { LOG_LEVEL: 'warn', ...profiling },
    onSpawn: options.onCleanup,
  });
  const close = app.stop;
  return {
    mode: 'embedded-black-box',
    client: new EngineClient(app.baseUrl),
    config: {
      process: '`npm start` (built api from dist/) as a child process',
      database: 'SQLite (WAL) in a temp folder',
      queue: 'in-process (of the api)',
    },
    database: { kind: 'sqlite', file: app.databaseFile },
    counters: async () => ({ nodeExecutions: await scrapeNodeExecutions([app.baseUrl]) }),
    processes: () => {
      const pid = app.appPid();
      return pid === undefined ? [] : [{ role: 'api', pid }];
    },
    close,
  };
}

/** Processes (other than this one) running the built apps from this checkout's dist/, by pid. */
export function processesUsingDist(): number[] {
  const dist = `${ROOT}/dist/`;
  let pids: string[];
  try {
    pids = readdirSync('/proc').filter((p) => /^\d+$/.test(p) && Number(p) !== process.pid);
  } catch {
    return []; // not Linux: cannot tell
  }
  return pids
    .filter((pid) => {
      try {
        return readFileSync(`/proc/${pid}/cmdline`, 'utf8').includes(dist);
      } catch {
        return false; // gone meanwhile, or not ours to read
      }
    })
    .map(Number);
}

/**
 * `npm run build`: the distributed apps run from dist/, and the libs change under us. `nest build`
 * empties dist/ first, so it is skipped (answering why) while other processes run from it, e.g. a
 * distributed e2e suite that restarts workers.
 */
export function buildApps(): string | undefined {
  const users = processesUsingDist();
  if (users.length > 0) {
    return `dist/ NOT rebuilt: processes ${users.join(', ')} run from it; the figures are of the existing build`;
  }
  const t = Date.now();
  process.stdout.write('building the apps (npm run build; --no-build skips)... ');
  const r = spawnSync('npm', ['run', 'build'], { cwd: ROOT, encoding: 'utf8' });
  if (r.status !== 0) throw new Error(`npm run build failed:\n${r.stdout}\n${r.stderr}`);
  console.log(`done in ${((Date.now() - t) / 1000).toFixed(1)} s`);
  return undefined;
}

export interface DistributedOptions {
  mysqlUrl: string;
  redisUrl: string;
  workers: number;
  cpuProfDir?: string;
  /** Gets the clean-up as soon as there is something to clean (an interrupt during start-up). */
  onCleanup?: (close: () => Promise<void>) => void;
}

export async function startDistributed(options: DistributedOptions): Promise<EngineTarget> {
  const scratch = await createScratchDatabase(options.mysqlUrl);
  const redis = new Redis(options.redisUrl, { maxRetriesPerRequest: 1, lazyConnect: true });
  let cluster: Cluster | undefined;
  let closing: Promise<void> | undefined;
  // Idempotent: an interrupt and the normal end may both close the target.
  const cleanup = () =>
    (closing ??= (async () => {
      await cluster?.stop();
      await redis.flushdb().catch(() => undefined);
      redis.disconnect();
      await scratch.drop();
    })());
  options.onCleanup?.(cleanup);
  try {
    await redis.connect();
    await redis.flushdb();
    const profiling = options.cpuProfDir ? childProfileEnv(options.cpuProfDir) : {};
    cluster = await Cluster.start({
      mysqlUrl: scratch.url,
      redisUrl: options.redisUrl,
      workers: options.workers,
      env: { LOG_LEVEL: 'warn', ...profiling },
      roleEnv: options.cpuProfDir
        ? {
            api: { BENCH_ROLE: 'api' },
            worker: { BENCH_ROLE: 'worker' },
            scanner: { BENCH_ROLE: 'scanner' },
          }
        : undefined,
    });
  } catch (e) {
    await cleanup();
    throw e;
  }
  const started = cluster;
  return {
    mode: 'distributed',
    client: new EngineClient(cluster.baseUrl),
    config: {
      processes: `api + ${options.workers} engine-worker(s) (concurrency 16 each) + timer-scanner, built apps from dist/`,
      database: `MySQL scratch database ${scratch.database}`,
      redis: options.redisUrl,
    },
    database: { kind: 'mysql', url: scratch.url },
    counters: async () => ({
      ...(await distributedCounters(redis, scratch)),
      nodeExecutions: await scrapeNodeExecutions(
        [...started.procs.values()].map((p) => `http://127.0.0.1:${p.port}`),
      ),
    }),
    processes: () => clusterProcesses(started),
    close: cleanup,
  };
}

/** The app pid of each cluster process (npm `exec`s the app, found under npm's pid), by role. */
function clusterProcesses(cluster: Cluster): EngineProcess[] {
  const out: EngineProcess[] = [];
  for (const p of cluster.procs.values()) {
    const pid = p.child.pid === undefined ? undefined : startAppPid(p.child.pid);
    if (pid !== undefined) out.push({ role: p.name, pid });
  }
  return out;
}

async function distributedCounters(
  redis: Redis,
  scratch: ScratchDatabase,
): Promise<EngineCounters> {
  const conn = await createConnection(scratch.url);
  try {
    const [rows] = await conn.query(
      `SHOW GLOBAL STATUS WHERE Variable_name IN (${MYSQL_STATUS.map(() => '?').join(',')})`,
      [...MYSQL_STATUS],
    );
    const mysqlStatus = Object.fromEntries(
      (rows as { Variable_name: string; Value: string }[]).map((r) => [
        r.Variable_name,
        Number(r.Value),
      ]),
    );
    return {
      mysqlStatus,
      transactions: mysqlStatus.Com_commit,
      jobs: Number((await redis.get(ENGINE_QUEUE_ID_KEY)) ?? 0),
    };
  } finally {
    await conn.end();
  }
}
