import {
  InvalidTimerConfigsError,
  UnknownTimerNodeError,
  type ValidationIssue,
} from '@app/pipeline';

/**
 * A `PUT /pipelines/:id/node-timer-events` body that cannot be applied: not `{nodeId: [timer
 * events]}`, or events that are invalid (`INVALID_TIMER`) or name unknown actions
 * (`UNKNOWN_ACTION`). `details` lists every problem; the API answers 400.
 */
export class InvalidTimerEventConfigsError extends InvalidTimerConfigsError {
  constructor(issues: ValidationIssue[], context: Record<string, unknown> = {}) {
    super('timer event configs', issues, context);
  }
}

/** Timer event configs name nodes that are not ServiceActivities of the pipeline (400 `UNKNOWN_NODE`). */
export class UnknownTimerEventNodeError extends UnknownTimerNodeError {}
