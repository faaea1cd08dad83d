import { PipelineError, type ValidationIssue } from '@app/pipeline';

/**
 * A `PUT /pipelines/:id/node-timer-events` body that cannot be applied: not `{nodeId: [timer
 * events]}`, or events that are invalid (`INVALID_TIMER`) or name unknown actions
 * (`UNKNOWN_ACTION`). `details` lists every problem; the API answers 400.
 */
export class InvalidTimerEventConfigsError extends PipelineError {
  readonly code = 'INVALID_TIMER_CONFIGS';
  readonly kind = 'invalid' as const;
  constructor(issues: ValidationIssue[], context: Record<string, unknown> = {}) {
    super(
      `The timer event configs are invalid: ${issues.length} problem(s) found`,
      context,
      issues,
    );
  }
}

/** Configs name nodes that are not ServiceActivities of the pipeline (the seed ignored them silently). */
export class UnknownTimerEventNodeError extends PipelineError {
  readonly code = 'UNKNOWN_NODE';
  readonly kind = 'invalid' as const;
  constructor(pipelineId: string, nodeIds: string[]) {
    super(
      `Pipeline '${pipelineId}' has no ServiceActivity ${nodeIds.map((id) => `'${id}'`).join(', ')}`,
      { pipelineId, nodeIds },
    );
  }
}
