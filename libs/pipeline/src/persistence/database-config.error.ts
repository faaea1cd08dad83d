import { PipelineError } from '../errors/pipeline.error';

/**
 * `DATABASE_URL` cannot be used: an unknown scheme, a malformed URL, or a driver package
 * that is not installed. Raised at boot, before any connection is tried, so it is never retried.
 */
export class DatabaseConfigError extends PipelineError {
  readonly code: 'INVALID_DATABASE_URL' | 'DATABASE_DRIVER_MISSING';
  readonly kind = 'unavailable' as const;
  constructor(
    message: string,
    code: 'INVALID_DATABASE_URL' | 'DATABASE_DRIVER_MISSING' = 'INVALID_DATABASE_URL',
  ) {
    super(message);
    this.code = code;
  }
}
