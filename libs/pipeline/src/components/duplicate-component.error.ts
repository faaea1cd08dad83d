import { PipelineError } from '../errors/pipeline.error';

/**
 * Two different provider classes claim the same component (code, version). Raised at boot by
 * `ComponentRegistry` so the app refuses to start rather than run whichever was found first.
 */
export class DuplicateComponentError extends PipelineError {
  readonly code = 'DUPLICATE_COMPONENT';
  readonly kind = 'conflict' as const;
  constructor(componentCode: string, version: string, classNames: [string, string]) {
    super(
      `Component '${componentCode}' version '${version}' is declared twice: by ${classNames[0]} and by ${classNames[1]}`,
      { componentCode, version, classNames },
    );
  }
}
