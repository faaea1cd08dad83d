import { PipelineError, type ValidationIssue } from '@app/pipeline';

/**
 * A `PUT /pipelines/:id/node-timeouts` body that cannot be applied: not `{nodeId: {enable,
 * action, seconds}}`, or configs that are invalid (`INVALID_TIMER`) or name unknown
 * strategies (`UNKNOWN_ACTION`). `details` lists every problem; the API answers 400.
 */
export class InvalidTimeoutConfigsError extends PipelineError {
  readonly code = 'INVALID_TIMER_CONFIGS';
  readonly kind = 'invalid' as const;
  constructor(issues: ValidationIssue[], context: Record<string, unknown> = {}) {
    super(`The timeout configs are invalid: ${issues.length} problem(s) found`, context, issues);
  }
}

/** Configs name nodes that are not ServiceActivities of the pipeline (the seed ignored them silently). */
export class UnknownTimeoutNodeError extends PipelineError {
  readonly code = 'UNKNOWN_NODE';
  readonly kind = 'invalid' as const;
  constructor(pipelineId: string, nodeIds: string[]) {
    super(
      `Pipeline '${pipelineId}' has no ServiceActivity ${nodeIds.map((id) => `'${id}'`).join(', ')}`,
      { pipelineId, nodeIds },
    );
  }
}
