import { PipelineError } from '../errors/pipeline.error';

/** A schedule that cannot fire (DESIGN §8.5): bad cron, unknown zone, empty interval, past `at`... → 400. */
export class InvalidScheduleError extends PipelineError {
  readonly code = 'INVALID_SCHEDULE';
  readonly kind = 'invalid' as const;
  constructor(
    readonly field: string,
    message: string,
  ) {
    super(`invalid schedule: ${field}: ${message}`, { field }, [{ code: 'INVALID_SCHEDULE', path: field, message }]);
  }
}
