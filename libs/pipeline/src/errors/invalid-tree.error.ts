import type { ValidationIssue } from '../model/validation.types';
import { PipelineError } from './pipeline.error';

/** A tree failed validation; `details` lists every problem found. */
export class InvalidTreeError extends PipelineError {
  readonly code = 'INVALID_TREE';
  readonly kind = 'invalid' as const;
  constructor(errors: ValidationIssue[]) {
    super(`The pipeline tree is invalid: ${errors.length} problem(s) found`, {}, errors);
  }
}
