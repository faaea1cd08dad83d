/** Tuning of the runtime loop, provided by `PipelineModule.forRoot`. */
export interface EngineRuntimeOptions {
  /**
   * Run a component's `execute` (and a `schedule` due at once) right after the step that asked
   * for it, in the same worker, instead of through its own job: no queue hop per activity.
   */
  inlineExecute: boolean;
  /** Steps one job may walk inline before handing the rest back to the queue. */
  inlineStepBudget: number;
  /**
   * While a component runs, touch its node row this often (ms), so the reconciler, which
   * re-dispatches work idle for longer than its grace, never takes a slow component for lost
   * work. Null: no heartbeat (embedded mode has no reconciler while it runs). Keep the
   * scanner's RECONCILE_GRACE_MS well above it (3× or more).
   */
  heartbeatMs: number | null;
}

/** Default heartbeat in distributed mode: a third of the reconciler's default grace (15 s). */
export const DEFAULT_COMPONENT_HEARTBEAT_MS = 5_000;

export const ENGINE_RUNTIME_OPTIONS = Symbol('ENGINE_RUNTIME_OPTIONS');

export const DEFAULT_ENGINE_RUNTIME_OPTIONS: EngineRuntimeOptions = { inlineExecute: true, inlineStepBudget: 64, heartbeatMs: null };
