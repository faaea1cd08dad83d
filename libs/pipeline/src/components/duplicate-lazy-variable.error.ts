import { PipelineError } from '../errors/pipeline.error';

/** Two different provider classes claim the same lazy variable code; raised at boot. */
export class DuplicateLazyVariableError extends PipelineError {
  readonly code = 'DUPLICATE_LAZY_VARIABLE';
  readonly kind = 'conflict' as const;
  constructor(variableCode: string, classNames: [string, string]) {
    super(
      `Lazy variable '${variableCode}' is declared twice: by ${classNames[0]} and by ${classNames[1]}`,
      {
        variableCode,
        classNames,
      },
    );
  }
}
