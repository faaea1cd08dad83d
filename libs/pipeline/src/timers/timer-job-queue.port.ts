import type { PoolEntry } from './executing-pool.port';

/** A job of a timer queue: due pool entries to dispatch or to handle. */
export interface TimerJob {
  /**
   * Deduplication id: a job added while another with this id still waits or runs collapses
   * into it (two scanners, a retried dispatch). Once that job is done, the id may be used again.
   */
  id: string;
  entries: PoolEntry[];
}

export type TimerJobHandler = (entries: PoolEntry[]) => Promise<void>;

/**
 * The dispatch and handle queues of the timer modules (DESIGN §7: the scanner sends due
 * entries to the dispatch queue; the handle queue runs the actions). Named queues, so one
 * adapter serves every queue of a module. Delivery is at-least-once: a handler that throws is
 * retried a few times with backoff, and may run twice after a crash.
 *
 * Adapters: BullMQ (distributed mode: the scanner adds, workers consume) and in-process
 * (embedded mode).
 */
export abstract class TimerJobQueue {
  abstract add(queue: string, jobs: readonly TimerJob[]): Promise<void>;

  /** Starts consuming `queue` with `handler`; once per queue, in the processes that handle timers. */
  abstract consume(queue: string, handler: TimerJobHandler): void;

  /** Stops taking jobs, waits for running ones, releases connections; safe to call twice. */
  abstract close(): Promise<void>;

  /** Can the queue's backend be reached? (Redis for BullMQ; always true in process.) */
  async ping(): Promise<boolean> {
    return true;
  }
}

/** Checks a job payload read back from a queue; throws on anything malformed. */
export function parseTimerJobEntries(data: unknown): PoolEntry[] {
  const entries = (data as { entries?: unknown } | null)?.entries;
  if (
    Array.isArray(entries) &&
    entries.every(
      (e) =>
        typeof (e as PoolEntry)?.member === 'string' &&
        typeof (e as PoolEntry).dueAt === 'number' &&
        Number.isFinite((e as PoolEntry).dueAt),
    )
  ) {
    return entries as PoolEntry[];
  }
  throw new Error(`malformed timer job: ${JSON.stringify(data)?.slice(0, 200)}`);
}
