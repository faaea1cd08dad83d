/**
 * The executing pool of DESIGN §7: per pool name, a sorted set of string members (one per
 * armed timer, e.g. `(node, version[, event index])`) scored by due time in ms since the
 * epoch. node-timeout and node-timer-event each keep one; the timer-scanner takes due
 * entries and dispatches them. Two adapters: Redis (a ZSET per pool, shared by every
 * process) and in-process (embedded mode).
 *
 * The pool only indexes due times; the database stays the source of truth, so a lost pool
 * (Redis flushed) is rebuilt from it on start.
 */

/** One armed timer: `member` fires at `dueAt` (ms since the epoch). */
export interface PoolEntry {
  member: string;
  dueAt: number;
}

/**
 * Port (and Nest DI token) of the executing pool. Every method takes the pool name first,
 * so one adapter instance serves every pool of the process.
 */
export abstract class ExecutingPool {
  /**
   * Adds entries, or moves them when the member is already there (upsert: a member is in a
   * pool at most once). When `entries` names a member twice, the last one wins.
   * @throws InvalidPoolEntryError for an empty member or a due time that is not a finite number
   */
  abstract add(pool: string, entries: readonly PoolEntry[]): Promise<void>;

  /** Removes members (unknown ones are ignored); answers how many were there. */
  abstract remove(pool: string, members: readonly string[]): Promise<number>;

  /**
   * Takes, atomically, up to `limit` entries due at or before `now`, earliest first, and
   * removes them: two callers (two scanners) never get the same entry. An entry due after
   * `now` is never taken. Answers `[]` when `limit < 1`.
   */
  abstract takeDue(pool: string, now: number, limit: number): Promise<PoolEntry[]>;

  /** The earliest due time in the pool, or `null` when it is empty (the scanner sleeps until then). */
  abstract nextDueAt(pool: string): Promise<number | null>;

  /** How many entries the pool holds. */
  abstract size(pool: string): Promise<number>;

  /** Every entry, earliest first (for rebuilds, health and tests; O(n)). */
  abstract entries(pool: string): Promise<PoolEntry[]>;

  /** Empties the pool. */
  abstract clear(pool: string): Promise<void>;

  /** Releases connections; safe to call twice. */
  abstract close(): Promise<void>;

  /** Can the pool's backend be reached? (Redis for the Redis adapter; always true in process.) */
  async ping(): Promise<boolean> {
    return true;
  }
}
