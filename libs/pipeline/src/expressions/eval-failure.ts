/**
 * Internal: why an evaluation stopped, before the public functions turn it into an
 * ExpressionError carrying the source. `missing` marks an undefined variable, absent key or
 * out-of-range index: templates leave such a placeholder unrendered, conditions fail.
 */
export class EvalFailure extends Error {
  constructor(
    readonly reason: string,
    public position?: number,
    readonly missing = false,
    readonly variable?: string,
  ) {
    super(reason);
  }
}

export const fail = (reason: string): never => {
  throw new EvalFailure(reason);
};

export const missing = (reason: string, variable?: string): never => {
  throw new EvalFailure(reason, undefined, true, variable);
};
