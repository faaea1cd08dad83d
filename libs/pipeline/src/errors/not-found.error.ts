import { PipelineError } from './pipeline.error';

/** An id (pipeline, run, node) that does not exist. */
export class NotFoundError extends PipelineError {
  readonly code = 'NOT_FOUND';
  readonly kind = 'not_found' as const;
  constructor(
    readonly resource: 'pipeline' | 'run' | 'node' | 'version' | string,
    readonly id: string,
    extra: Record<string, unknown> = {},
  ) {
    super(`${resource} '${id}' was not found`, { resource, id, ...extra });
  }
}
