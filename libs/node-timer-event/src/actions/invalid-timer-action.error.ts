import { PipelineError } from '@app/pipeline';

/** `@TimerEventAction` used with a bad name. Raised when the class is declared, so boot fails. */
export class InvalidTimerActionError extends PipelineError {
  readonly code = 'INVALID_TIMER_ACTION';
  readonly kind = 'invalid' as const;
  constructor(message: string, context: Record<string, unknown> = {}) {
    super(message, context);
  }
}
