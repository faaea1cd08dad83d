/**
 * F: what the machine does without the engine, on the same Redis and database, for the
 * engine ÷ baseline ratios:
 * - a raw BullMQ chain: each job's handler adds the next job, then completes (as the engine's
 *   handler adds the jobs its step produced) — serially (`jobs` long, concurrency 1), and in B's
 *   shape (B's branches as parallel chains, worker concurrency 16 like an engine-worker);
 * - a plain insert+update loop through the same driver as the engine (better-sqlite3 on the
 *   engine's SQLite file in embedded mode, mysql2 on its MySQL database in distributed mode): one
 *   transaction per iteration, an INSERT of a node-like row and an UPDATE of it by primary key;
 *   serially, and on MySQL also over 10 connections (the engine's default pool size).
 */
import { randomBytes } from 'node:crypto';
import { createRequire } from 'node:module';
import { Queue, Worker, type JobsOptions } from 'bullmq';
import { Redis } from 'ioredis';
import {
  createConnection,
  createPool,
  type Connection,
  type ResultSetHeader,
} from 'mysql2/promise';
import { mapLimit, msSince, perSecond, round, summarize, type Summary } from '../lib/stats';
import type { BaselineDatabase } from '../lib/targets';

export interface ChainResult {
  chains: number;
  jobsPerChain: number;
  concurrency: number;
  jobs: number;
  ms: number;
  jobsPerSecond: number;
  /** Serial chain only: one job's handler start → the next one's. */
  hopMs?: Summary;
}

export interface DbLoopResult {
  driver: 'better-sqlite3' | 'mysql2';
  connections: number;
  transactions: number;
  ms: number;
  transactionsPerSecond: number;
  latencyMs: Summary;
}

export interface BaselinesResult {
  bullmqSerial?: ChainResult;
  bullmqParallel?: ChainResult;
  dbSerial: DbLoopResult;
  dbParallel?: DbLoopResult;
}

const JOB_OPTIONS: JobsOptions = { removeOnComplete: true, removeOnFail: true, attempts: 1 };
const ENGINE_WORKER_CONCURRENCY = 16;
const MYSQL_POOL_SIZE = 10;

/** `chains` chains of `length` jobs on a fresh queue; answers when the last job ran. */
export async function bullmqChains(
  redisUrl: string,
  chains: number,
  length: number,
  concurrency: number,
): Promise<ChainResult> {
  const name = `bench_chain_${randomBytes(4).toString('hex')}`;
  const producer = new Redis(redisUrl, { maxRetriesPerRequest: null });
  const consumer = new Redis(redisUrl, { maxRetriesPerRequest: null });
  const queue = new Queue(name, { connection: producer, prefix: 'bench' });
  const total = chains * length;
  const starts: number[] = [];
  let done = 0;
  let finish: () => void = () => undefined;
  const finished = new Promise<void>((r) => (finish = r));
  const worker = new Worker<{ chain: number; step: number }>(
    name,
    async (job) => {
      if (chains === 1) starts.push(performance.now());
      const { chain, step } = job.data;
      if (step + 1 < length) await queue.add('step', { chain, step: step + 1 }, JOB_OPTIONS);
      if (++done === total) finish();
    },
    { connection: consumer, prefix: 'bench', concurrency },
  );
  try {
    await worker.waitUntilReady();
    const t0 = process.hrtime.bigint();
    await queue.addBulk(
      Array.from({ length: chains }, (_, chain) => ({
        name: 'step',
        data: { chain, step: 0 },
        opts: JOB_OPTIONS,
      })),
    );
    await finished;
    const ms = round(msSince(t0), 1);
    const hops = starts.slice(1).map((t, i) => t - starts[i]);
    return {
      chains,
      jobsPerChain: length,
      concurrency,
      jobs: total,
      ms,
      jobsPerSecond: perSecond(total, ms),
      ...(chains === 1 ? { hopMs: summarize(hops) } : {}),
    };
  } finally {
    await worker.close();
    await queue.obliterate({ force: true }).catch(() => undefined);
    await queue.close();
    producer.disconnect();
    consumer.disconnect();
  }
}

const tableName = () => `bench_baseline_${randomBytes(4).toString('hex')}`;
const createTableSql = (table: string, suffix = '') =>
  `CREATE TABLE ${table} (run_id varchar(36) NOT NULL, node_id varchar(128) NOT NULL, state varchar(16) NOT NULL, ` +
  `version int NOT NULL, started_at datetime(3) NULL, finished_at datetime(3) NULL, PRIMARY KEY (run_id, node_id))${suffix}`;
const insertSql = (table: string) =>
  `INSERT INTO ${table} (run_id, node_id, state, version, started_at) VALUES (?, ?, 'RUNNING', 1, ?)`;
