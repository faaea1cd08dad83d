import type { ExecutingPool, NodeTimerParts, PipelineRole } from '@app/pipeline';
import type { ClassProvider, FactoryProvider, ValueProvider } from '@nestjs/common';
import type { NodeTimeoutSettings } from './node-timeout.settings';

/** A provider of the executing pool without its token: `{useClass}`, `{useFactory, inject?}` or `{useValue}`. */
export type TimeoutPoolProvider =
  | Omit<ClassProvider<ExecutingPool>, 'provide'>
  | Omit<FactoryProvider<ExecutingPool>, 'provide'>
  | Omit<ValueProvider<ExecutingPool>, 'provide'>;

/** `NodeTimeoutModule.forRoot` options; apps pass what they read from their config. */
export interface NodeTimeoutModuleOptions {
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
  /** Settings of DESIGN §7 (`PIPELINE_NODE_TIMEOUT_*`); defaults for the rest. */
  settings?: Partial<NodeTimeoutSettings>;
  /**
   * Longest sleep of the scan loop, in seconds (default 1). node-timeout has no setting of
   * its own for it: apps pass `PIPELINE_NODE_TIMER_EVENT_POOL_SCAN_INTERVAL`, so one setting
   * paces both scanners.
   */
  scanIntervalSeconds?: number;
  /** How long the record of a fired timeout whose node stays RUNNING is kept, in seconds (default 15 days). */
  firedRecordTtlSeconds?: number;
  /** Replaces the executing pool adapter. Default: `RedisExecutingPool` with `redisUrl`, `InProcessExecutingPool` without. */
  executingPool?: TimeoutPoolProvider;
}

/** What the module resolved from its options. */
export interface ResolvedNodeTimeoutOptions {
  role: PipelineRole;
  parts: NodeTimerParts;
  scanIntervalMs: number;
  firedRecordTtlMs: number;
}

export const NODE_TIMEOUT_OPTIONS = Symbol('NODE_TIMEOUT_OPTIONS');
