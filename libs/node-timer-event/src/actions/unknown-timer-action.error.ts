import { PipelineError } from '@app/pipeline';

/** No provider declares this timer event action (validation reports it as `UNKNOWN_ACTION`). */
export class UnknownTimerActionError extends PipelineError {
  readonly code = 'UNKNOWN_ACTION';
  readonly kind = 'invalid' as const;
  constructor(readonly actionName: string) {
    super(`Timer event action '${actionName}' is not registered`, { action: actionName });
  }
}
