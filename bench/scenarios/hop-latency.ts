/**
 * C: hop latency on an idle engine. `cRuns` linear runs of `cActivities` noop nodes, one after
 * the other; from each finished run's node rows (`GET /runs/:id`, millisecond timestamps):
 * - hop: node finished → next node started (next.startedAt − prev.finishedAt);
 * - cycle: node finished → next node finished (the whole cost of one noop node);
 * - run: a noop node started → finished (in distributed mode this includes its execute job's queue hop).
 * In distributed mode the step after a finished node runs inline in the same job, so a hop has
 * no queue trip in it; the queue trip of each node's execute job shows in `nodeRunMs` and the cycle.
 * Timestamps have millisecond resolution, so sub-millisecond hops read as 0 or 1.
 */
import { linearTree } from '@app/pipeline';
import type { NodeStateView } from '../lib/engine-client';
import { sleep, summarize, type Summary } from '../lib/stats';
import { linearOrder } from '../lib/trees';
import { newTag, type ScenarioContext } from './context';

export interface HopLatencyResult {
  runs: number;
  activitiesPerRun: number;
  hopMs: Summary;
  cycleMs: Summary;
  nodeRunMs: Summary;
  /** Run createdAt → finishedAt, per run. */
  runMs: Summary;
}

function ms(iso: string | null, what: string): number {
  if (!iso) throw new Error(`missing ${what}`);
  return Date.parse(iso);
}

export async function scenarioC(ctx: ScenarioContext): Promise<HopLatencyResult> {
  const { client } = ctx.target;
  const { cRuns, cActivities } = ctx.sizes;
  const tree = linearTree(cActivities);
  const order = linearOrder(tree);
  const hops: number[] = [];
  const cycles: number[] = [];
  const nodeRuns: number[] = [];
  const runMs: number[] = [];
  for (let i = 0; i < cRuns; i++) {
    const tag = newTag('C');
    const started = await client.startInline(tree, tag);
    await client.waitFinished(tag, 1, { pollMs: 50 });
    const run = await client.getRun(started.id);
    const nodes = run.nodes ?? {};
    const at = (id: string): NodeStateView => {
      const n = nodes[id];
      if (!n) throw new Error(`run ${run.id}: node ${id} missing from GET /runs/:id`);
      return n;
    };
    for (let k = 1; k < order.length; k++) {
      const prev = at(order[k - 1]);
      const next = at(order[k]);
      hops.push(
        ms(next.startedAt, `${order[k]}.startedAt`) -
          ms(prev.finishedAt, `${order[k - 1]}.finishedAt`),
      );
      cycles.push(
        ms(next.finishedAt, `${order[k]}.finishedAt`) -
          ms(prev.finishedAt, `${order[k - 1]}.finishedAt`),
      );
    }
    for (const id of order.slice(1, -1))
      nodeRuns.push(ms(at(id).finishedAt, 'finishedAt') - ms(at(id).startedAt, 'startedAt'));
    runMs.push(ms(run.finishedAt, 'run.finishedAt') - ms(run.createdAt, 'run.createdAt'));
    await sleep(100); // let the engine go idle again
  }
  return {
    runs: cRuns,
    activitiesPerRun: cActivities,
    hopMs: summarize(hops),
    cycleMs: summarize(cycles),
    nodeRunMs: summarize(nodeRuns),
    runMs: summarize(runMs),
  };
}
