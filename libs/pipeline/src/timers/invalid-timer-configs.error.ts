import { PipelineError } from '../errors/pipeline.error';
import type { ValidationIssue } from '../model/validation.types';

/**
 * A body of timer configs (`PUT /pipelines/:id/node-timeouts`, `.../node-timer-events`) that
 * cannot be applied: not a map of node id to config, or configs that are invalid
 * (`INVALID_TIMER`) or name unknown actions (`UNKNOWN_ACTION`). `details` lists every
 * problem; the API answers 400. Each contrib module raises a subclass named for its configs.
 */
export class InvalidTimerConfigsError extends PipelineError {
  readonly code = 'INVALID_TIMER_CONFIGS';
  readonly kind = 'invalid' as const;
  /** `what`: the configs, in the plural (`timeout configs`). */
  constructor(what: string, issues: ValidationIssue[], context: Record<string, unknown> = {}) {
    super(`The ${what} are invalid: ${issues.length} problem(s) found`, context, issues);
  }
}

/**
 * Timer configs name nodes that are not ServiceActivities of the pipeline (the seed ignored
 * them silently). Each contrib module raises a subclass named for its configs.
 */
export class UnknownTimerNodeError extends PipelineError {
  readonly code = 'UNKNOWN_NODE';
  readonly kind = 'invalid' as const;
  constructor(pipelineId: string, nodeIds: string[]) {
    super(
      `Pipeline '${pipelineId}' has no ServiceActivity ${nodeIds.map((id) => `'${id}'`).join(', ')}`,
      { pipelineId, nodeIds },
    );
  }
}
