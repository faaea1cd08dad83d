import type { NodeTimerModuleOptions } from '../timers/node-timer-providers';

/**
 * Where the timeouts of DESIGN §8.3 keep their timers: two executing pools (Redis keys when
 * distributed) and their dispatch / handle queues, next to (never shared with) bamboo's
 * node-timeout and node-timer-event ones.
 */
export interface PipelineTimeoutsSettings {
  /** Pool of the activity timeouts (`timeout: {queueSeconds, runningSeconds}`). */
  activityPool: string;
  activityDispatchQueue: string;
  activityHandleQueue: string;
  /** Pool of the run timeouts (`timeoutSeconds`). */
  runPool: string;
  runDispatchQueue: string;
  runHandleQueue: string;
}

/**
 * Defaults. The pools live under the queue prefix (`PIPELINE_QUEUE_PREFIX`, like the queues), so
 * two deployments sharing a Redis db with different prefixes never take each other's timers.
 */
export function defaultPipelineTimeoutsSettings(queuePrefix = 'pipeline'): PipelineTimeoutsSettings {
  return {
    activityPool: `${queuePrefix}:activity_timeout_pool`,
    activityDispatchQueue: 'activity_timeout_dispatch',
    activityHandleQueue: 'activity_timeout_handle',
    runPool: `${queuePrefix}:run_timeout_pool`,
    runDispatchQueue: 'run_timeout_dispatch',
    runHandleQueue: 'run_timeout_handle',
  };
}

/** `PipelineTimeoutsModule.forRoot` options: those of every node-timer module, and its own. */
export interface PipelineTimeoutsModuleOptions extends NodeTimerModuleOptions {
  settings?: Partial<PipelineTimeoutsSettings>;
  /** Longest sleep of the scan loops, in seconds (default 1; apps pass `PIPELINE_NODE_TIMER_EVENT_POOL_SCAN_INTERVAL`). */
  scanIntervalSeconds?: number;
}
