/** The result document (JSON under bench/results/), the derived ratios, and the table printed on stdout. */
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { BaselinesResult } from '../scenarios/baselines';
import type { HopLatencyResult } from '../scenarios/hop-latency';
import { D_OFFERED_RATE, type StartApiResult, type StartApiVariant } from '../scenarios/start-api';
import type { ThroughputResult } from '../scenarios/throughput';
import type { HttpValidationResult, InProcessValidationResult } from '../scenarios/validation';
import type { GitInfo, MachineInfo } from './environment';
import type { EngineProcess } from './targets';
import { MODES, type Mode, type ScenarioId, type Sizes } from './options';
import { round, type Summary } from './stats';
import type { ExternalTasksResult } from '../scenarios/external-tasks';

export interface ModeResult {
  config: Record<string, unknown>;
  /** The engine's OS processes by role, as the target reported them at start. */
  processes?: EngineProcess[];
  /** Engine start → engine stopped, for this mode. */
  durationMs: number;
  A?: ThroughputResult;
  B?: ThroughputResult;
  C?: HopLatencyResult;
  D?: StartApiResult;
  /** Validation through this engine's API (the in-process figure is `validation`). */
  E?: HttpValidationResult;
  F?: BaselinesResult;
  G?: ExternalTasksResult;
  /** Engine ÷ baseline, see `ratiosOf`. */
  ratios: Record<string, number>;
  /** Scenarios that failed, with the error: the others still ran. */
  errors: Partial<Record<ScenarioId | 'setup', string>>;
}

export interface BenchResult {
  schema: 1;
  date: string;
  /** One mode's name, `both` (embedded + distributed), `all` (the three), else the modes joined by `+`. */
  mode: string;
  /** Black-box embedded mode ran (`--black-box` or `--mode embedded-black-box`). */
  blackBox: boolean;
  quick: boolean;
  scenarios: ScenarioId[];
  sizes: Sizes;
  machine: MachineInfo;
  node: string;
  git: GitInfo;
  services: { mysql?: string; redis?: string };
  /** The whole invocation (build included). */
  durationMs: number;
  /** E in-process: `validateTree`, the same code in either mode. */
  validation?: InProcessValidationResult;
  modes: Partial<Record<Mode, ModeResult>>;
  /** Embedded (in-process) ÷ distributed throughput, when both ran. */
  embeddedOverDistributed?: Record<string, number>;
  /** Black-box embedded ÷ distributed throughput, when both ran. */
  embeddedBlackBoxOverDistributed?: Record<string, number>;
  notes: string[];
}

const ratio = (a: number | undefined, b: number | undefined): number | undefined =>
  a !== undefined && b !== undefined && b > 0 && Number.isFinite(a) ? round(a / b, 3) : undefined;

function defined(entries: [string, number | undefined][]): Record<string, number> {
  return Object.fromEntries(entries.filter((e): e is [string, number] => e[1] !== undefined));
}

/** Engine ÷ baseline ratios of one mode (only those whose two sides ran). */
export function ratiosOf(r: ModeResult): Record<string, number> {
  const chain = r.F?.bullmqSerial;
  const dbCeiling = (r.F?.dbParallel ?? r.F?.dbSerial)?.transactionsPerSecond;
  return defined([
    [
      'B.activitiesPerSecond / F.bullmqSerial.jobsPerSecond',
      ratio(r.B?.activitiesPerSecond, chain?.jobsPerSecond),
    ],
    [
      'A.activitiesPerSecond / F.bullmqSerial.jobsPerSecond',
      ratio(r.A?.activitiesPerSecond, chain?.jobsPerSecond),
    ],
    [
      'B.activitiesPerSecond / F.bullmqParallel.jobsPerSecond',
      ratio(r.B?.activitiesPerSecond, r.F?.bullmqParallel?.jobsPerSecond),
    ],
    ['C.cycleMs.p50 / F.bullmqSerial.hopMs.p50', ratio(r.C?.cycleMs.p50, chain?.hopMs?.p50)],
    [
      'B.activitiesPerSecond / F.dbSerial.transactionsPerSecond',
      ratio(r.B?.activitiesPerSecond, r.F?.dbSerial.transactionsPerSecond),
    ],
    [
      'B.activitiesPerSecond / F.dbParallel.transactionsPerSecond',
      ratio(r.B?.activitiesPerSecond, r.F?.dbParallel?.transactionsPerSecond),
    ],
    // How close the engine's commit rate gets to the database's (10 connections on MySQL, the one writer on SQLite).
    ['A.transactions.perSecond / F.db.transactionsPerSecond', ratio(r.A?.transactions?.perSecond ?? undefined, dbCeiling)],
    ['B.transactions.perSecond / F.db.transactionsPerSecond', ratio(r.B?.transactions?.perSecond ?? undefined, dbCeiling)],
  ]);
}

