/**
 * D: the start API. `dRuns` runs of a small tree (3 noop activities) started over HTTP with
 * `dConcurrency` requests in flight: runs started per second and the latency of each POST.
 * Twice: a stored pipeline (`POST /pipelines/:id/runs`) and an inline tree (`POST /runs`,
 * validated on every call). The engine executes the runs meanwhile, as it would in production;
 * the time until all of them finished is reported too (drain), then the next variant starts.
 * In embedded mode the bench's HTTP client shares the engine's process and event loop.
 */
import { linearTree } from '@app/pipeline';
import type { RunView } from '../lib/engine-client';
import { mapLimit, msSince, perSecond, round, summarize, type Summary } from '../lib/stats';
import { newTag, type ScenarioContext } from './context';

export interface StartApiVariant {
  runs: number;
  concurrency: number;
  /** First POST → last answer. */
  ms: number;
  runsPerSecond: number;
  latencyMs: Summary;
  /** First POST → every run finished. */
  drainMs: number;
  runsFinishedPerSecond: number;
}

export interface StartApiResult {
  stored: StartApiVariant;
  inline: StartApiVariant;
}

const SMALL_TREE_ACTIVITIES = 3;

async function startMany(
  ctx: ScenarioContext,
  tag: string,
  start: () => Promise<RunView>,
): Promise<StartApiVariant> {
  const { dRuns, dConcurrency } = ctx.sizes;
  const latencies: number[] = [];
  const t0 = process.hrtime.bigint();
  await mapLimit(Array.from({ length: dRuns }), dConcurrency, async () => {
    const t = process.hrtime.bigint();
    await start();
    latencies.push(msSince(t));
  });
  const ms = round(msSince(t0), 1);
  await ctx.target.client.waitFinished(tag, dRuns, { pollMs: 50 });
  const drainMs = round(msSince(t0), 1);
  return {
    runs: dRuns,
    concurrency: dConcurrency,
    ms,
    runsPerSecond: perSecond(dRuns, ms),
    latencyMs: summarize(latencies),
    drainMs,
    runsFinishedPerSecond: perSecond(dRuns, drainMs),
  };
}

export async function scenarioD(ctx: ScenarioContext): Promise<StartApiResult> {
  const { client } = ctx.target;
  const tree = linearTree(SMALL_TREE_ACTIVITIES, { id: 'bench-small' });
  const pipeline = await client.createPipeline(newTag('d').toLowerCase(), tree);
  const storedTag = newTag('D-stored');
  const stored = await startMany(ctx, storedTag, () => client.startStored(pipeline.id, storedTag));
  const inlineTag = newTag('D-inline');
  const inline = await startMany(ctx, inlineTag, () => client.startInline(tree, inlineTag));
  return { stored, inline };
}
