import { PipelineError } from '../errors/pipeline.error';
import { EXPRESSION_LIMITS } from './expression-limits';

/** Longest excerpt of the offending source in the message. */
const MESSAGE_EXCERPT = 200;

const excerpt = (text: string, max: number): string =>
  text.length > max ? `${text.slice(0, max)}…` : text;

/**
 * An expression, condition or template that cannot be parsed, uses a forbidden construct,
 * exceeds a limit or fails while evaluating (type mismatch, undefined variable, ...).
 * `reason` says what went wrong and where; `position` is a 0-based character offset in
 * `expression` when it is known. An undefined variable also sets `context.variable`.
 */
export class ExpressionError extends PipelineError {
  readonly code = 'INVALID_EXPRESSION';
  readonly kind = 'invalid' as const;
  readonly expression: string;
  readonly reason: string;
  readonly position?: number;

  constructor(
    expression: string,
    reason: string,
    position?: number,
    extra: Record<string, unknown> = {},
  ) {
    const where = position === undefined ? '' : ` (at character ${position})`;
    super(`Invalid expression '${excerpt(expression, MESSAGE_EXCERPT)}': ${reason}${where}`, {
      ...extra,
      // A template can be large; the context keeps at most one expression's worth of it.
      expression: excerpt(expression, EXPRESSION_LIMITS.maxSourceLength),
      reason,
      ...(position === undefined ? {} : { position }),
    });
    this.expression = excerpt(expression, EXPRESSION_LIMITS.maxSourceLength);
    this.reason = reason;
    this.position = position;
  }
}
