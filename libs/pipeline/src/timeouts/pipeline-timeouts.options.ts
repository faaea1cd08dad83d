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

export const DEFAULT_PIPELINE_TIMEOUTS_SETTINGS: Readonly<PipelineTimeoutsSettings> = Object.freeze({
  activityPool: 'pipeline_activity_timeout_pool',
  activityDispatchQueue: 'activity_timeout_dispatch',
  activityHandleQueue: 'activity_timeout_handle',
  runPool: 'pipeline_run_timeout_pool',
  runDispatchQueue: 'run_timeout_dispatch',
  runHandleQueue: 'run_timeout_handle',
});

/** `PipelineTimeoutsModule.forRoot` options: those of every node-timer module, and its own. */
export interface PipelineTimeoutsModuleOptions extends NodeTimerModuleOptions {
  settings?: Partial<PipelineTimeoutsSettings>;
  /** Longest sleep of the scan loops, in seconds (default 1; apps pass `PIPELINE_NODE_TIMER_EVENT_POOL_SCAN_INTERVAL`). */
  scanIntervalSeconds?: number;
}
