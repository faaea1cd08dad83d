/** Variables visible to an expression; names WITHOUT the `${}` (tree key "${x}" is referenced as `x`). */
export interface VariableScope {
  has(name: string): boolean;
  get(name: string): unknown;
}

/** A scope over a plain record; only the record's own keys are visible (never inherited ones). */
export function scopeFromRecord(values: Record<string, unknown>): VariableScope {
  const own = (name: string): boolean => Object.prototype.hasOwnProperty.call(values, name);
  return {
    has: own,
    get: (name) => (own(name) ? values[name] : undefined),
  };
}