export function embeddedOverDistributed(
  e: ModeResult | undefined,
  d: ModeResult | undefined,
): Record<string, number> | undefined {
  if (!e || !d) return undefined;
  return defined([
    ['A.activitiesPerSecond', ratio(e.A?.activitiesPerSecond, d.A?.activitiesPerSecond)],
    ['B.activitiesPerSecond', ratio(e.B?.activitiesPerSecond, d.B?.activitiesPerSecond)],
    ['D.stored.runsPerSecond', ratio(e.D?.stored.runsPerSecond, d.D?.stored.runsPerSecond)],
    ['D.inline.runsPerSecond', ratio(e.D?.inline.runsPerSecond, d.D?.inline.runsPerSecond)],
  ]);
}

/** The `mode` of the result document (and its file name) for the modes that ran. */
export function modeLabel(modes: readonly Mode[]): string {
  if (modes.length === 1) return modes[0];
  if (modes.length === MODES.length) return 'all';
  if (modes.length === 2 && modes.includes('embedded') && modes.includes('distributed')) return 'both';
  return modes.join('+');
}

/** Column headers of the table. */
export const MODE_HEADER: Record<Mode, string> = {
  embedded: 'embedded (in-process)',
  'embedded-black-box': 'embedded (black-box)',
  distributed: 'distributed (black-box)',
};

export function writeResult(dir: string, result: BenchResult): string {
  mkdirSync(dir, { recursive: true });
  const stamp = result.date.replace(/:/g, '-').replace(/\.\d+Z$/, 'Z');
  const file = join(dir, `${stamp}-${result.mode}${result.quick ? '-quick' : ''}.json`);
  writeFileSync(file, `${JSON.stringify(result, null, 2)}\n`);
  return file;
}

// ---- the table ----

const fmtMs = (ms: number): string =>
  ms >= 1000 ? `${(ms / 1000).toFixed(2)} s` : `${ms < 10 ? round(ms, 2) : Math.round(ms)} ms`;
const fmtP = (s: Summary | undefined): string => (s ? `${fmtMs(s.p50)} / ${fmtMs(s.p99)}` : '');
const fmtX = (x: number | undefined): string =>
  x === undefined ? '' : `${x.toFixed(x < 0.1 ? 3 : 2)}×`;

function costs(t: ThroughputResult): string {
  const p = t.perActivity;
  const calls = p.nodeExecutions !== undefined ? `${p.nodeExecutions} executions` : '';
  if (p.queries !== undefined) return [`${p.queries} queries`, calls].filter(Boolean).join(', ');
  const parts = [
    p.jobs !== undefined ? `${p.jobs} jobs` : '',
    p.serverQuestions !== undefined ? `~${p.serverQuestions} queries (server-wide)` : '',
    calls,
  ];
  return parts.filter(Boolean).join(', ') || 'no statement counts exposed';
}

/** Transactions per activity and per second, or why there are none. */
function transactions(t: ThroughputResult): string {
  const x = t.transactions;
  if (!x) return '';
  if (x.perActivity === null || x.perSecond === null) return 'n/a (not exposed over HTTP)';
  return `${x.perActivity} tx/act, ${Math.round(x.perSecond)} tx/s`;
}

function startApi(v: StartApiVariant | undefined): string {
  return v
    ? `${v.runsPerSecond}/s, p50 ${fmtMs(v.latencyMs.p50)}, p99 ${fmtMs(v.latencyMs.p99)}`
    : '';
}

