/**
 * `npm run bench:timers -- [--timers 10000] [--spread 5] [--pools in-process,redis|none]
 *   [--e2e embedded,distributed|none] [--runs 1000] [--timeout 15] [--quick]`
 *
 * How late node timers fire (DESIGN §7; target: never early, p99 ≤ 100 ms). Prints a table and
 * writes `bench/results/<date>-timers.json` with the machine, Node version and git commit.
 *
 *   pool  10,000 timers armed through the real upkeep path (`NodeTimerDriver.onNodeStateChange`)
 *         on the real pools and queues (in-process; Redis ZSET + BullMQ dispatch/handle queues,
 *         scanner and worker on separate connections), with a fake engine behind them (node rows
 *         in memory, so the figures are the timer machinery's, not the database's). `spread`:
 *         due times spread evenly over `--spread` seconds, starting 2 s after arming; `burst`:
 *         all due at the same instant (a throughput figure, not a precision one). Lateness =
 *         when the kind's `fire` ran − due time. Scan interval: the production default (1 s).
 *   e2e   runs of a `wait_callback` node with `timeout_config {seconds, forced_fail}` through the
 *         REST API (embedded: this process on SQLite; distributed: built api + worker + scanner
 *         over MySQL and Redis). Lateness = the node's finishedAt (the forced failure committed)
 *         − startedAt − seconds, from the run view: the whole path, database included. The
 *         timeout (15 s) outlasts starting the runs, so timers fire on an otherwise idle engine.
 *
 * Redis and MySQL come from TEST_REDIS_URL / TEST_MYSQL_URL (as the test suites); a part whose
 * service is missing is skipped with a note. Timings live here, never in tests.
 */
import { randomBytes } from 'node:crypto';
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import {
  BullMqTimerJobQueue,
  InProcessExecutingPool,
  InProcessTimerJobQueue,
  NodeTimerDriver,
  RedisExecutingPool,
  type ExecutingPool,
  type NodeRecord,
  type NodeStateChange,
  type NodeStateListener,
  type NodeTimerEngine,
  type NodeTimerFiring,
  type NodeTimerKind,
  type NodeTimerParts,
  type NodeTimerSpec,
  type PipelineTree,
  type TimerJobQueue,
} from '@app/pipeline';
import { Logger } from '@nestjs/common';
import { Redis } from 'ioredis';
import request from 'supertest';
import { Cluster } from '../test/utils/cluster';
import { startEmbeddedApp } from '../test/utils/embedded-app';
import { createScratchDatabase } from '../test/utils/services';
import { gitInfo, machineInfo, probeMysql, probeRedis } from './lib/environment';
import { mapLimit, sleep, summarize, type Summary } from './lib/stats';

// ------------------------------------------------------------------ options

interface Options {
  timers: number;
  spreadSeconds: number;
  pools: ('in-process' | 'redis')[];
  e2e: ('embedded' | 'distributed')[];
  runs: number;
  timeoutSeconds: number;
  quick: boolean;
}

function parseOptions(argv: string[]): Options {
  const get = (name: string): string | undefined => {
    const i = argv.indexOf(`--${name}`);
    return i >= 0 ? argv[i + 1] : undefined;
  };
  const quick = argv.includes('--quick');
  const list = <T extends string>(name: string, all: T[]): T[] => {
    const v = get(name);
    if (v === undefined) return all;
    if (v === 'none') return [];
    const picked = v.split(',').filter(Boolean) as T[];
    for (const p of picked)
      if (!all.includes(p))
        throw new Error(`--${name}: unknown value '${p}' (one of ${all.join(', ')})`);
    return picked;
  };
  return {
    timers: Number(get('timers') ?? (quick ? 1_000 : 10_000)),
    spreadSeconds: Number(get('spread') ?? (quick ? 2 : 5)),
    pools: list('pools', ['in-process', 'redis']),
    e2e: list('e2e', ['embedded', 'distributed']),
    runs: Number(get('runs') ?? (quick ? 100 : 1_000)),
    timeoutSeconds: Number(get('timeout') ?? (quick ? 3 : 15)),
    quick,
  };
}

/** Wall-clock ms with sub-ms resolution, comparable with `Date.now()` due times. */
const now = (): number => performance.timeOrigin + performance.now();

interface LatenessResult {
  timers: number;
  /** How long arming them took (upkeep path), ms. */
  armMs?: number;
  /** Fired before their due time: must be 0. */
  early: number;
  /** Never fired within the wait. */
  missing: number;
  lateMs: Summary;
}

function lateness(late: number[], expected: number, armMs?: number): LatenessResult {
  return {
    timers: expected,
    ...(armMs !== undefined ? { armMs: Math.round(armMs) } : {}),
    early: late.filter((l) => l < 0).length,
    missing: expected - late.length,
    lateMs: summarize(late),
  };
}

