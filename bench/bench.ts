/**
 * `npm run bench -- [--mode embedded|embedded-black-box|distributed|both] [--black-box] [--scenarios A,B,...] [--quick]`
 *
 * Measures the engine on this machine, over its public HTTP API, in embedded mode (the API app
 * with the engine in this process, SQLite) and/or distributed mode (built api + engine-worker(s)
 * + timer-scanner processes over a scratch MySQL database and Redis db 12). Prints a table and
 * writes `bench/results/<date>-<mode>.json` with the machine, Node version, git commit and every
 * figure. Without --mode: both when MySQL and Redis answer, else embedded (with a loud note).
 *
 * `--black-box` adds a third column wherever embedded mode runs: the same scenarios against
 * `npm start` (the README's embedded command, the built api from dist/) as a child process on a
 * scratch SQLite file, driven over HTTP only — beside the in-process figures and the distributed
 * ones (distributed mode is black-box already). `--mode embedded-black-box` runs that column alone.
 * Black-box embedded mode sees no database counters (the app exposes none over HTTP), so its
 * transactions per activity are reported as not available; distributed mode takes them from the
 * MySQL server's Com_commit, in-process embedded mode counts the engine's own COMMITs.
 * For A and B every mode reports activities/s, transactions per activity and transactions/s.
 *
 *   A  bamboo-engine's README scenario: 100 runs of a 17-node pipeline (activities, a 3-branch
 *      parallel gateway, an exclusive gateway, a two-activity sub-process) started at once; every
 *      activity is a `poll` node polled once with zero interval (one execute + one schedule).
 *      Time from the first POST to the last run's finishedAt.
 *   B  one run of 1,000 such activities: a parallel gateway with 100 branches of 10.
 *   C  hop latency on an idle engine: sequential linear runs of noop nodes; from the node rows,
 *      node finished → next node started, p50 / p99 (and the whole noop node cycle).
 *   D  the start API: 1,000 runs of a 3-activity tree started over HTTP, 32 requests in flight;
 *      runs started per second and POST latency p50 / p99, stored pipeline and inline tree.
 *   E  validation of 10,000-node trees (linear, 100×100 parallel, nested mix): `validateTree`
 *      in-process, and `POST /pipelines/validate` of each engine for the nested mix.
 *   G  external tasks: runs of one external_task node taken and completed by client workers
 *      (`ExternalTaskWorker`, long polling) over HTTP; tasks/s and start → picked up p50 / p99.
 *   F  baselines on the same Redis and database: a raw BullMQ chain as long as B (and B's shape
 *      as parallel chains), a plain insert+update transaction loop through the engine's driver;
 *      engine ÷ baseline ratios.
 *
 * --quick shrinks every size for smoke tests (figures not comparable). Distributed runs rebuild
 * dist/ first (`--no-build` to skip). `--cpu-prof DIR` writes CPU profiles of the engine; `npm run
 * bench:profile -- FILE.cpuprofile` lists where the time went.
 * Timings live here, never in tests.
 */
import { join } from 'node:path';
import { profileThisProcess } from './lib/cpu-profile';
import { gitInfo, machineInfo, probeMysql, probeRedis } from './lib/environment';
import {
  parseOptions,
  UsageError,
  MODES,
  type BenchOptions,
  type Mode,
  type ScenarioId,
} from './lib/options';
import {
  embeddedOverDistributed,
  modeLabel,
  ratiosOf,
  renderTable,
  writeResult,
  type BenchResult,
  type ModeResult,
} from './lib/report';
import {
  buildApps,
  startDistributed,
  startEmbedded,
  startEmbeddedBlackBox,
  type EngineTarget,
} from './lib/targets';
import { scenarioF } from './scenarios/baselines';
import type { ScenarioContext } from './scenarios/context';
import { scenarioC } from './scenarios/hop-latency';
import { scenarioD } from './scenarios/start-api';
import { scenarioG } from './scenarios/external-tasks';
import { scenarioA, scenarioB, warmUp } from './scenarios/throughput';
import { scenarioEHttp, scenarioEInProcess } from './scenarios/validation';

/** Run order: C first, on an idle engine; the baselines last, once the engine is quiet again. */
const RUN_ORDER: ScenarioId[] = ['C', 'E', 'D', 'A', 'B', 'G', 'F'];

const closers = new Set<() => Promise<void>>();

function log(line: string): void {
  console.log(`[bench ${new Date().toISOString().slice(11, 19)}] ${line}`);
}

function loudNote(text: string): void {
  const bar = '!'.repeat(78);
  console.error(`\n${bar}\n${text}\n${bar}\n`);
}

