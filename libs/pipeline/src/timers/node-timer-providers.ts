import type {
  ClassProvider,
  DynamicModule,
  FactoryProvider,
  Provider,
  Type,
  ValueProvider,
} from '@nestjs/common';
import type { PipelineRole } from '../pipeline.module';
import { bullMqTimerJobQueueParts } from './bullmq-timer-job-queue';
import { ExecutingPool } from './executing-pool.port';
import { InProcessExecutingPool } from './in-process-executing-pool';
import { InProcessTimerJobQueue } from './in-process-timer-job-queue';
import {
  nodeTimerPartsFor,
  type NodeTimerDriverOptions,
  type NodeTimerParts,
} from './node-timer-driver';
import type { NodeTimerKind } from './node-timer-kind';
import {
  NODE_TIMER_DRIVER_OPTIONS,
  NODE_TIMER_KIND,
  type NodeTimerRuntime,
} from './node-timer-runtime.service';
import { RedisExecutingPool } from './redis-executing-pool';
import { TimerJobQueue } from './timer-job-queue.port';

/** A provider of the executing pool without its token: `{useClass}`, `{useFactory, inject?}` or `{useValue}`. */
export type ExecutingPoolProvider =
  | Omit<ClassProvider<ExecutingPool>, 'provide'>
  | Omit<FactoryProvider<ExecutingPool>, 'provide'>
  | Omit<ValueProvider<ExecutingPool>, 'provide'>;

/** The `forRoot` options every node-timer module takes; apps pass what they read from their config. */
export interface NodeTimerModuleOptions {
  /**
   * Which part of the deployment this process is (as for `PipelineModule`); decides what runs
   * here: pool upkeep everywhere, the scan loop in `scanner` and `embedded`, the dispatch and
   * handle processors in `worker` and `embedded`. Default: `embedded` without `redisUrl`, `api` with.
   */
  role?: PipelineRole;
  /** Set: Redis pool and BullMQ queues (distributed mode). Unset: in-process ones. */
  redisUrl?: string;
  /** Redis key prefix of the BullMQ queues (the engine's `PIPELINE_QUEUE_PREFIX`). */
  queuePrefix?: string;
  /** Handle jobs run at once per process (default 16). */
  concurrency?: number;
  /** Replaces the executing pool adapter. Default: `RedisExecutingPool` with `redisUrl`, `InProcessExecutingPool` without. */
  executingPool?: ExecutingPoolProvider;
}

/**
 * The role a node-timer module runs under, and so its parts. Checked at `forRoot`, so a
 * distributed role without Redis stops the boot with the module's name in the message.
 * @throws Error when a role other than `embedded` has no `redisUrl`
 */
export function resolveNodeTimerRole(
  moduleName: string,
  options: Pick<NodeTimerModuleOptions, 'role' | 'redisUrl'>,
): { role: PipelineRole; parts: NodeTimerParts } {
  const role: PipelineRole = options.role ?? (options.redisUrl ? 'api' : 'embedded');
  if (role !== 'embedded' && !options.redisUrl) {
    throw new Error(`${moduleName}: role '${role}' needs a redisUrl (distributed mode)`);
  }
  return { role, parts: nodeTimerPartsFor(role) };
}

/** What a node-timer module says about itself to get its generic providers. */
export interface NodeTimerProvidersSpec {
  /** Names the Redis connections, `<clientName>:<role>` (e.g. `node-timeout`). */
  clientName: string;
  role: PipelineRole;
  options: NodeTimerModuleOptions;
  /** The module's kind, provided as itself and as the runtime's `NODE_TIMER_KIND`. */
  kind: Type<NodeTimerKind>;
  /** The module's `NodeTimerRuntime` subclass. */
  runtime: Type<NodeTimerRuntime>;
  driver: NodeTimerDriverOptions;
}

/** The queues a role uses: the scanner adds to the dispatch queue; workers consume both; the api none. */
function timerQueuesFor(
  role: PipelineRole,
  driver: NodeTimerDriverOptions,
): { queues: string[]; consume: string[] } {
  if (role === 'worker') {
    const both = [driver.dispatchQueue, driver.handleQueue];
    return { queues: both, consume: both };
  }
  if (role === 'scanner') return { queues: [driver.dispatchQueue], consume: [] };
  return { queues: [], consume: [] };
}

/**
 * The parts every node-timer module has, scoped to it: the executing pool (replaceable
 * through `options.executingPool`) and timer queues — Redis and BullMQ through
 * `@nestjs/bullmq` with `redisUrl`, in-process without — plus the kind and runtime wired to
 * them. A module spreads `imports` into its imports and `providers` into its providers.
 */
export function nodeTimerModuleParts(spec: NodeTimerProvidersSpec): {
  imports: DynamicModule[];
  providers: Provider[];
} {
  const { clientName, role, options } = spec;
  const redisUrl = options.redisUrl;
  const pool: Provider = options.executingPool
    ? ({ provide: ExecutingPool, ...options.executingPool } as Provider)
    : {
        provide: ExecutingPool,
        useFactory: (): ExecutingPool =>
          redisUrl
            ? new RedisExecutingPool({ redisUrl, clientName: `${clientName}:${role}` })
            : new InProcessExecutingPool(),
      };
  const queueParts: { imports: DynamicModule[]; providers: Provider[] } = redisUrl
    ? bullMqTimerJobQueueParts({
        redisUrl,
        ...timerQueuesFor(role, spec.driver),
        prefix: options.queuePrefix,
        concurrency: options.concurrency,
        clientName: `${clientName}:${role}`,
      })
    : {
        imports: [],
        providers: [
          {
            provide: TimerJobQueue,
            useFactory: (): TimerJobQueue =>
              new InProcessTimerJobQueue({ concurrency: options.concurrency }),
          },
        ],
      };
  return {
    imports: queueParts.imports,
    providers: [
      pool,
      ...queueParts.providers,
      spec.kind,
      { provide: NODE_TIMER_KIND, useExisting: spec.kind },
      { provide: NODE_TIMER_DRIVER_OPTIONS, useValue: spec.driver },
      spec.runtime,
    ],
  };
}