// ------------------------------------------------------------------ pool scenario

/** The engine behind the driver: one RUNNING node per run, in memory. */
class BenchEngine implements NodeTimerEngine {
  private readonly listeners = new Set<NodeStateListener>();
  readonly nodes = new Map<string, NodeRecord>();
  /** One compiled-tree stand-in per run, as the runtime's tree cache gives. */
  private readonly trees_ = new Map<string, { tree: PipelineTree }>();

  readonly signals = {
    onNodeStateChange: (l: NodeStateListener) => {
      this.listeners.add(l);
      return () => void this.listeners.delete(l);
    },
  };
  readonly store = {
    loadNodeWithRun: async (runId: string) => ({
      run: { id: runId, state: 'RUNNING' as const, rev: 0 },
      node: this.nodes.get(runId) ?? null,
    }),
    // One page holds them all: rebuilds are not what this benchmark measures.
    pageLiveNodes: async (_states: unknown, after: unknown) => (after ? [] : [...this.nodes.values()].filter((n) => n.state === 'RUNNING')),
  };
  readonly trees = {
    compiledTree: async (runId: string) => {
      let t = this.trees_.get(runId);
      if (!t) this.trees_.set(runId, (t = { tree: { id: runId } as PipelineTree }));
      return t;
    },
  };

  async publish(changes: NodeStateChange[]): Promise<void> {
    for (const l of this.listeners) await l(changes);
  }
}

/** Each run's node `a` has one timer, due when the bench says; firing fails the node, as forced_fail does. */
class BenchKind implements NodeTimerKind {
  readonly name = 'bench';
  readonly memberPrefix = 'bench:';
  readonly late: number[] = [];
  constructor(
    private readonly engine: BenchEngine,
    readonly dueOf: Map<string, number>,
  ) {}

  register(runId: string): ReadonlyMap<string, readonly NodeTimerSpec[]> {
    const dueAt = this.dueOf.get(runId) ?? null;
    return new Map([
      ['a', [{ index: 1, firstDue: () => dueAt, occurrence: () => 1, nextDue: () => null }]],
    ]);
  }

  async fire(f: NodeTimerFiring): Promise<void> {
    this.late.push(now() - f.dueAt);
    const node = this.engine.nodes.get(f.runId);
    if (node)
      this.engine.nodes.set(f.runId, { ...node, state: 'FAILED', version: node.version + 1 });
  }
}

function nodeRow(runId: string, startedAt: number): NodeRecord {
  return {
    runId,
    nodeId: 'a',
    scopeId: 'p',
    processId: 'p',
    state: 'RUNNING',
    version: 1,
    loop: 1,
    retries: 0,
    skip: false,
    skipReason: null,
    errorIgnored: false,
    scheduleTimes: 0,
    awaiting: 'callback',
    callbacks: [],
    callbackSeq: 0,
    inputs: {},
    outputs: {},
    exData: null,
    startedAt: new Date(startedAt),
    finishedAt: null,
  };
}

async function poolScenario(
  label: string,
  make: (queues: string[], consume: boolean) => Promise<{ pool: ExecutingPool; queue: TimerJobQueue }>,
  options: Options,
  burst: boolean,
  separateScanner: boolean,
): Promise<LatenessResult> {
  const engine = new BenchEngine();
  const dueOf = new Map<string, number>();
  const kind = new BenchKind(engine, dueOf);
  const poolName = `bench_timers_${randomBytes(4).toString('hex')}`;
  const closers: (() => Promise<void>)[] = [];
  const driver = async (parts: NodeTimerParts) => {
    const { pool, queue } = await make([`${poolName}_dispatch`, `${poolName}_handle`], parts.handle);
    const d = new NodeTimerDriver(kind, pool, queue, engine, {
      pool: poolName,
      dispatchQueue: `${poolName}_dispatch`,
      handleQueue: `${poolName}_handle`,
      scanIntervalMs: 1_000,
      parts,
    });
    d.start();
    closers.push(async () => {
      await d.stop();
      await queue.close();
      await pool.clear(poolName);
      await pool.clear(`${poolName}:fired`);
      await pool.clear(`${poolName}:rebuilt`);
      await pool.close();
    });
    return d;
  };
  if (separateScanner) {
    await driver({ maintain: false, scan: true, handle: false });
    await driver({ maintain: true, scan: false, handle: true });
  } else {
    await driver({ maintain: true, scan: true, handle: true });
  }
  try {
    await sleep(200);
    const n = options.timers;
    const t0 = Date.now() + 2_000;
    const spreadMs = options.spreadSeconds * 1000;
    const armStart = now();
    // Arm as the engine would: node entries committed in batches (one decision per node, 100 per publish).
    for (let i = 0; i < n; i += 100) {
      const changes: NodeStateChange[] = [];
      for (let j = i; j < Math.min(n, i + 100); j++) {
        const runId = `run-${j}`;
        const startedAt = Date.now();
        dueOf.set(runId, burst ? t0 : t0 + Math.floor((j * spreadMs) / n));
        engine.nodes.set(runId, nodeRow(runId, startedAt));
        changes.push({
          runId,
          nodeId: 'a',
          scopeId: 'p',
          state: 'RUNNING',
          version: 1,
          previous: null,
          startedAt: new Date(startedAt),
        });
      }
      await engine.publish(changes);
    }
    const armMs = now() - armStart;
    const until = t0 + (burst ? 0 : spreadMs) + 30_000;
    while (kind.late.length < n && Date.now() < until) await sleep(50);
    const result = lateness(kind.late, n, armMs);
    process.stdout.write(`  ${label}: ${fmt(result)}\n`);
    return result;
  } finally {
    for (const close of closers.reverse()) await close();
  }
}

