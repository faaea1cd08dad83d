import {
  isPlainObject,
  timerActionCheck,
  type KnownTimerActions,
  type NodeCheck,
  type ValidationIssue,
} from '@app/pipeline';

/** The strategy names a tree may use: a list, or a lookup such as `(n) => registry.has(n)`. */
export type KnownActions = KnownTimerActions;

/**
 * A tree-validation check (`ValidateOptions.extraChecks`) for `timeout_config` of
 * ServiceActivities: `INVALID_TIMER` for a bad `enable`, `seconds` that is not a positive
 * number, or a missing action name; `UNKNOWN_ACTION` for an action no strategy declares.
 * Disabled configs are checked too: enabling one later must not surprise.
 */
export function nodeTimeoutChecks(knownActions: KnownActions): NodeCheck {
  const checkAction = timerActionCheck(knownActions, ' (known: none)');
  return (node, path) => {
    const raw = node as unknown as Record<string, unknown>;
    const config = raw?.timeout_config;
    if (raw?.type !== 'ServiceActivity' || config === undefined || config === null) return [];
    const at = `${path}.timeout_config`;
    const issues: ValidationIssue[] = [];
    const add = (code: ValidationIssue['code'], where: string, message: string) =>
      issues.push({ code, nodeId: node.id, path: where, message });
    if (!isPlainObject(config)) {
      add('INVALID_TIMER', at, `timeout_config of node '${node.id}' must be an object`);
      return issues;
    }
    if (typeof config.enable !== 'boolean') {
      add(
        'INVALID_TIMER',
        `${at}.enable`,
        `timeout_config of node '${node.id}': enable must be true or false`,
      );
    }
    const seconds = config.seconds;
    if (typeof seconds !== 'number' || !Number.isFinite(seconds) || seconds <= 0) {
      add(
        'INVALID_TIMER',
        `${at}.seconds`,
        `timeout_config of node '${node.id}': seconds must be a number greater than 0 (got ${JSON.stringify(seconds) ?? 'nothing'})`,
      );
    }
    const bad = checkAction(config.action);
    if (bad) add(bad.code, `${at}.action`, `timeout_config of node '${node.id}': ${bad.problem}`);
    return issues;
  };
}
