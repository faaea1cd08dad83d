import { PipelineError } from '@app/pipeline';

/**
 * Two different provider classes claim one timeout strategy name. Raised at boot by
 * `NodeTimeoutStrategyRegistry`, so the app refuses to start rather than pick one.
 */
export class DuplicateTimeoutStrategyError extends PipelineError {
  readonly code = 'DUPLICATE_TIMEOUT_STRATEGY';
  readonly kind = 'conflict' as const;
  constructor(name: string, classNames: [string, string]) {
    super(
      `Timeout strategy '${name}' is declared twice: by ${classNames[0]} and by ${classNames[1]}`,
      {
        name,
        classNames,
      },
    );
  }
}
