import { ConflictError } from './conflict.error';

/** A definition with `uniqueBusinessKey` already has a run with this key that is not FINISHED or REVOKED (DESIGN §8.4). */
export class DuplicateBusinessKeyError extends ConflictError {
  constructor(
    readonly pipelineId: string,
    readonly businessKey: string,
    readonly existingRunId: string,
  ) {
    super(
      `pipeline '${pipelineId}' already has run ${existingRunId} with business key '${businessKey}' (not FINISHED or REVOKED)`,
      { pipelineId, businessKey, existingRunId },
      'DUPLICATE_BUSINESS_KEY',
    );
  }
}
