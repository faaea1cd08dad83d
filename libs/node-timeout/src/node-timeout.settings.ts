import { readTimerSettings, TIMER_QUEUE_NAME } from '@app/pipeline';
import { IsNotEmpty, IsString, Matches } from 'class-validator';

/**
 * Settings of the node-timeout contrib module (DESIGN §7), named as in bamboo-pipeline so
 * a bamboo deployment's settings carry over; each can be set from the environment by the
 * app config that hosts the module.
 */
export interface NodeTimeoutSettings {
  /** Queue of the jobs that run a due timeout's action (bamboo: `None` = default queue). */
  PIPELINE_NODE_TIMEOUT_HANDLE_QUEUE: string;
  /** Queue the timer-scanner sends due pool entries to. */
  PIPELINE_NODE_TIMEOUT_DISPATCH_QUEUE: string;
  /** Key of the executing pool: a sorted set of `(node, version)` scored by due time. */
  PIPELINE_NODE_TIMEOUT_EXECUTING_POOL: string;
}

/**
 * Defaults. bamboo leaves the queues unset (Celery's default queue); BullMQ needs a
 * name, and refuses `:` in it, hence the underscores.
 */
export const DEFAULT_NODE_TIMEOUT_SETTINGS: Readonly<NodeTimeoutSettings> = Object.freeze({
  PIPELINE_NODE_TIMEOUT_HANDLE_QUEUE: 'node_timeout_handle',
  PIPELINE_NODE_TIMEOUT_DISPATCH_QUEUE: 'node_timeout_dispatch',
  PIPELINE_NODE_TIMEOUT_EXECUTING_POOL: 'executing_node_pool',
});

/** Injection token of the resolved {@link NodeTimeoutSettings}. */
export const NODE_TIMEOUT_SETTINGS = Symbol('NODE_TIMEOUT_SETTINGS');

/** The settings as environment variables, validated like every app setting. */
class NodeTimeoutEnvironment implements NodeTimeoutSettings {
  @Matches(TIMER_QUEUE_NAME, {
    message: 'PIPELINE_NODE_TIMEOUT_HANDLE_QUEUE may hold letters, digits, _ . - only',
  })
  PIPELINE_NODE_TIMEOUT_HANDLE_QUEUE: string =
    DEFAULT_NODE_TIMEOUT_SETTINGS.PIPELINE_NODE_TIMEOUT_HANDLE_QUEUE;

  @Matches(TIMER_QUEUE_NAME, {
    message: 'PIPELINE_NODE_TIMEOUT_DISPATCH_QUEUE may hold letters, digits, _ . - only',
  })
  PIPELINE_NODE_TIMEOUT_DISPATCH_QUEUE: string =
    DEFAULT_NODE_TIMEOUT_SETTINGS.PIPELINE_NODE_TIMEOUT_DISPATCH_QUEUE;

  @IsString()
  @IsNotEmpty()
  PIPELINE_NODE_TIMEOUT_EXECUTING_POOL: string =
    DEFAULT_NODE_TIMEOUT_SETTINGS.PIPELINE_NODE_TIMEOUT_EXECUTING_POOL;
}

/**
 * The module's settings from environment variables (unset or empty ones keep their default),
 * for the config file of each app that hosts the module; other variables are ignored.
 * @throws Error listing every bad setting
 */
export function readNodeTimeoutSettings(env: Record<string, unknown>): NodeTimeoutSettings {
  return readTimerSettings(env, {
    name: 'node-timeout',
    defaults: DEFAULT_NODE_TIMEOUT_SETTINGS,
    schema: NodeTimeoutEnvironment,
  });
}
