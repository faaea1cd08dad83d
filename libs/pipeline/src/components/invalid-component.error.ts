import { PipelineError } from '../errors/pipeline.error';

/**
 * A class decorated with `@PipelineComponent` / `@PipelineLazyVariable` that cannot be used:
 * bad decorator options, not extending the required base class, or not a singleton provider.
 * Raised at boot (or at decoration time for bad options).
 */
export class InvalidComponentError extends PipelineError {
  readonly code = 'INVALID_COMPONENT';
  readonly kind = 'invalid' as const;
  constructor(message: string, context: Record<string, unknown> = {}) {
    super(message, context);
  }
}