const updateSql = (table: string) =>
  `UPDATE ${table} SET state = 'FINISHED', finished_at = ? WHERE run_id = ? AND node_id = ? AND version = 1`;

/** The part of better-sqlite3's API the loop uses (the package ships no types). */
interface SqliteDatabase {
  pragma(source: string): unknown;
  exec(sql: string): void;
  prepare(sql: string): { run(...params: unknown[]): { changes: number } };
  transaction<A extends unknown[]>(fn: (...args: A) => void): (...args: A) => void;
  close(): void;
}
type SqliteConstructor = new (file: string) => SqliteDatabase;

function sqliteLoop(file: string, transactions: number): DbLoopResult {
  const Database = createRequire(__filename)('better-sqlite3') as SqliteConstructor;
  const db = new Database(file);
  const table = tableName();
  try {
    db.pragma('journal_mode = WAL');
    db.pragma('busy_timeout = 5000');
    db.exec(createTableSql(table));
    const insert = db.prepare(insertSql(table));
    const update = db.prepare(updateSql(table));
    const runId = randomBytes(16).toString('hex');
    const iteration = db.transaction((i: number) => {
      insert.run(runId, `n${i}`, new Date().toISOString());
      if (update.run(new Date().toISOString(), runId, `n${i}`).changes !== 1)
        throw new Error('update matched no row');
    });
    const latencies: number[] = [];
    const t0 = process.hrtime.bigint();
    for (let i = 0; i < transactions; i++) {
      const t = process.hrtime.bigint();
      iteration(i);
      latencies.push(msSince(t));
    }
    const ms = round(msSince(t0), 1);
    return {
      driver: 'better-sqlite3',
      connections: 1,
      transactions,
      ms,
      transactionsPerSecond: perSecond(transactions, ms),
      latencyMs: summarize(latencies),
    };
  } finally {
    db.exec(`DROP TABLE IF EXISTS ${table}`);
    db.close();
  }
}

async function mysqlIteration(
  conn: Connection,
  table: string,
  runId: string,
  i: number,
): Promise<void> {
  await conn.beginTransaction();
  await conn.query(insertSql(table), [runId, `n${i}`, new Date()]);
  const [r] = await conn.query<ResultSetHeader>(updateSql(table), [new Date(), runId, `n${i}`]);
  if (r.affectedRows !== 1) throw new Error('update matched no row');
  await conn.commit();
}

async function mysqlLoop(
  url: string,
  transactions: number,
  connections: number,
): Promise<DbLoopResult> {
  const table = tableName();
  const admin = await createConnection(url);
  const pool = createPool({ uri: url, connectionLimit: connections });
  try {
    await admin.query(createTableSql(table, ' ENGINE=InnoDB'));
    const conns = await Promise.all(
      Array.from({ length: connections }, () => pool.getConnection()),
    );
    const runId = randomBytes(16).toString('hex');
    const latencies: number[] = [];
    const t0 = process.hrtime.bigint();
    await mapLimit(conns, connections, async (conn, lane) => {
      for (let i = lane; i < transactions; i += connections) {
        const t = process.hrtime.bigint();
        await mysqlIteration(conn, table, runId, i);
        latencies.push(msSince(t));
      }
      conn.release();
    });
    const ms = round(msSince(t0), 1);
    return {
      driver: 'mysql2',
      connections,
      transactions,
      ms,
      transactionsPerSecond: perSecond(transactions, ms),
      latencyMs: summarize(latencies),
    };
  } finally {
    await admin.query(`DROP TABLE IF EXISTS ${table}`).catch(() => undefined);
    await admin.end();
    await pool.end();
  }
}

export interface BaselineSizes {
  /** Serial chain length (B's activity count). */
  chainJobs: number;
  /** B's shape for the parallel chains. */
  branches: number;
  branchLength: number;
  dbTransactions: number;
}

/** Every baseline; the BullMQ ones only when a Redis URL is given. */
export async function scenarioF(
  database: BaselineDatabase,
  redisUrl: string | undefined,
  sizes: BaselineSizes,
): Promise<BaselinesResult> {
  const out: BaselinesResult = {
    dbSerial:
      database.kind === 'sqlite'
        ? sqliteLoop(database.file, sizes.dbTransactions)
        : await mysqlLoop(database.url, sizes.dbTransactions, 1),
  };
  if (database.kind === 'mysql')
    out.dbParallel = await mysqlLoop(database.url, sizes.dbTransactions, MYSQL_POOL_SIZE);
  if (redisUrl) {
    out.bullmqSerial = await bullmqChains(redisUrl, 1, sizes.chainJobs, 1);
    out.bullmqParallel = await bullmqChains(
      redisUrl,
      sizes.branches,
      sizes.branchLength,
      ENGINE_WORKER_CONCURRENCY,
    );
  }
  return out;
}
