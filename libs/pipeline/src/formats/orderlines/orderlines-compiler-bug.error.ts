import type { ValidationIssue } from '../../model/validation.types';

/**
 * The internal tree compiled from a valid orderlines process failed validation: a bug in the
 * compiler, not in the user's process (answered as a server error, never a 400). `issues`
 * lists what validation found in the internal tree.
 */
export class OrderlinesCompilerBugError extends Error {
  readonly code = 'ORDERLINES_COMPILER_BUG';

  constructor(readonly issues: ValidationIssue[]) {
    super(
      `the orderlines compiler produced an invalid internal tree (a bug): ${issues
        .map((i) => `${i.code} ${i.nodeId ?? ''} ${i.message}`.replace(/\s+/g, ' '))
        .join('; ')}`,
    );
    this.name = 'OrderlinesCompilerBugError';
  }
}
