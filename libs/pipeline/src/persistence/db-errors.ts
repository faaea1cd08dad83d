import { QueryFailedError } from 'typeorm';

/** Did a write fail on a unique index or primary key (SQLite or MySQL)? */
export function isUniqueViolation(err: unknown): boolean {
  if (!(err instanceof QueryFailedError)) return false;
  const driverError = err.driverError as { code?: string; errno?: number } | undefined;
  const code = driverError?.code;
  return (
    code === 'SQLITE_CONSTRAINT_UNIQUE' ||
    code === 'SQLITE_CONSTRAINT_PRIMARYKEY' ||
    code === 'ER_DUP_ENTRY' ||
    driverError?.errno === 1062
  );
}
