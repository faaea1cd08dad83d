import { QueryFailedError } from 'typeorm';
import { isTransientConflict, isUniqueViolation } from './db-errors';

const failed = (driverError: object) => new QueryFailedError('UPDATE x', [], Object.assign(new Error('boom'), driverError));

describe('database error classification', () => {
  it.each([
    [{ code: 'ER_DUP_ENTRY', errno: 1062 }, true],
    [{ errno: 1062 }, true],
    [{ code: 'SQLITE_CONSTRAINT_PRIMARYKEY' }, true],
    [{ code: 'SQLITE_CONSTRAINT_UNIQUE' }, true],
    [{ code: 'ER_LOCK_DEADLOCK', errno: 1213 }, false],
  ])('unique violation: %j → %s', (driverError, expected) => {
    expect(isUniqueViolation(failed(driverError))).toBe(expected);
  });

  it.each([
    [{ code: 'ER_LOCK_DEADLOCK', errno: 1213 }, true],
    [{ code: 'ER_LOCK_WAIT_TIMEOUT', errno: 1205 }, true],
    [{ errno: 1213 }, true],
    [{ code: 'SQLITE_BUSY' }, true],
    [{ code: 'ER_DUP_ENTRY', errno: 1062 }, false],
    [{ code: 'ER_NO_SUCH_TABLE', errno: 1146 }, false],
  ])('transient conflict: %j → %s', (driverError, expected) => {
    expect(isTransientConflict(failed(driverError))).toBe(expected);
  });

  it('also reads a bare driver error (a failed COMMIT), and nothing else', () => {
    expect(isTransientConflict(Object.assign(new Error('x'), { code: 'ER_LOCK_DEADLOCK', errno: 1213 }))).toBe(true);
    expect(isTransientConflict(new Error('x'))).toBe(false);
    expect(isTransientConflict(undefined)).toBe(false);
    // The run store runs SQLite statements straight on better-sqlite3, whose errors come unwrapped.
    expect(isUniqueViolation(Object.assign(new Error('x'), { code: 'SQLITE_CONSTRAINT_PRIMARYKEY' }))).toBe(true);
    expect(isUniqueViolation(Object.assign(new Error('x'), { code: 'ER_DUP_ENTRY' }))).toBe(true);
    expect(isUniqueViolation(new Error('x'))).toBe(false);
  });
});
