import { PipelineError } from './pipeline.error';

/** An operation not allowed in the current state, or a stale version. */
export class ConflictError extends PipelineError {
  readonly code: string;
  readonly kind = 'conflict' as const;
  constructor(message: string, context: Record<string, unknown> = {}, code = 'CONFLICT') {
    super(message, context);
    this.code = code;
  }
}