interface Row {
  label: string;
  cell: (r: ModeResult) => string;
  target?: string;
}

function rows(sizes: Sizes): Row[] {
  const chainJobs = sizes.bBranches * sizes.bBranchLength;
  return [
    {
      label: `A  ${sizes.aRuns} bamboo runs (17 nodes, poll) at once`,
      cell: (r) => (r.A ? `${fmtMs(r.A.ms)}, ${r.A.activitiesPerSecond} act/s` : ''),
      target: '≤ 2.0 s',
    },
    { label: '     per activity', cell: (r) => (r.A ? costs(r.A) : '') },
    { label: '     transactions (see below)', cell: (r) => (r.A ? transactions(r.A) : '') },
    {
      label: `B  1 run, ${sizes.bBranches}×${sizes.bBranchLength} poll activities`,
      cell: (r) => (r.B ? `${fmtMs(r.B.ms)}, ${r.B.activitiesPerSecond} act/s` : ''),
      target: '≤ 2.0 s',
    },
    { label: '     per activity', cell: (r) => (r.B ? costs(r.B) : '') },
    { label: '     transactions (see below)', cell: (r) => (r.B ? transactions(r.B) : '') },
    {
      label: 'C  hop, node done → next started p50 / p99',
      cell: (r) => fmtP(r.C?.hopMs),
      target: '≤ 5 / ≤ 25 ms',
    },
    { label: '     noop node cycle (done → next done) p50 / p99', cell: (r) => fmtP(r.C?.cycleMs) },
    {
      label: `D  start API, stored pipeline, ${D_OFFERED_RATE} runs/s offered (${sizes.dRuns} runs)`,
      cell: (r) => startApi(r.D?.paced),
      target: '≥ 300/s, p99 < 100 ms',
    },
    { label: `     most it takes: stored, ${sizes.dConcurrency} in flight`, cell: (r) => startApi(r.D?.stored) },
    { label: `     most it takes: inline tree (POST /runs), ${sizes.dConcurrency} in flight`, cell: (r) => startApi(r.D?.inline) },
    {
      label: '     all stored runs finished',
      cell: (r) =>
        r.D ? `${fmtMs(r.D.stored.drainMs)}, ${r.D.stored.runsFinishedPerSecond} runs/s` : '',
    },
    {
      label: `E  POST /pipelines/validate, nested mix ${sizes.eNodes} nodes`,
      cell: (r) => (r.E ? `${fmtMs(r.E.medianMs)} (${Math.round(r.E.bodyBytes / 1024)} KiB)` : ''),
    },
    {
      label: `G  ${sizes.gRuns} external tasks, ${sizes.gWorkers} client workers × ${sizes.gConcurrency}`,
      cell: (r) => (r.G ? `${fmtMs(r.G.ms)}, ${r.G.tasksPerSecond} tasks/s` : ''),
    },
    { label: '     run started → task picked up p50 / p99', cell: (r) => fmtP(r.G?.pickupMs) },
    {
      label: `F  BullMQ serial chain, ${chainJobs} jobs`,
      cell: (r) =>
        r.F?.bullmqSerial
          ? `${r.F.bullmqSerial.jobsPerSecond} jobs/s, hop p50 ${fmtMs(r.F.bullmqSerial.hopMs?.p50 ?? NaN)}`
          : '',
    },
    {
      label: `F  BullMQ ${sizes.bBranches} parallel chains × ${sizes.bBranchLength} (c=16)`,
      cell: (r) => (r.F?.bullmqParallel ? `${r.F.bullmqParallel.jobsPerSecond} jobs/s` : ''),
    },
    {
      label: `F  DB insert+update tx × ${sizes.fDbTransactions}, 1 connection`,
      cell: (r) =>
        r.F ? `${r.F.dbSerial.transactionsPerSecond} tx/s, ${fmtP(r.F.dbSerial.latencyMs)}` : '',
    },
    {
      label: 'F  DB insert+update tx, 10 connections',
      cell: (r) =>
        r.F?.dbParallel
          ? `${r.F.dbParallel.transactionsPerSecond} tx/s, ${fmtP(r.F.dbParallel.latencyMs)}`
          : '',
    },
    {
      label: 'B act/s ÷ BullMQ serial chain jobs/s',
      cell: (r) => fmtX(r.ratios['B.activitiesPerSecond / F.bullmqSerial.jobsPerSecond']),
      target: '≥ 0.3×',
    },
    {
      label: 'A act/s ÷ BullMQ serial chain jobs/s',
      cell: (r) => fmtX(r.ratios['A.activitiesPerSecond / F.bullmqSerial.jobsPerSecond']),
    },
    {
      label: 'B act/s ÷ BullMQ parallel chains jobs/s',
      cell: (r) => fmtX(r.ratios['B.activitiesPerSecond / F.bullmqParallel.jobsPerSecond']),
    },
    {
      label: 'C noop cycle p50 ÷ BullMQ hop p50',
      cell: (r) => fmtX(r.ratios['C.cycleMs.p50 / F.bullmqSerial.hopMs.p50']),
    },
    {
      label: 'A tx/s ÷ DB tx/s (10 connections on MySQL, 1 on SQLite)',
      cell: (r) => fmtX(r.ratios['A.transactions.perSecond / F.db.transactionsPerSecond']),
    },
    {
      label: 'B tx/s ÷ DB tx/s (10 connections on MySQL, 1 on SQLite)',
      cell: (r) => fmtX(r.ratios['B.transactions.perSecond / F.db.transactionsPerSecond']),
    },
    {
      label: 'B act/s ÷ DB tx/s (1 connection)',
      cell: (r) => fmtX(r.ratios['B.activitiesPerSecond / F.dbSerial.transactionsPerSecond']),
    },
  ];
}

