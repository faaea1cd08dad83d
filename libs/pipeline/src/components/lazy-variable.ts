/**
 * Lazy variables (DESIGN §3): a variable or component input `{type: 'lazy', custom_type: code,
 * value}` is computed when it is rendered by the `LazyVariable` registered under `code`.
 * Like components, lazy variables are singleton Nest providers shared by every run.
 */

/** What a lazy variable is computed from. */
export interface LazyVariableMeta {
  /** The `value` written in the tree (already rendered if it held a template). */
  value: unknown;
  /** The pipeline's context variables at render time (read-only). */
  context: Readonly<Record<string, unknown>>;
  runId: string;
}

export abstract class LazyVariable {
  /** Computes the variable's value; may be async. A thrown error fails the render. */
  abstract getValue(meta: LazyVariableMeta): unknown | Promise<unknown>;
}
