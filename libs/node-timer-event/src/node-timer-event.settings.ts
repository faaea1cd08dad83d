import { readTimerSettings, TIMER_QUEUE_NAME } from '@app/pipeline';
import { IsInt, IsNotEmpty, IsNumber, IsString, Matches, Max, Min } from 'class-validator';

/**
 * Settings of the node-timer-event contrib module (DESIGN §7), named as in
 * bamboo-pipeline so a bamboo deployment's settings carry over; each can be set from
 * the environment by the app config that hosts the module.
 */
export interface NodeTimerEventSettings {
  /** Prefix of the pool members (`<prefix>:run:…:node:…:version:…:index:…`), as in bamboo. */
  PIPELINE_NODE_TIMER_EVENT_KEY_PREFIX: string;
  /** Queue of the jobs that run a due timer event's action (bamboo: `None` = default queue). */
  PIPELINE_NODE_TIMER_EVENT_HANDLE_QUEUE: string;
  /** Queue the timer-scanner sends due pool entries to. */
  PIPELINE_NODE_TIMER_EVENT_DISPATCH_QUEUE: string;
  /** Key of the executing pool: a sorted set of `(node, version, event index)` by due time. */
  PIPELINE_NODE_TIMER_EVENT_EXECUTING_POOL: string;
  /** Longest sleep between two scans of the pool, in seconds (fractions allowed). */
  PIPELINE_NODE_TIMER_EVENT_POOL_SCAN_INTERVAL: number;
  /** Lifetime of the per-node timer-event records, in seconds. */
  PIPELINE_NODE_TIMER_EVENT_MAX_EXPIRE_TIME: number;
}

const KEY_PREFIX = 'bamboo:v1:node_timer_event';

/**
 * Defaults, bamboo's where it has one. bamboo leaves the queues unset (Celery's default
 * queue); BullMQ needs a name, and refuses `:` in it, hence the underscores. The
 * adapter setting of bamboo (`..._ADAPTER_CLASS`) becomes a replaceable Nest provider.
 */
export const DEFAULT_NODE_TIMER_EVENT_SETTINGS: Readonly<NodeTimerEventSettings> = Object.freeze({
  PIPELINE_NODE_TIMER_EVENT_KEY_PREFIX: KEY_PREFIX,
  PIPELINE_NODE_TIMER_EVENT_HANDLE_QUEUE: 'node_timer_event_handle',
  PIPELINE_NODE_TIMER_EVENT_DISPATCH_QUEUE: 'node_timer_event_dispatch',
  PIPELINE_NODE_TIMER_EVENT_EXECUTING_POOL: `${KEY_PREFIX}:executing_node_pool`,
  PIPELINE_NODE_TIMER_EVENT_POOL_SCAN_INTERVAL: 1,
  PIPELINE_NODE_TIMER_EVENT_MAX_EXPIRE_TIME: 15 * 24 * 60 * 60,
});

/** Injection token of the resolved {@link NodeTimerEventSettings}. */
export const NODE_TIMER_EVENT_SETTINGS = Symbol('NODE_TIMER_EVENT_SETTINGS');

/** The settings as environment variables, validated like every app setting. */
class NodeTimerEventEnvironment implements NodeTimerEventSettings {
  @IsString()
  @IsNotEmpty()
  PIPELINE_NODE_TIMER_EVENT_KEY_PREFIX: string =
    DEFAULT_NODE_TIMER_EVENT_SETTINGS.PIPELINE_NODE_TIMER_EVENT_KEY_PREFIX;

  @Matches(TIMER_QUEUE_NAME, {
    message: 'PIPELINE_NODE_TIMER_EVENT_HANDLE_QUEUE may hold letters, digits, _ . - only',
  })
  PIPELINE_NODE_TIMER_EVENT_HANDLE_QUEUE: string =
    DEFAULT_NODE_TIMER_EVENT_SETTINGS.PIPELINE_NODE_TIMER_EVENT_HANDLE_QUEUE;

  @Matches(TIMER_QUEUE_NAME, {
    message: 'PIPELINE_NODE_TIMER_EVENT_DISPATCH_QUEUE may hold letters, digits, _ . - only',
  })
  PIPELINE_NODE_TIMER_EVENT_DISPATCH_QUEUE: string =
    DEFAULT_NODE_TIMER_EVENT_SETTINGS.PIPELINE_NODE_TIMER_EVENT_DISPATCH_QUEUE;

  @IsString()
  @IsNotEmpty()
  PIPELINE_NODE_TIMER_EVENT_EXECUTING_POOL: string =
    DEFAULT_NODE_TIMER_EVENT_SETTINGS.PIPELINE_NODE_TIMER_EVENT_EXECUTING_POOL;

  @IsNumber(
    { allowNaN: false, allowInfinity: false },
    { message: 'PIPELINE_NODE_TIMER_EVENT_POOL_SCAN_INTERVAL must be a number of seconds' },
  )
  @Min(0.001, {
    message: 'PIPELINE_NODE_TIMER_EVENT_POOL_SCAN_INTERVAL must be at least 0.001 (seconds)',
  })
  @Max(3600, {
    message: 'PIPELINE_NODE_TIMER_EVENT_POOL_SCAN_INTERVAL must be at most 3600 (seconds)',
  })
  PIPELINE_NODE_TIMER_EVENT_POOL_SCAN_INTERVAL: number =
    DEFAULT_NODE_TIMER_EVENT_SETTINGS.PIPELINE_NODE_TIMER_EVENT_POOL_SCAN_INTERVAL;

  @IsInt({ message: 'PIPELINE_NODE_TIMER_EVENT_MAX_EXPIRE_TIME must be a whole number of seconds' })
  @Min(1, { message: 'PIPELINE_NODE_TIMER_EVENT_MAX_EXPIRE_TIME must be at least 1 (second)' })
  PIPELINE_NODE_TIMER_EVENT_MAX_EXPIRE_TIME: number =
    DEFAULT_NODE_TIMER_EVENT_SETTINGS.PIPELINE_NODE_TIMER_EVENT_MAX_EXPIRE_TIME;
}

/**
 * The module's settings from environment variables (unset or empty ones keep their default),
 * for the config file of each app that hosts the module; other variables are ignored.
 * @throws Error listing every bad setting
 */
export function readNodeTimerEventSettings(env: Record<string, unknown>): NodeTimerEventSettings {
  return readTimerSettings(env, {
    name: 'node-timer-event',
    defaults: DEFAULT_NODE_TIMER_EVENT_SETTINGS,
    schema: NodeTimerEventEnvironment,
    numeric: [
      'PIPELINE_NODE_TIMER_EVENT_POOL_SCAN_INTERVAL',
      'PIPELINE_NODE_TIMER_EVENT_MAX_EXPIRE_TIME',
    ],
  });
}
