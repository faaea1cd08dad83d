import { PipelineError } from '@app/pipeline';

/**
 * Two different provider classes claim one timer event action name. Raised at boot by
 * `ActionRegistry`, so the app refuses to start rather than run whichever was found first.
 */
export class DuplicateTimerActionError extends PipelineError {
  readonly code = 'DUPLICATE_TIMER_ACTION';
  readonly kind = 'conflict' as const;
  constructor(name: string, classNames: [string, string]) {
    super(
      `Timer event action '${name}' is declared twice: by ${classNames[0]} and by ${classNames[1]}`,
      {
        name,
        classNames,
      },
    );
  }
}
