import { PipelineError } from '../errors/pipeline.error';

/** A compare-and-set failed: someone else changed the row first. The caller reloads and decides again. */
export class StaleStateError extends PipelineError {
  readonly code = 'STALE_STATE';
  readonly kind = 'conflict' as const;
  constructor(what: string, context: Record<string, unknown> = {}) {
    super(`stale write: ${what}`, context);
  }
}
