import type { ValidationIssue } from '../model/validation.types';

/**
 * What kind of failure an error is, independent of transport. The API's one exception
 * filter maps it to HTTP: invalid → 400, unauthorized → 401, not_found → 404,
 * conflict → 409, unavailable → 503.
 */
export type ErrorKind = 'invalid' | 'unauthorized' | 'not_found' | 'conflict' | 'unavailable';

/** Base of every error the engine raises on purpose: a stable `code` plus context fields. */
export abstract class PipelineError extends Error {
  abstract readonly code: string;
  abstract readonly kind: ErrorKind;
  /** Problems to list in the HTTP answer's `details`. */
  readonly details?: ValidationIssue[];
  /** Extra context (ids, current state) included in the answer and logs. */
  readonly context: Record<string, unknown>;

  protected constructor(message: string, context: Record<string, unknown> = {}, details?: ValidationIssue[]) {
    super(message);
    this.name = new.target.name;
    this.context = context;
    this.details = details;
  }
}
