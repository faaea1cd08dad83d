import type { DataSource, EntityManager } from 'typeorm';
import { Mutex } from './mutex';

/**
 * One lock per DataSource, shared by every service that uses it. TypeORM's SQLite drivers run
 * everything over a single connection, so two transactions in flight at once would nest (the
 * second becomes a savepoint of the first) and a read could land inside someone else's
 * uncommitted transaction. On SQLite all database work therefore queues here; other databases
 * have a connection pool and real isolation, and skip the lock.
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

/** Runs `fn` in one transaction (serialised with all other work on SQLite). */
export function runInTransaction<T>(
  ds: DataSource,
  fn: (manager: EntityManager) => Promise<T>,
): Promise<T> {
  const work = () => ds.transaction(fn);
  const lock = lockFor(ds);
  return lock ? lock.run(work) : work();
}

/** Runs reads outside a transaction (on SQLite, queued so they never see another's uncommitted writes). */
export function runRead<T>(ds: DataSource, fn: (manager: EntityManager) => Promise<T>): Promise<T> {
  const work = () => fn(ds.manager);
  const lock = lockFor(ds);
  return lock ? lock.run(work) : work();
}
