import { PipelineError } from '../errors/pipeline.error';

/** No lazy variable is registered under `custom_type` = code. */
export class UnknownLazyVariableError extends PipelineError {
  readonly code = 'UNKNOWN_LAZY_VARIABLE';
  readonly kind = 'invalid' as const;
  constructor(variableCode: string) {
    super(`Unknown lazy variable type '${variableCode}'`, { customType: variableCode });
  }
}