/** Which modes run: as asked, or both when the services answer, else embedded; `--black-box` adds black-box embedded beside in-process embedded. */
function resolveModes(
  opts: BenchOptions,
  mysql: string | undefined,
  redis: string | undefined,
  notes: string[],
): Mode[] {
  const picked = resolveBaseModes(opts, mysql, redis, notes);
  if (opts.blackBox && picked.includes('embedded')) picked.push('embedded-black-box');
  else if (opts.blackBox && !picked.includes('embedded-black-box'))
    notes.push('--black-box: no embedded mode ran; distributed mode is black-box already');
  return MODES.filter((m) => picked.includes(m));
}

function resolveBaseModes(
  opts: BenchOptions,
  mysql: string | undefined,
  redis: string | undefined,
  notes: string[],
): Mode[] {
  if (opts.mode === 'embedded-black-box') return ['embedded-black-box'];
  const servicesUp = Boolean(mysql && redis);
  const missing = [mysql ? '' : `MySQL (${opts.mysqlUrl})`, redis ? '' : `Redis (${opts.redisUrl})`]
    .filter(Boolean)
    .join(' and ');
  if (opts.mode === 'embedded') return ['embedded'];
  if (opts.mode === 'distributed' || opts.mode === 'both') {
    if (!servicesUp) {
      throw new UsageError(`--mode ${opts.mode} needs MySQL and Redis; no answer from ${missing}`);
    }
    return opts.mode === 'both' ? ['embedded', 'distributed'] : ['distributed'];
  }
  if (servicesUp) return ['embedded', 'distributed'];
  const note = `DISTRIBUTED MODE SKIPPED: no answer from ${missing}. Embedded mode only; the raw BullMQ baselines need Redis too.`;
  loudNote(note);
  notes.push(note);
  return ['embedded'];
}

async function runScenario(
  result: ModeResult,
  id: ScenarioId,
  fn: () => Promise<void>,
): Promise<void> {
  const t = Date.now();
  try {
    await fn();
    log(`  ${id} done in ${((Date.now() - t) / 1000).toFixed(1)} s`);
  } catch (e) {
    result.errors[id] = e instanceof Error ? e.message : String(e);
    log(`  ${id} FAILED after ${((Date.now() - t) / 1000).toFixed(1)} s: ${result.errors[id]}`);
  }
}

/** One function per scenario, each storing its figures in `result`. */
function scenarioRunners(
  ctx: ScenarioContext,
  result: ModeResult,
  redisUrl: string | undefined,
): Record<ScenarioId, () => Promise<void>> {
  const { sizes } = ctx;
  return {
    A: async () => {
      result.A = await scenarioA(ctx);
    },
    B: async () => {
      result.B = await scenarioB(ctx);
    },
    C: async () => {
      result.C = await scenarioC(ctx);
    },
    D: async () => {
      result.D = await scenarioD(ctx);
    },
    E: async () => {
      result.E = await scenarioEHttp(ctx);
    },
    G: async () => {
      result.G = await scenarioG(ctx);
    },
    F: async () => {
      result.F = await scenarioF(ctx.target.database, redisUrl, {
        chainJobs: sizes.bBranches * sizes.bBranchLength,
        branches: sizes.bBranches,
        branchLength: sizes.bBranchLength,
        dbTransactions: sizes.fDbTransactions,
      });
    },
  };
}

async function startTarget(mode: Mode, opts: BenchOptions): Promise<EngineTarget> {
  if (mode === 'embedded') return startEmbedded();
  if (mode === 'embedded-black-box') {
    return startEmbeddedBlackBox({
      cpuProfDir: opts.cpuProfDir ? join(opts.cpuProfDir, 'embedded-black-box') : undefined,
      onCleanup: (close) => closers.add(close),
    });
  }
  return startDistributed({
    mysqlUrl: opts.mysqlUrl,
    redisUrl: opts.redisUrl,
    workers: opts.workers,
    cpuProfDir: opts.cpuProfDir ? join(opts.cpuProfDir, 'distributed') : undefined,
    onCleanup: (close) => closers.add(close),
  });
}

