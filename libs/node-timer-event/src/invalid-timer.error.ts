import { PipelineError } from '@app/pipeline';

/**
 * A timer event definition that cannot be scheduled: an unknown `timer_type`, or a `defined`
 * text that is not the ISO 8601 form its type needs. Validation reports the same problem as
 * an `INVALID_TIMER` issue; the API answers 400.
 */
export class InvalidTimerError extends PipelineError {
  readonly code = 'INVALID_TIMER';
  readonly kind = 'invalid' as const;
  constructor(
    readonly timerType: unknown,
    readonly defined: unknown,
    /** Why, in English, without the definition itself (e.g. "the duration must not be negative"). */
    readonly reason: string,
  ) {
    super(
      `Invalid timer ${describe(timerType)} ${JSON.stringify(defined) ?? 'undefined'}: ${reason}`,
      {
        timerType,
        defined,
      },
    );
  }
}

function describe(timerType: unknown): string {
  return typeof timerType === 'string' ? timerType : `(timer_type ${JSON.stringify(timerType)})`;
}
