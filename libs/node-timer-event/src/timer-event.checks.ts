import {
  isPlainObject,
  timerActionCheck,
  type KnownTimerActions,
  type NodeCheck,
  type ValidationIssue,
} from '@app/pipeline';
import { InvalidTimerError } from './invalid-timer.error';
import { parseTimerEvent, TIMER_TYPES, type ParseTimerOptions } from './timer-schedule';

/** The action names a tree may use: a list, or a lookup such as `(n) => registry.has(n)`. */
export type KnownActions = KnownTimerActions;

/**
 * A tree-validation check (`ValidateOptions.extraChecks`) for `events.timer_events` of
 * ServiceActivities: `INVALID_TIMER` for a bad `enable`, `timer_type` or `defined` (the
 * parser's message says why) or a missing action name, `UNKNOWN_ACTION` for an action no
 * provider declares. Disabled events are checked too: enabling one later must not surprise.
 */
export function nodeTimerEventChecks(
  knownActions: KnownActions,
  options: ParseTimerOptions = {},
): NodeCheck {
  const checkAction = timerActionCheck(knownActions, ' (no action is registered)');
  return (node, path) => {
    const raw = node as unknown as Record<string, unknown>;
    if (raw?.type !== 'ServiceActivity' || raw.events === undefined || raw.events === null)
      return [];
    const issues: ValidationIssue[] = [];
    const add = (code: ValidationIssue['code'], at: string, message: string) =>
      issues.push({ code, nodeId: node.id, path: at, message });
    if (!isPlainObject(raw.events)) {
      add('INVALID_TIMER', `${path}.events`, `events of node '${node.id}' must be an object`);
      return issues;
    }
    const list = raw.events.timer_events;
    if (list === undefined || list === null) return issues;
    if (!Array.isArray(list)) {
      add(
        'INVALID_TIMER',
        `${path}.events.timer_events`,
        `events.timer_events of node '${node.id}' must be a list`,
      );
      return issues;
    }
    list.forEach((event: unknown, i) => {
      const at = `${path}.events.timer_events.${i}`;
      if (!isPlainObject(event)) {
        add('INVALID_TIMER', at, `timer event ${i} of node '${node.id}' must be an object`);
        return;
      }
      if (typeof event.enable !== 'boolean') {
        add(
          'INVALID_TIMER',
          `${at}.enable`,
          `timer event ${i} of node '${node.id}': enable must be true or false`,
        );
      }
      try {
        parseTimerEvent({ timer_type: event.timer_type, defined: event.defined }, options);
      } catch (error) {
        if (!(error instanceof InvalidTimerError)) throw error;
        const field = TIMER_TYPES.includes(event.timer_type as never) ? 'defined' : 'timer_type';
        add(
          'INVALID_TIMER',
          `${at}.${field}`,
          `timer event ${i} of node '${node.id}': ${error.message}`,
        );
      }
      const bad = checkAction(event.action);
      if (bad)
        add(bad.code, `${at}.action`, `timer event ${i} of node '${node.id}': ${bad.problem}`);
    });
    return issues;
  };
}
