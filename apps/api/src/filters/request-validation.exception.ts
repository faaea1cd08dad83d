import { BadRequestException, type ValidationError } from '@nestjs/common';

/** One problem with a request's body, query or path (DTO validation). */
export interface RequestIssue {
  code: 'INVALID_REQUEST';
  /** Dotted path of the field, e.g. `inputs` or `items.0.name`. */
  path: string;
  message: string;
}

/** A request that failed DTO validation: 400 listing every field problem in `details`. */
export class RequestValidationException extends BadRequestException {
  constructor(readonly details: RequestIssue[]) {
    const summary = details
      .slice(0, 3)
      .map((d) => d.message)
      .join('; ');
    super({
      code: 'INVALID_REQUEST',
      message: `Invalid request: ${summary}${details.length > 3 ? `; and ${details.length - 3} more` : ''}`,
      details,
    });
  }

  /** For `ValidationPipe({ exceptionFactory })`. Messages name fields, never their values. */
  static fromValidationErrors(errors: ValidationError[]): RequestValidationException {
    return new RequestValidationException(flatten(errors, ''));
  }
}

function flatten(errors: ValidationError[], parent: string): RequestIssue[] {
  return errors.flatMap((e) => {
    const path = parent ? `${parent}.${e.property}` : e.property;
    const own = Object.values(e.constraints ?? {}).map((message) => ({
      code: 'INVALID_REQUEST' as const,
      path,
      message,
    }));
    return [...own, ...flatten(e.children ?? [], path)];
  });
}
