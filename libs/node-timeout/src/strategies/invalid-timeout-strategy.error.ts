import { PipelineError } from '@app/pipeline';

/** `@TimeoutStrategy` used with a bad name. Raised when the class is declared, so boot fails. */
export class InvalidTimeoutStrategyError extends PipelineError {
  readonly code = 'INVALID_TIMEOUT_STRATEGY';
  readonly kind = 'invalid' as const;
  constructor(message: string, context: Record<string, unknown> = {}) {
    super(message, context);
  }
}
