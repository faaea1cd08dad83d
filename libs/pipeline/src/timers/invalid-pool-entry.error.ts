import { PipelineError } from '../errors/pipeline.error';

/**
 * An executing-pool entry that cannot be stored: an empty member, or a due time that is not
 * a finite number (Redis would refuse it, and a NaN would break the in-process ordering).
 * A bug in the caller, raised before anything is written.
 */
export class InvalidPoolEntryError extends PipelineError {
  readonly code = 'INVALID_POOL_ENTRY';
  readonly kind = 'invalid' as const;
  constructor(pool: string, entry: { member?: unknown; dueAt?: unknown }) {
    super(
      `Executing pool '${pool}': invalid entry (member ${JSON.stringify(entry.member)}, dueAt ${String(entry.dueAt)}); a member is a non-empty string and dueAt a finite number of ms`,
      { pool, member: entry.member, dueAt: entry.dueAt },
    );
  }
}

/** Throws `InvalidPoolEntryError` for the first bad entry; shared by the adapters. */
export function assertPoolEntries(
  pool: string,
  entries: readonly { member: unknown; dueAt: unknown }[],
): void {
  for (const entry of entries) {
    if (
      typeof entry?.member !== 'string' ||
      entry.member === '' ||
      typeof entry.dueAt !== 'number' ||
      !Number.isFinite(entry.dueAt)
    ) {
      throw new InvalidPoolEntryError(pool, entry ?? {});
    }
  }
}
