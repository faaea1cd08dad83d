/** Tuning of the runtime loop, provided by `PipelineModule.forRoot`. */
export interface EngineRuntimeOptions {
  /**
   * Run a component's `execute` right after entering its node, in the same worker, instead of
   * through its own `execute` job. Embedded mode does (no queue hop). Distributed mode does not:
   * a queued `execute` job stays active (its lock renewed) while the component runs, so the
   * reconciler never mistakes a slow component for lost work, and a killed worker's component
   * is re-queued by BullMQ's stalled-job check.
   */
  inlineExecute: boolean;
  /** Steps one job may walk inline before handing the rest back to the queue. */
  inlineStepBudget: number;
}

export const ENGINE_RUNTIME_OPTIONS = Symbol('ENGINE_RUNTIME_OPTIONS');

export const DEFAULT_ENGINE_RUNTIME_OPTIONS: EngineRuntimeOptions = { inlineExecute: true, inlineStepBudget: 64 };