async function runMode(mode: Mode, opts: BenchOptions, redisUp: boolean): Promise<ModeResult> {
  const t0 = Date.now();
  const result: ModeResult = { config: {}, durationMs: 0, ratios: {}, errors: {} };
  log(`${mode}: starting the engine`);
  const stopProfile =
    opts.cpuProfDir && mode === 'embedded'
      ? profileThisProcess(opts.cpuProfDir, 'embedded-bench-process')
      : undefined;
  let target: EngineTarget;
  try {
    target = await startTarget(mode, opts);
  } catch (e) {
    result.errors.setup = e instanceof Error ? e.message : String(e);
    log(`${mode}: the engine did not start: ${result.errors.setup}`);
    if (stopProfile) await stopProfile();
    return result;
  }
  closers.add(target.close);
  result.config = target.config;
  result.processes = target.processes();
  log(`${mode}: ${result.processes.map((p) => `${p.role} pid ${p.pid}`).join(', ')}`);
  const ctx: ScenarioContext = { target, sizes: opts.sizes };
  try {
    await warmUp(ctx);
    const runners = scenarioRunners(ctx, result, redisUp ? opts.redisUrl : undefined);
    for (const id of RUN_ORDER.filter((s) => opts.scenarios.includes(s))) {
      await runScenario(result, id, runners[id]);
    }
  } catch (e) {
    result.errors.setup = e instanceof Error ? e.message : String(e);
  } finally {
    if (stopProfile) log(`${mode}: CPU profile written to ${await stopProfile()}`);
    closers.delete(target.close);
    await target.close();
  }
  result.ratios = ratiosOf(result);
  result.durationMs = Date.now() - t0;
  log(`${mode}: done in ${(result.durationMs / 1000).toFixed(1)} s`);
  return result;
}

async function main(): Promise<number> {
  const started = Date.now();
  const opts = parseOptions(process.argv.slice(2), process.env, __dirname);
  const [mysql, redis] = await Promise.all([probeMysql(opts.mysqlUrl), probeRedis(opts.redisUrl)]);
  const notes: string[] = [];
  const modes = resolveModes(opts, mysql, redis, notes);
  if (opts.quick)
    notes.push(
      '--quick: small sizes, for smoke tests only; figures are not comparable with full runs.',
    );
  const result: BenchResult = {
    schema: 1,
    date: new Date().toISOString(),
    mode: modeLabel(modes),
    blackBox: modes.includes('embedded-black-box'),
    quick: opts.quick,
    scenarios: opts.scenarios,
    sizes: opts.sizes,
    machine: machineInfo(),
    node: process.version,
    git: gitInfo(),
    services: { mysql, redis },
    durationMs: 0,
    modes: {},
    notes,
  };
  log(
    `modes ${modes.join(' + ')}, scenarios ${opts.scenarios.join(',')}${opts.quick ? ', quick' : ''}; ${result.machine.cores} cores, load ${result.machine.loadAverage1m}`,
  );
  if (result.machine.loadAverage1m > result.machine.cores / 2) {
    notes.push(
      `load average ${result.machine.loadAverage1m} at start: other work on the machine skews the figures`,
    );
  }

  if (opts.scenarios.includes('E')) {
    log('E: validateTree in-process');
    result.validation = await scenarioEInProcess(opts.sizes.eNodes, opts.sizes.eRepeats);
  }
  if (modes.includes('distributed') || modes.includes('embedded-black-box')) {
    const skipped = opts.build
      ? buildApps()
      : '--no-build: the black-box and distributed modes ran whatever dist/ held';
    if (skipped && opts.build) loudNote(skipped);
    if (skipped) notes.push(skipped);
  }
  for (const mode of modes) result.modes[mode] = await runMode(mode, opts, Boolean(redis));
  result.embeddedOverDistributed = embeddedOverDistributed(
    result.modes.embedded,
    result.modes.distributed,
  );
  result.embeddedBlackBoxOverDistributed = embeddedOverDistributed(
    result.modes['embedded-black-box'],
    result.modes.distributed,
  );
  result.durationMs = Date.now() - started;

  console.log(`\n${renderTable(result)}\n`);
  for (const note of notes) console.log(`note: ${note}`);
  console.log(
    `written ${writeResult(opts.resultsDir, result)} (whole bench ${(result.durationMs / 1000).toFixed(1)} s)`,
  );
  const failed = Object.values(result.modes).some((m) => Object.keys(m.errors).length > 0);
  return failed ? 1 : 0;
}

/** Set on Ctrl-C: the clean-up under way (stop the engine processes, drop the scratch database). */
let interrupted: Promise<unknown> | undefined;

process.once('SIGINT', () => {
  log('interrupted: cleaning up (stopping the engine, dropping the scratch database)');
  interrupted = Promise.allSettled([...closers].map((close) => close()));
  void interrupted.then(() => process.exit(130));
});

main().then(
  async (code) => {
    if (interrupted) await interrupted;
    process.exit(interrupted ? 130 : code);
  },
  async (e: unknown) => {
    console.error(
      e instanceof UsageError ? e.message : e instanceof Error ? (e.stack ?? e.message) : e,
    );
    if (interrupted) await interrupted;
    process.exit(1);
  },
);
