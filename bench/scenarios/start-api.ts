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
  /** At a fixed offered rate (open loop): the latency users see when the engine keeps up. */
  paced: StartApiVariant & { offeredPerSecond: number };
  /** Saturated, `dConcurrency` requests in flight: the most the API takes. */
  stored: StartApiVariant;
  inline: StartApiVariant;
}

/** The start rate the target names (runs/s), offered open-loop for the paced variant. */
export const D_OFFERED_RATE = 300;

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

/**
 * Open loop: request i is sent at i / rate seconds whether or not earlier ones have answered,
 * so a slow engine shows up as latency (queueing), not as a politely lower rate.
 */
async function startPaced(
  ctx: ScenarioContext,
  tag: string,
  start: () => Promise<RunView>,
  rate: number,
): Promise<StartApiVariant & { offeredPerSecond: number }> {
  const n = ctx.sizes.dRuns;
  const latencies: number[] = [];
  const pending: Promise<void>[] = [];
  const t0 = process.hrtime.bigint();
  for (let i = 0; i < n; i++) {
    const wait = (i * 1000) / rate - msSince(t0);
    if (wait > 1) await new Promise((r) => setTimeout(r, wait));
    const t = process.hrtime.bigint();
    pending.push(start().then(() => void latencies.push(msSince(t))));
  }
  await Promise.all(pending);
  const ms = round(msSince(t0), 1);
  await ctx.target.client.waitFinished(tag, n, { pollMs: 50 });
  const drainMs = round(msSince(t0), 1);
  return {
    offeredPerSecond: rate,
    runs: n,
    concurrency: 0,
    ms,
    runsPerSecond: perSecond(n, ms),
    latencyMs: summarize(latencies),
    drainMs,
    runsFinishedPerSecond: perSecond(n, drainMs),
  };
}

export async function scenarioD(ctx: ScenarioContext): Promise<StartApiResult> {
  const { client } = ctx.target;
  const tree = linearTree(SMALL_TREE_ACTIVITIES, { id: 'bench-small' });
  const pipeline = await client.createPipeline(newTag('d').toLowerCase(), tree);
  const pacedTag = newTag('D-paced');
  const paced = await startPaced(ctx, pacedTag, () => client.startStored(pipeline.id, pacedTag), D_OFFERED_RATE);
  const storedTag = newTag('D-stored');
  const stored = await startMany(ctx, storedTag, () => client.startStored(pipeline.id, storedTag));
  const inlineTag = newTag('D-inline');
  const inline = await startMany(ctx, inlineTag, () => client.startInline(tree, inlineTag));
  return { paced, stored, inline };
}
