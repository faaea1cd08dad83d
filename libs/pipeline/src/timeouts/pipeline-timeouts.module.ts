import { type DynamicModule, Module, type Provider } from '@nestjs/common';
import type { PipelineRole } from '../pipeline.module';
import { bullMqTimerJobQueueParts } from '../timers/bullmq-timer-job-queue';
import { ExecutingPool } from '../timers/executing-pool.port';
import { InProcessExecutingPool } from '../timers/in-process-executing-pool';
import { InProcessTimerJobQueue } from '../timers/in-process-timer-job-queue';
import type { NodeTimerParts } from '../timers/node-timer-driver';
import { resolveNodeTimerRole } from '../timers/node-timer-providers';
import { RedisExecutingPool } from '../timers/redis-executing-pool';
import { TimerJobQueue } from '../timers/timer-job-queue.port';
import {
  defaultPipelineTimeoutsSettings,
  type PipelineTimeoutsModuleOptions,
  type PipelineTimeoutsSettings,
} from './pipeline-timeouts.options';
import { PIPELINE_TIMEOUTS_OPTIONS, PipelineTimeoutsRuntime, type ResolvedPipelineTimeoutsOptions } from './pipeline-timeouts.runtime';

/**
 * What runs where. Unlike the contrib timer modules, the scanner handles its due timers too, so
 * a queue timeout fires (and a run times out) with no worker alive (DESIGN §8.3); workers help
 * when there are some. Upkeep everywhere, as usual.
 */
export function pipelineTimeoutPartsFor(role: PipelineRole): NodeTimerParts {
  return { maintain: true, scan: role === 'embedded' || role === 'scanner', handle: role !== 'api' };
}

/** The queues a role uses: the scanner and workers consume all four (the scanner also adds to the dispatch queues); the api none. */
function queuesFor(role: PipelineRole, s: PipelineTimeoutsSettings): { queues: string[]; consume: string[] } {
  const all = [s.activityDispatchQueue, s.runDispatchQueue, s.activityHandleQueue, s.runHandleQueue];
  if (role === 'worker' || role === 'scanner') return { queues: all, consume: all };
  return { queues: [], consume: [] };
}

/**
 * The timeouts of DESIGN §8.3 for every format: activity timeouts (`timeout: {queueSeconds,
 * runningSeconds}`) and run timeouts (`timeoutSeconds`), on the generic node-timer machinery
 * (executing pools, timer queues, `NodeTimerDriver`). What happens when one runs out is
 * decided by the engine's pure core (operations `node_timeout`, `timeout_run`).
 *
 * Import it once at the root of every app, next to `PipelineModule` (global), with the
 * process's role, like the contrib timer modules: the scanner scans and fires the timers (so a
 * queue timeout fires with no worker alive), workers help handle them, the api only arms them,
 * the embedded app does everything.
 */
@Module({})
export class PipelineTimeoutsModule {
  static forRoot(options: PipelineTimeoutsModuleOptions = {}): DynamicModule {
    const { role } = resolveNodeTimerRole('PipelineTimeoutsModule', options);
    const parts = pipelineTimeoutPartsFor(role);
    const settings: PipelineTimeoutsSettings = { ...defaultPipelineTimeoutsSettings(options.queuePrefix), ...options.settings };
    const scanIntervalSeconds = options.scanIntervalSeconds ?? 1;
    if (!(scanIntervalSeconds > 0)) throw new Error('PipelineTimeoutsModule: scanIntervalSeconds must be greater than 0');
    const resolved: ResolvedPipelineTimeoutsOptions = { settings, parts, scanIntervalMs: scanIntervalSeconds * 1000 };
    const redisUrl = options.redisUrl;
    const clientName = `pipeline-timeouts:${role}`;
    const pool: Provider = options.executingPool
      ? ({ provide: ExecutingPool, ...options.executingPool } as Provider)
      : {
          provide: ExecutingPool,
          useFactory: (): ExecutingPool => (redisUrl ? new RedisExecutingPool({ redisUrl, clientName }) : new InProcessExecutingPool()),
        };
    const queueParts: { imports: DynamicModule[]; providers: Provider[] } = redisUrl
      ? bullMqTimerJobQueueParts({
          redisUrl,
          ...queuesFor(role, settings),
          prefix: options.queuePrefix,
          concurrency: options.concurrency,
          clientName,
        })
      : {
          imports: [],
          providers: [{ provide: TimerJobQueue, useFactory: (): TimerJobQueue => new InProcessTimerJobQueue({ concurrency: options.concurrency }) }],
        };
    return {
      module: PipelineTimeoutsModule,
      imports: queueParts.imports,
      providers: [pool, ...queueParts.providers, { provide: PIPELINE_TIMEOUTS_OPTIONS, useValue: resolved }, PipelineTimeoutsRuntime],
      exports: [PipelineTimeoutsRuntime],
    };
  }
}
