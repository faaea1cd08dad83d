import { PipelineError } from '../errors/pipeline.error';

/**
 * Why a report on an external task was refused (409, DESIGN §8.6); nothing changed:
 * - `LOCK_NOT_HELD`: another worker holds the task, or none does;
 * - `LOCK_EXPIRED`: the caller held it, but its lock ran out (the task is offered again);
 * - `TASK_ALREADY_REPORTED`: it was completed or failed already (a duplicate report);
 * - `TASK_BEING_REPORTED`: a report of it is being delivered right now;
 * - `TASK_CANCELLED`: its node moved on without it (revoked, skipped, forced to fail, timed out).
 */
export type ExternalTaskConflictCode = 'LOCK_NOT_HELD' | 'LOCK_EXPIRED' | 'TASK_ALREADY_REPORTED' | 'TASK_BEING_REPORTED' | 'TASK_CANCELLED';

export class ExternalTaskConflictError extends PipelineError {
  readonly kind = 'conflict' as const;

  constructor(
    readonly code: ExternalTaskConflictCode,
    message: string,
    context: { taskId: string; state: string; [key: string]: unknown },
  ) {
    super(message, context);
  }
}
