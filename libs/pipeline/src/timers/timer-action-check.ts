import type { ValidationCode } from '../model/validation.types';

/** The action names a tree may use: a list, or a lookup such as `(n) => registry.has(n)`. */
export type KnownTimerActions = Iterable<string> | ((name: string) => boolean);

/** What is wrong with a timer config's `action`, for the caller to place in its issue. */
export interface TimerActionProblem {
  code: Extract<ValidationCode, 'INVALID_TIMER' | 'UNKNOWN_ACTION'>;
  /** `action must be a non-empty string`, or `unknown action 'x' (known: a, b)`. */
  problem: string;
}

/**
 * The check of a timer config's `action` shared by the contrib modules' tree checks:
 * `INVALID_TIMER` unless a non-empty string, `UNKNOWN_ACTION` unless known. When the known
 * names can be listed the message lists them, or says `noneKnown` when there are none;
 * a lookup function cannot be listed, so its messages name only the action.
 */
export function timerActionCheck(
  knownActions: KnownTimerActions,
  noneKnown: string,
): (action: unknown) => TimerActionProblem | null {
  let isKnown: (name: string) => boolean;
  let hint = '';
  if (typeof knownActions === 'function') {
    isKnown = knownActions;
  } else {
    const names = new Set(knownActions);
    const sorted = [...names].sort();
    isKnown = (name) => names.has(name);
    hint = sorted.length ? ` (known: ${sorted.join(', ')})` : noneKnown;
  }
  return (action) => {
    if (typeof action !== 'string' || action === '') {
      return { code: 'INVALID_TIMER', problem: 'action must be a non-empty string' };
    }
    if (!isKnown(action)) {
      return { code: 'UNKNOWN_ACTION', problem: `unknown action '${action}'${hint}` };
    }
    return null;
  };
}
