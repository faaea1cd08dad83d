/** One due time of one schedule, to be handled at `dueAt` (epoch ms). */
export interface ScheduleFiring {
  scheduleId: string;
  dueAt: number;
}

export type ScheduleFiringHandler = (firing: ScheduleFiring) => Promise<void>;

/**
 * What wakes a schedule up at its due time (DESIGN §8.5): in-process timeouts (embedded) or
 * BullMQ delayed jobs (distributed). It only says "look at schedule s for due time t": the
 * database decides whether that due time is still to be handled (`ScheduleService.fire`), so
 * a firing delivered twice, late, or for a schedule changed since, does no harm.
 */
export abstract class ScheduleTrigger {
  /** Arms each firing; arming the same (schedule, due time) again is a no-op. */
  abstract arm(firings: readonly ScheduleFiring[]): Promise<void>;
  /** Forgets a schedule's armed firing for `dueAt` (best effort: a stale one does nothing anyway). */
  abstract disarm(scheduleId: string, dueAt: number | null): Promise<void>;
  /** Hands every firing, when due, to `handler` (a throw is retried). Once per process. */
  abstract consume(handler: ScheduleFiringHandler): void;
  /** Were armed firings lost since the last `markArmed()` (Redis flushed or restarted)? */
  abstract lost(): Promise<boolean>;
  /** Records that every firing of the database has just been armed (before arming them). */
  abstract markArmed(): Promise<void>;
  abstract close(): Promise<void>;
}
