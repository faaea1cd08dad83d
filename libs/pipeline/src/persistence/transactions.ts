import type { DataSource, EntityManager } from 'typeorm';
import { Mutex } from './mutex';

/**
 * One lock per DataSource, shared by every service that uses it. TypeORM's SQLite drivers run
 * everything over a single connection, so two transactions in flight at once would nest (the
 * second becomes a savepoint of the first) and a read could land inside someone else's
 * uncommitted transaction. On SQLite all database work therefore queues here; MySQL has a
 * connection pool and real isolation, and skips the lock.
 *
 * The lock is not re-entrant: inside `fn` use the manager it is given, never these functions again.
 */
const locks = new WeakMap<DataSource, Mutex | null>();

function lockFor(ds: DataSource): Mutex | null {
  let lock = locks.get(ds);
  if (lock === undefined) {
    lock = ds.options.type === 'better-sqlite3' ? new Mutex() : null;
    locks.set(ds, lock);
  }
  return lock;
}

/** Is this DataSource on MySQL or MariaDB (the `mysql2` driver)? */
export function isMysqlFamily(ds: DataSource): boolean {
  const type = ds.options.type;
  return type === 'mysql' || type === 'mariadb' || type === 'aurora-mysql';
}

/**
 * Runs `fn` in one transaction (serialised with all other work on SQLite).
 *
 * On MySQL the transaction runs at READ COMMITTED. Every guard the engine relies on is a
 * compare-and-set in an UPDATE's WHERE (UPDATEs always read the latest committed row, at any
 * level) or a primary key; REPEATABLE READ would add gap and next-key locks on the context
 * deletes / upserts and the inserts, which only breed deadlocks between parallel branches.
 * A deadlock or lock wait timeout still can happen: callers treat them as a lost race
 * (`isTransientConflict`).
 */
export function runInTransaction<T>(
  ds: DataSource,
  fn: (manager: EntityManager) => Promise<T>,
): Promise<T> {
  const lock = lockFor(ds);
  if (lock) return lock.run(() => ds.transaction(fn));
  return isMysqlFamily(ds) ? ds.transaction('READ COMMITTED', fn) : ds.transaction(fn);
}

/** Runs reads outside a transaction (on SQLite, queued so they never see another's uncommitted writes). */
export function runRead<T>(ds: DataSource, fn: (manager: EntityManager) => Promise<T>): Promise<T> {
  const work = () => fn(ds.manager);
  const lock = lockFor(ds);
  return lock ? lock.run(work) : work();
}

/** The parts of a better-sqlite3 database and statement the run store uses directly. */
export interface SqliteDatabase {
  prepare(sql: string): SqliteStatement;
  transaction<T>(fn: () => T): () => T;
}
export interface SqliteStatement {
  readonly reader: boolean;
  all(...params: unknown[]): unknown[];
  run(...params: unknown[]): { changes: number };
}

/**
 * Runs `fn` synchronously on the SQLite connection itself (no ORM in between), under the same
 * lock as every other piece of work on it, so it never interleaves with a transaction.
 */
export function runOnSqlite<T>(ds: DataSource, fn: (db: SqliteDatabase) => T): Promise<T> {
  const lock = lockFor(ds);
  const db = (ds.driver as unknown as { databaseConnection: SqliteDatabase }).databaseConnection;
  if (!lock || !db) throw new Error('runOnSqlite needs a better-sqlite3 DataSource');
  return lock.run(async () => fn(db));
}
