import type { ValidationIssue } from '../model/validation.types';
import { PipelineError } from './pipeline.error';

/** A request that is well-formed JSON but asks for something impossible (bad inputs, bad filter). */
export class BadRequestError extends PipelineError {
  readonly code: string;
  readonly kind = 'invalid' as const;
  constructor(message: string, code = 'BAD_REQUEST', context: Record<string, unknown> = {}, details?: ValidationIssue[]) {
    super(message, context, details);
    this.code = code;
  }
}