// ------------------------------------------------------------------ e2e scenario

function timeoutTree(id: string, seconds: number) {
  return {
    id,
    start_event: { id: 's', type: 'EmptyStartEvent', name: 's', incoming: '', outgoing: 'f1' },
    end_event: { id: 'e', type: 'EmptyEndEvent', name: 'e', incoming: ['f2'], outgoing: '' },
    activities: {
      a: {
        id: 'a',
        type: 'ServiceActivity',
        name: 'a',
        incoming: ['f1'],
        outgoing: 'f2',
        component: { code: 'wait_callback', inputs: {} },
        timeout_config: { enable: true, action: 'forced_fail', seconds },
      },
    },
    gateways: {},
    flows: {
      f1: { id: 'f1', source: 's', target: 'a', is_default: false },
      f2: { id: 'f2', source: 'a', target: 'e', is_default: false },
    },
    data: { inputs: {}, outputs: [] },
  };
}

async function e2eScenario(
  label: string,
  http: () => ReturnType<typeof request>,
  options: Options,
): Promise<LatenessResult & { startMs: number }> {
  const seconds = options.timeoutSeconds;
  const tree = timeoutTree('bench_timeout', seconds);
  const started = now();
  const ids = await mapLimit(Array.from({ length: options.runs }), 32, async () => {
    const res = await http().post('/api/v1/runs').send({ definition: tree });
    if (res.status !== 201)
      throw new Error(`start failed: ${res.status} ${JSON.stringify(res.body)}`);
    return res.body.id as string;
  });
  const startMs = now() - started;
  const late: number[] = [];
  const pending = new Set(ids);
  const until = Date.now() + seconds * 1000 + startMs + 60_000;
  while (pending.size && Date.now() < until) {
    await sleep(250);
    await mapLimit([...pending], 16, async (id) => {
      const run = (await http().get(`/api/v1/runs/${id}`)).body as {
        nodes: Record<string, { state: string; startedAt: string; finishedAt: string | null }>;
      };
      const a = run.nodes?.a;
      if (a?.state === 'FAILED' && a.finishedAt) {
        late.push(Date.parse(a.finishedAt) - Date.parse(a.startedAt) - seconds * 1000);
        pending.delete(id);
      }
    });
  }
  const result = { ...lateness(late, ids.length), startMs: Math.round(startMs) };
  process.stdout.write(
    `  ${label}: ${fmt(result)} (runs started in ${(startMs / 1000).toFixed(1)} s)\n`,
  );
  return result;
}

// ------------------------------------------------------------------ main

const fmt = (r: LatenessResult): string =>
  `${r.timers} timers, late p50 ${r.lateMs.p50} ms, p99 ${r.lateMs.p99} ms, max ${r.lateMs.max} ms, early ${r.early}, missing ${r.missing}${r.armMs !== undefined ? `, armed in ${r.armMs} ms` : ''}`;

