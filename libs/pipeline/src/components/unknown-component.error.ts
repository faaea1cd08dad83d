import { PipelineError } from '../errors/pipeline.error';

/** No component is registered under (code, version). */
export class UnknownComponentError extends PipelineError {
  readonly code = 'UNKNOWN_COMPONENT';
  readonly kind = 'invalid' as const;
  constructor(componentCode: string, version: string) {
    // The context key is `code` as the API documents it; PipelineError.code stays the error code.
    super(`Unknown component '${componentCode}' (version '${version}')`, {
      code: componentCode,
      version,
    });
  }
}
