import { PipelineError } from '../errors/pipeline.error';

/** A webhook or failure callback setting that cannot work (DESIGN §8.6): bad URL, events, secret... → 400. */
export class InvalidWebhookError extends PipelineError {
  readonly code = 'INVALID_WEBHOOK';
  readonly kind = 'invalid' as const;
  constructor(
    readonly field: string,
    message: string,
  ) {
    super(`invalid webhook: ${field}: ${message}`, { field }, [{ code: 'INVALID_WEBHOOK', path: field, message }]);
  }
}