async function main(): Promise<void> {
  const options = parseOptions(process.argv.slice(2));
  // The timer machinery logs every firing; keep the figures readable.
  Logger.overrideLogger(['error']);
  const redisUrl = process.env.TEST_REDIS_URL?.trim() || undefined;
  const mysqlUrl = process.env.TEST_MYSQL_URL?.trim() || undefined;
  const services = {
    redis: redisUrl ? await probeRedis(redisUrl) : undefined,
    mysql: mysqlUrl ? await probeMysql(mysqlUrl) : undefined,
  };
  const results: Record<string, unknown> = {};
  const notes: string[] = [];

  process.stdout.write(
    `pool: ${options.timers} timers, spread over ${options.spreadSeconds} s, and a burst\n`,
  );
  if (options.pools.includes('in-process')) {
    const make = async () => ({
      pool: new InProcessExecutingPool() as ExecutingPool,
      queue: new InProcessTimerJobQueue({ concurrency: 32 }) as TimerJobQueue,
    });
    results['pool.in-process.spread'] = await poolScenario(
      'in-process, spread',
      make,
      options,
      false,
      false,
    );
    results['pool.in-process.burst'] = await poolScenario(
      'in-process, burst',
      make,
      options,
      true,
      false,
    );
  }
  if (options.pools.includes('redis')) {
    if (!redisUrl || !services.redis) {
      notes.push('pool.redis skipped: set TEST_REDIS_URL to a reachable Redis');
    } else {
      const prefix = `bench_timers_${randomBytes(4).toString('hex')}`;
      const make = async (queues: string[], consume: boolean) => ({
        pool: new RedisExecutingPool({ redisUrl }) as ExecutingPool,
        queue: (await BullMqTimerJobQueue.open({
          redisUrl,
          prefix,
          concurrency: 32,
          queues,
          consume: consume ? queues : [],
        })) as TimerJobQueue,
      });
      results['pool.redis.spread'] = await poolScenario(
        'redis + BullMQ, spread',
        make,
        options,
        false,
        true,
      );
      results['pool.redis.burst'] = await poolScenario(
        'redis + BullMQ, burst',
        make,
        options,
        true,
        true,
      );
      const redis = new Redis(redisUrl);
      let cursor = '0';
      do {
        const [next, keys] = await redis.scan(cursor, 'MATCH', `${prefix}:*`, 'COUNT', 1000);
        cursor = next;
        if (keys.length) await redis.del(...keys);
      } while (cursor !== '0');
      redis.disconnect();
    }
  }

  process.stdout.write(
    `e2e: ${options.runs} runs with a ${options.timeoutSeconds} s timeout (forced_fail)\n`,
  );
  if (options.e2e.includes('embedded')) {
    const app = await startEmbeddedApp({ LOG_LEVEL: 'error' });
    try {
      results['e2e.embedded'] = await e2eScenario('embedded (SQLite)', () => app.http(), options);
    } finally {
      await app.close();
    }
  }
  if (options.e2e.includes('distributed')) {
    if (!redisUrl || !mysqlUrl || !services.redis || !services.mysql) {
      notes.push(
        'e2e.distributed skipped: set TEST_MYSQL_URL and TEST_REDIS_URL to reachable servers',
      );
    } else {
      const prefix = `bench_timers_${randomBytes(4).toString('hex')}`;
      const db = await createScratchDatabase(mysqlUrl);
      let cluster: Cluster | undefined;
      try {
        cluster = await Cluster.start({
          mysqlUrl: db.url,
          redisUrl,
          workers: 1,
          env: {
            LOG_LEVEL: 'error',
            PIPELINE_QUEUE_PREFIX: prefix,
            PIPELINE_NODE_TIMEOUT_EXECUTING_POOL: `${prefix}:executing_node_pool`,
            PIPELINE_NODE_TIMER_EVENT_KEY_PREFIX: `${prefix}:node_timer_event`,
            PIPELINE_NODE_TIMER_EVENT_EXECUTING_POOL: `${prefix}:node_timer_event:executing_node_pool`,
          },
        });
        const base = cluster.baseUrl;
        results['e2e.distributed'] = await e2eScenario(
          'distributed (MySQL, Redis, 1 worker, 1 scanner)',
          () => request(base),
          options,
        );
      } finally {
        await cluster?.stop();
        await db.drop();
        const redis = new Redis(redisUrl);
        let cursor = '0';
        do {
          const [next, keys] = await redis.scan(cursor, 'MATCH', `${prefix}*`, 'COUNT', 1000);
          cursor = next;
          if (keys.length) await redis.del(...keys);
        } while (cursor !== '0');
        redis.disconnect();
      }
    }
  }

  for (const note of notes) process.stdout.write(`NOTE: ${note}\n`);
  const date = new Date().toISOString();
  const doc = {
    schema: 1,
    bench: 'timers',
    date,
    options,
    machine: machineInfo(),
    node: process.version,
    git: gitInfo(),
    services,
    results,
    notes,
  };
  const dir = join(__dirname, 'results');
  mkdirSync(dir, { recursive: true });
  const file = join(
    dir,
    `${date.replace(/:/g, '-').replace(/\.\d+Z$/, 'Z')}-timers${options.quick ? '-quick' : ''}.json`,
  );
  writeFileSync(file, `${JSON.stringify(doc, null, 2)}\n`);
  process.stdout.write(`\nwritten: ${file}\n`);
}

main().then(
  () => process.exit(0),
  (e: unknown) => {
    process.stderr.write(`${e instanceof Error ? (e.stack ?? e.message) : String(e)}\n`);
    process.exit(1);
  },
);
