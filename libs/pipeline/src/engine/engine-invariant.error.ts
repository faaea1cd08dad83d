import { PipelineError } from '../errors/pipeline.error';

/**
 * The core was asked to do something its invariants forbid (a bug or corrupt state, never
 * a user mistake). The runtime fails the affected node and logs it loudly.
 */
export class EngineInvariantError extends PipelineError {
  readonly code = 'ENGINE_INVARIANT';
  readonly kind = 'conflict' as const;
  constructor(message: string, context: Record<string, unknown> = {}) {
    super(message, context);
  }
}
