import {
  InvalidTimerConfigsError,
  UnknownTimerNodeError,
  type ValidationIssue,
} from '@app/pipeline';

/**
 * A `PUT /pipelines/:id/node-timeouts` body that cannot be applied: not `{nodeId: {enable,
 * action, seconds}}`, or configs that are invalid (`INVALID_TIMER`) or name unknown
 * strategies (`UNKNOWN_ACTION`). `details` lists every problem; the API answers 400.
 */
export class InvalidTimeoutConfigsError extends InvalidTimerConfigsError {
  constructor(issues: ValidationIssue[], context: Record<string, unknown> = {}) {
    super('timeout configs', issues, context);
  }
}

/** Timeout configs name nodes that are not ServiceActivities of the pipeline (400 `UNKNOWN_NODE`). */
export class UnknownTimeoutNodeError extends UnknownTimerNodeError {}
