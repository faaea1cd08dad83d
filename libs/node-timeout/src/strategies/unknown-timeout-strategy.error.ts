import { PipelineError } from '@app/pipeline';

/** No provider declares this timeout action (validation reports it as `UNKNOWN_ACTION`). */
export class UnknownTimeoutStrategyError extends PipelineError {
  readonly code = 'UNKNOWN_ACTION';
  readonly kind = 'invalid' as const;
  constructor(readonly actionName: string) {
    super(`Timeout strategy '${actionName}' is not registered`, { action: actionName });
  }
}
