/**
 * G: external tasks (DESIGN §8.6). `gRuns` runs of one `external_task` node are started over
 * HTTP while `gWorkers` workers of the TypeScript client (`ExternalTaskWorker`, long-polling
 * `fetch-and-lock`, `gConcurrency` tasks each) take and complete them, as Termite's clients
 * would. Reports tasks per second (first start → last run finished) and, per task, the time
 * from the run's start to a worker holding it (offer + wake-up + claim) p50 / p99.
 */
import { ExternalTaskClient, ExternalTaskWorker, PipelineClient } from '@app/client';
import type { PipelineTree } from '@app/pipeline';
import { mapLimit, msSince, perSecond, round, summarize, type Summary } from '../lib/stats';
import { newTag, type ScenarioContext } from './context';

export interface ExternalTasksResult {
  runs: number;
  workers: number;
  /** First start → every run finished. */
  ms: number;
  tasksPerSecond: number;
  /** Run started (POST answered) → a worker's handler got the task. */
  pickupMs: Summary;
}

function externalTaskTree(topic: string): PipelineTree {
  return {
    id: 'g',
    start_event: { id: 's', type: 'EmptyStartEvent', incoming: '', outgoing: 'f1' },
    end_event: { id: 'e', type: 'EmptyEndEvent', incoming: ['f2'], outgoing: '' },
    activities: {
      task: {
        id: 'task',
        type: 'ServiceActivity',
        incoming: ['f1'],
        outgoing: 'f2',
        component: { code: 'external_task', inputs: { topic: { type: 'plain', value: topic } } },
      },
    },
    gateways: {},
    flows: { f1: { id: 'f1', source: 's', target: 'task' }, f2: { id: 'f2', source: 'task', target: 'e' } },
    data: { inputs: {}, outputs: [] },
  } as unknown as PipelineTree;
}

export async function scenarioG(ctx: ScenarioContext): Promise<ExternalTasksResult> {
  const { gRuns, gWorkers, gConcurrency } = ctx.sizes;
  const tag = newTag('G');
  const topic = tag;
  const started = new Map<string, bigint>();
  const pickups: number[] = [];
  const quiet = { info: () => undefined, warn: () => undefined, error: (m: string) => console.error(`[bench G] ${m}`) };
  const workers = Array.from({ length: gWorkers }, (_, n) => {
    const client = new ExternalTaskClient(new PipelineClient({ baseUrl: ctx.target.client.baseUrl, rateLimitRetries: 5 }));
    return new ExternalTaskWorker(client, {
      workerId: `bench-${n}`,
      concurrency: gConcurrency,
      waitSeconds: 10,
      logger: quiet,
      topics: {
        [topic]: {
          lockSeconds: 60,
          handler: async (task) => {
            const t = started.get(task.runId);
            if (t !== undefined) pickups.push(msSince(t));
            return { done: true };
          },
        },
      },
    });
  });
  for (const w of workers) w.start();
  const definition = externalTaskTree(topic);
  const t0 = process.hrtime.bigint();
  try {
    await mapLimit(Array.from({ length: gRuns }), 16, async () => {
      const t = process.hrtime.bigint();
      const run = await ctx.target.client.startInline(definition, tag);
      started.set(run.id, t);
    });
    await ctx.target.client.waitFinished(tag, gRuns, { pollMs: 50 });
  } finally {
    await Promise.all(workers.map((w) => w.stop()));
  }
  const ms = round(msSince(t0), 1);
  return { runs: gRuns, workers: gWorkers, ms, tasksPerSecond: perSecond(gRuns, ms), pickupMs: summarize(pickups) };
}
