/** What a wake-up says: these topics have (or will have, at `at`) a task to fetch. */
export interface TaskWakeup {
  topics: string[];
  /** When the task becomes available (ms since epoch); absent = now. */
  at?: number;
}

export type TaskWakeupListener = (wakeup: TaskWakeup) => void;

/**
 * Carries "a task is available on these topics" between processes (DESIGN §8.6), so a long
 * poll served by one api process returns as soon as a task appears through another (a worker
 * committing the node's wait, another api process's `fail` or `delay`). Best effort: a lost
 * wake-up costs latency, never a task (every long poll also wakes when it ends and at the
 * earliest time a known task becomes available).
 */
export abstract class TaskWakeupBus {
  /** Tells every process listening (this one included). */
  abstract publish(wakeup: TaskWakeup): Promise<void>;
  /** Receives every wake-up published anywhere; starts listening on first use. */
  abstract subscribe(listener: TaskWakeupListener): () => void;
  abstract close(): Promise<void>;
}
