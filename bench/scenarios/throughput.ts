/**
 * A and B: wall time from submitting the runs until the last one finished (its `finishedAt`,
 * stamped by the engine, so the bench's polling interval does not count), and activities/s.
 */
import type { PipelineTree } from '@app/pipeline';
import { finishedAtMs } from '../lib/engine-client';
import { TRANSACTION_SOURCE, type EngineCounters } from '../lib/targets';
import { perSecond, round, summarize, type Summary } from '../lib/stats';
import {
  BAMBOO_ACTIVITIES_RUN,
  bambooScenarioTree,
  countNodes,
  wideParallelPollTree,
} from '../lib/trees';
import { newTag, perActivity, withCounters, type ScenarioContext } from './context';

export interface ThroughputResult {
  runs: number;
  nodes: number;
  /** Activities that ran (each one execute + one schedule). */
  activities: number;
  /** First POST sent → last run finished. */
  ms: number;
  activitiesPerSecond: number;
  nodesPerSecond: number;
  /** First POST sent → every POST answered. */
  submitMs: number;
  /** Per run: its createdAt → finishedAt. */
  runMs: Summary;
  /** Engine-side cost per activity (see EngineCounters); polling requests of the bench included. */
  perActivity: Record<string, number>;
  /**
   * Committed transactions while the scenario ran, per activity and per second of `ms`; null when
   * the mode cannot see them (black-box embedded). `source` says where the count comes from.
   */
  transactions: { total: number | null; perActivity: number | null; perSecond: number | null; source: string };
  counters: EngineCounters & { apiRequests: number };
}

async function runAtOnce(
  ctx: ScenarioContext,
  scenario: string,
  trees: PipelineTree[],
  activities: number,
): Promise<ThroughputResult> {
  const { client } = ctx.target;
  const tag = newTag(scenario);
  const { value, counters } = await withCounters(ctx, async () => {
    const t0 = Date.now();
    await Promise.all(trees.map((tree) => client.startInline(tree, tag)));
    const submitMs = Date.now() - t0;
    const runs = await client.waitFinished(tag, trees.length);
    return { t0, submitMs, runs };
  });
  const { t0, submitMs, runs } = value;
  const ms = Math.max(...runs.map(finishedAtMs)) - t0;
  const nodes = trees.reduce((n, t) => n + countNodes(t), 0);
  return {
    runs: trees.length,
    nodes,
    activities,
    ms,
    activitiesPerSecond: perSecond(activities, ms),
    nodesPerSecond: perSecond(nodes, ms),
    submitMs,
    runMs: summarize(runs.map((r) => finishedAtMs(r) - Date.parse(r.createdAt))),
    perActivity: perActivity(counters, activities),
    transactions: {
      total: counters.transactions ?? null,
      perActivity: counters.transactions === undefined ? null : round(counters.transactions / activities, 2),
      perSecond: counters.transactions === undefined ? null : perSecond(counters.transactions, ms),
      source: TRANSACTION_SOURCE[ctx.target.mode],
    },
    counters,
  };
}

/** A: bamboo's README scenario — `aRuns` runs of the 17-node pipeline, started at once. */
export function scenarioA(ctx: ScenarioContext): Promise<ThroughputResult> {
  const trees = Array.from({ length: ctx.sizes.aRuns }, (_, i) => bambooScenarioTree(i));
  return runAtOnce(ctx, 'A', trees, trees.length * BAMBOO_ACTIVITIES_RUN);
}

/** B: one run of `bBranches × bBranchLength` poll activities behind one parallel gateway. */
export function scenarioB(ctx: ScenarioContext): Promise<ThroughputResult> {
  const { bBranches, bBranchLength } = ctx.sizes;
  return runAtOnce(
    ctx,
    'B',
    [wideParallelPollTree(bBranches, bBranchLength)],
    bBranches * bBranchLength,
  );
}

/** A small warm-up (JIT, connection pools, caches) before anything is timed; not reported. */
export async function warmUp(ctx: ScenarioContext): Promise<void> {
  await runAtOnce(
    ctx,
    'warmup',
    [bambooScenarioTree(0), bambooScenarioTree(1), wideParallelPollTree(4, 3)],
    1,
  );
}
