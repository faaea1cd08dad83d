import type {
  ExecutingPoolProvider,
  NodeTimerModuleOptions,
  NodeTimerParts,
  PipelineRole,
} from '@app/pipeline';
import type { NodeTimerEventSettings } from './node-timer-event.settings';

export type { ExecutingPoolProvider } from '@app/pipeline';

/** `NodeTimerEventModule.forRoot` options: those of every node-timer module, and its own. */
export interface NodeTimerEventModuleOptions extends NodeTimerModuleOptions {
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
