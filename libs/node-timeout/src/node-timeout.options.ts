import type {
  ExecutingPoolProvider,
  NodeTimerModuleOptions,
  NodeTimerParts,
  PipelineRole,
} from '@app/pipeline';
import type { NodeTimeoutSettings } from './node-timeout.settings';

/** A provider of the executing pool without its token: `{useClass}`, `{useFactory, inject?}` or `{useValue}`. */
export type TimeoutPoolProvider = ExecutingPoolProvider;

/** `NodeTimeoutModule.forRoot` options: those of every node-timer module, and its own. */
export interface NodeTimeoutModuleOptions extends NodeTimerModuleOptions {
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
}

/** What the module resolved from its options. */
export interface ResolvedNodeTimeoutOptions {
  role: PipelineRole;
  parts: NodeTimerParts;
  scanIntervalMs: number;
  firedRecordTtlMs: number;
}

export const NODE_TIMEOUT_OPTIONS = Symbol('NODE_TIMEOUT_OPTIONS');
