import { QueryFailedError } from 'typeorm';

type DriverError = { code?: string; errno?: number };

function driverErrorOf(err: unknown): DriverError | undefined {
  if (err instanceof QueryFailedError) return err.driverError as DriverError | undefined;
  // A failed COMMIT or a pooled connection's error may reach us without TypeORM's wrapper.
  if (err && typeof err === 'object' && ('errno' in err || 'code' in err)) return err as DriverError;
  return undefined;
}

/** Did a write fail on a unique index or primary key (SQLite, or MySQL's ER_DUP_ENTRY 1062)? */
export function isUniqueViolation(err: unknown): boolean {
  // Statements run straight on better-sqlite3 (the run store's hot path) throw unwrapped errors.
  const driverError = driverErrorOf(err);
  const code = driverError?.code;
  return (
    code === 'SQLITE_CONSTRAINT_UNIQUE' ||
    code === 'SQLITE_CONSTRAINT_PRIMARYKEY' ||
    code === 'ER_DUP_ENTRY' ||
    driverError?.errno === 1062
  );
}

/**
 * Did a transaction lose a lock race that is worth simply trying again: a MySQL deadlock
 * (ER_LOCK_DEADLOCK 1213, the transaction was rolled back), a lock wait timeout
 * (ER_LOCK_WAIT_TIMEOUT 1205) or a SQLite file locked by another process (SQLITE_BUSY)?
 */
export function isTransientConflict(err: unknown): boolean {
  const e = driverErrorOf(err);
  if (!e) return false;
  return (
    e.code === 'ER_LOCK_DEADLOCK' ||
    e.errno === 1213 ||
    e.code === 'ER_LOCK_WAIT_TIMEOUT' ||
    e.errno === 1205 ||
    e.code === 'SQLITE_BUSY' ||
    e.code === 'SQLITE_BUSY_SNAPSHOT'
  );
}
