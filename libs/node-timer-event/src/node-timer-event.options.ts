import type { ExecutingPool, NodeTimerParts, PipelineRole } from '@app/pipeline';
import type { ClassProvider, FactoryProvider, ValueProvider } from '@nestjs/common';
import type { NodeTimerEventSettings } from './node-timer-event.settings';

/** A provider of the executing pool without its token: `{useClass}`, `{useFactory, inject?}` or `{useValue}`. */
export type ExecutingPoolProvider =
  | Omit<ClassProvider<ExecutingPool>, 'provide'>
  | Omit<FactoryProvider<ExecutingPool>, 'provide'>
  | Omit<ValueProvider<ExecutingPool>, 'provide'>;

/** `NodeTimerEventModule.forRoot` options; apps pass what they read from their config. */
export interface NodeTimerEventModuleOptions {
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
  /** Settings of DESIGN §7 (`PIPELINE_NODE_TIMER_EVENT_*`); defaults for the rest. */
  settings?: Partial<NodeTimerEventSettings>;
  /**
   * Replaces the executing pool adapter (bamboo's `PIPELINE_NODE_TIMER_EVENT_ADAPTER_CLASS`).
   * Default: `RedisExecutingPool` with `redisUrl`, `InProcessExecutingPool` without.
   */
  executingPool?: ExecutingPoolProvider;
}

/** What the module resolved from its options. */
export interface ResolvedNodeTimerEventOptions {
  role: PipelineRole;
  parts: NodeTimerParts;
}

export const NODE_TIMER_EVENT_OPTIONS = Symbol('NODE_TIMER_EVENT_OPTIONS');