function table(header: string[], body: string[][]): string {
  const widths = header.map((h, i) =>
    Math.max(h.length, ...body.map((row) => (row[i] ?? '').length)),
  );
  const line = (cells: string[]) =>
    cells
      .map((c, i) => (c ?? '').padEnd(widths[i]))
      .join('  ')
      .trimEnd();
  return [line(header), widths.map((w) => '-'.repeat(w)).join('  '), ...body.map(line)].join('\n');
}

export function renderTable(result: BenchResult): string {
  const modes = MODES.filter((m) => result.modes[m]);
  const out: string[] = [];
  if (result.validation) {
    const v = result.validation;
    out.push(
      `E  validateTree in-process (same code in both modes), median of ${v.linear.repeats}: ` +
        `linear ${fmtMs(v.linear.medianMs)}, parallel ${fmtMs(v.parallel.medianMs)}, nested mix ${fmtMs(v.nestedMix.medianMs)}  (target ≤ 100 ms)`,
      '',
    );
  }
  const body = rows(result.sizes)
    .map((row) => [row.label, ...modes.map((m) => row.cell(result.modes[m]!)), row.target ?? ''])
    .filter((cells) => cells.slice(1, 1 + modes.length).some(Boolean));
  out.push(
    table(['scenario', ...modes.map((m) => MODE_HEADER[m]), 'target (issue 6, distributed)'], body),
  );
  const over = (label: string, e: Record<string, number> | undefined) =>
    e
      ? [
          `${label}: ${Object.entries(e)
            .map(([k, v]) => `${k} ${fmtX(v)}`)
            .join(', ')}  (target ≥ 2×)`,
        ]
      : [];
  const ratios = [
    ...over('embedded (in-process) ÷ distributed', result.embeddedOverDistributed),
    ...over('embedded (black-box) ÷ distributed', result.embeddedBlackBoxOverDistributed),
  ];
  if (ratios.length) out.push('', ...ratios);
  const throughput = modes.filter((m) => result.modes[m]!.A || result.modes[m]!.B);
  if (throughput.length) {
    out.push('', 'A and B: "executions" are pipeline_node_executions_total of GET /metrics; transactions counted as:');
    for (const m of throughput) {
      const t = result.modes[m]!.A ?? result.modes[m]!.B;
      out.push(`  ${MODE_HEADER[m]}: ${t?.transactions?.source ?? ''}`);
    }
  }
  for (const m of modes) {
    for (const [scenario, error] of Object.entries(result.modes[m]!.errors))
      out.push(`FAILED ${m} ${scenario}: ${error}`);
  }
  return out.join('\n');
}
