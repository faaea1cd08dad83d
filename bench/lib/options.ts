/**
 * Command line of `npm run bench -- [options]` and the scenario sizes (full or `--quick`).
 */
import { parseArgs, type ParseArgsConfig } from 'node:util';

export const SCENARIOS = ['A', 'B', 'C', 'D', 'E', 'F', 'G'] as const;
export type ScenarioId = (typeof SCENARIOS)[number];
export type ModeOption = 'embedded' | 'embedded-black-box' | 'distributed' | 'both';
/**
 * embedded: the api app in the bench's own process (in-process); embedded-black-box: `npm start`
 * as a child process, over HTTP only; distributed: api + workers + scanner as processes (black-box).
 */
export type Mode = 'embedded' | 'embedded-black-box' | 'distributed';
/** The order modes run and are printed in. */
export const MODES: readonly Mode[] = ['embedded', 'embedded-black-box', 'distributed'];

export interface Sizes {
  /** A: runs of the 17-node bamboo pipeline started at once. */
  aRuns: number;
  /** B: parallel branches × activities per branch, one run. */
  bBranches: number;
  bBranchLength: number;
  /** C: sequential linear runs × noop activities each. */
  cRuns: number;
  cActivities: number;
  /** D: runs started through the API, and requests in flight. */
  dRuns: number;
  dConcurrency: number;
  /** E: nodes of each validated tree, and timed repetitions. */
  eNodes: number;
  eRepeats: number;
  /** F: insert+update transactions of the database loop. */
  fDbTransactions: number;
  /** G: runs of one external task, client workers taking them, tasks each worker runs at once. */
  gRuns: number;
  gWorkers: number;
  gConcurrency: number;
}

export const FULL_SIZES: Sizes = {
  aRuns: 100,
  bBranches: 100,
  bBranchLength: 10,
  cRuns: 10,
  cActivities: 50,
  dRuns: 1000,
  dConcurrency: 32,
  eNodes: 10_000,
  eRepeats: 9,
  fDbTransactions: 1000,
  gRuns: 1000,
  gWorkers: 4,
  gConcurrency: 8,
};

export const QUICK_SIZES: Sizes = {
  aRuns: 10,
  bBranches: 10,
  bBranchLength: 10,
  cRuns: 3,
  cActivities: 10,
  dRuns: 100,
  dConcurrency: 32,
  eNodes: 10_000,
  eRepeats: 3,
  fDbTransactions: 100,
  gRuns: 50,
  gWorkers: 2,
  gConcurrency: 4,
};

export interface BenchOptions {
  /** What was asked for; `undefined` = both when MySQL and Redis answer, else embedded. */
  mode: ModeOption | undefined;
  /** `--black-box`: wherever embedded runs in-process, run it black-box (`npm start`) too. */
  blackBox: boolean;
  scenarios: ScenarioId[];
  quick: boolean;
  sizes: Sizes;
  /** Engine-worker processes in distributed mode. */
  workers: number;
  /** Rebuild dist/ before a distributed run (`--no-build` skips). */
  build: boolean;
  /** Server URL of MySQL (a scratch database is created on it). */
  mysqlUrl: string;
  /** Redis URL with the db number the bench may flush. */
  redisUrl: string;
  /** Write V8 CPU profiles of the engine processes to this folder. */
  cpuProfDir: string | undefined;
  /** Where the JSON result goes. */
  resultsDir: string;
}

export const USAGE = `usage: npm run bench -- [options]
  --mode embedded|distributed|both   default: both when MySQL and Redis answer, else embedded
         embedded-black-box          only the black-box embedded mode (npm start as a child process)
  --black-box                        run embedded mode black-box as well: \`npm start\` (built api,
                                     SQLite) as a child process driven over HTTP only; the table
                                     gets the columns embedded (in-process) | embedded (black-box)
                                     | distributed (already black-box)
  --scenarios A,B,C,D,E,F,G          default: all
  --quick                            small sizes, for smoke tests
  --workers N                        engine-worker processes in distributed mode (default 1)
  --no-build                         do not rebuild dist/ before a black-box or distributed run
  --mysql-url URL                    default $BENCH_MYSQL_URL or mysql://root@127.0.0.1:3306
  --redis-url URL                    default $BENCH_REDIS_URL or redis://127.0.0.1:6379/12 (flushed!)
  --cpu-prof DIR                     write .cpuprofile files of the engine (in-process or child processes)
  --out DIR                          results folder (default bench/results)`;

/** A bad command line: reported as its message alone, no stack. */
export class UsageError extends Error {
  override name = 'UsageError';
}

export function parseOptions(
  argv: string[],
  env: NodeJS.ProcessEnv,
  benchDir: string,
): BenchOptions {
  const { values } = parseArgsOrUsage({
    args: argv,
    options: {
      mode: { type: 'string' },
      scenarios: { type: 'string' },
      quick: { type: 'boolean', default: false },
      'black-box': { type: 'boolean', default: false },
      workers: { type: 'string', default: '1' },
      'no-build': { type: 'boolean', default: false },
      'mysql-url': { type: 'string' },
      'redis-url': { type: 'string' },
      'cpu-prof': { type: 'string' },
      out: { type: 'string' },
      help: { type: 'boolean', short: 'h', default: false },
    },
    strict: true,
    allowPositionals: false,
  });
  if (values.help) {
    console.log(USAGE);
    process.exit(0);
  }
  const mode = values.mode;
  if (
    mode !== undefined &&
    mode !== 'embedded' &&
    mode !== 'embedded-black-box' &&
    mode !== 'distributed' &&
    mode !== 'both'
  ) {
    throw new UsageError(
      `--mode must be embedded, embedded-black-box, distributed or both (got '${mode}')\n${USAGE}`,
    );
  }
  const workers = Number(values.workers);
  if (!Number.isInteger(workers) || workers < 1)
    throw new UsageError(`--workers must be a positive integer (got '${values.workers}')`);
  return {
    mode,
    blackBox: values['black-box'],
    scenarios: parseScenarios(values.scenarios),
    quick: values.quick,
    sizes: values.quick ? QUICK_SIZES : FULL_SIZES,
    workers,
    build: !values['no-build'],
    mysqlUrl: values['mysql-url'] ?? env.BENCH_MYSQL_URL ?? 'mysql://root@127.0.0.1:3306',
    redisUrl: values['redis-url'] ?? env.BENCH_REDIS_URL ?? 'redis://127.0.0.1:6379/12',
    cpuProfDir: values['cpu-prof'],
    resultsDir: values.out ?? `${benchDir}/results`,
  };
}

/** `parseArgs`, its errors (unknown option, missing value) turned into usage errors. */
function parseArgsOrUsage<T extends ParseArgsConfig>(config: T): ReturnType<typeof parseArgs<T>> {
  try {
    return parseArgs(config);
  } catch (e) {
    throw new UsageError(`${e instanceof Error ? e.message : String(e)}\n${USAGE}`);
  }
}

function parseScenarios(raw: string | undefined): ScenarioId[] {
  if (!raw) return [...SCENARIOS];
  const picked = raw
    .split(',')
    .map((s) => s.trim().toUpperCase())
    .filter(Boolean);
  const unknown = picked.filter((s) => !(SCENARIOS as readonly string[]).includes(s));
  if (unknown.length)
    throw new UsageError(
      `unknown scenario(s) ${unknown.join(', ')}; pick from ${SCENARIOS.join(',')}`,
    );
  return SCENARIOS.filter((s) => picked.includes(s));
}
