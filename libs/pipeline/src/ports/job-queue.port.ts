import type { EngineJob } from '../queue/engine-job';

export interface QueuedJob {
  job: EngineJob;
  /** Deterministic id: a duplicate of a job still waiting collapses into it. */
  jobId: string;
  delayMs?: number;
}

/** What the queue knows of a job it delivers (metrics). */
export interface JobMeta {
  /** When the job was due (added, plus its delay), ms since epoch; absent when unknown. */
  dueAt?: number;
  /** 0 for the first delivery, +1 per retry after the handler threw. */
  attempt?: number;
}

export type JobHandler = (job: EngineJob, meta?: JobMeta) => Promise<void>;

/** Delivers engine jobs at least once, after their delay. */
export abstract class JobQueue {
  abstract add(jobs: QueuedJob[]): Promise<void>;
  /** Start consuming with `handler`; called once, by the process that runs workers. */
  abstract consume(handler: JobHandler): void;
  /** Stop taking jobs and wait for in-flight ones. */
  abstract close(): Promise<void>;
  /** Jobs waiting or delayed (for health and tests). */
  abstract size(): Promise<number>;
  /** Can the queue's backend be reached? (Redis for BullMQ; always true in process.) */
  async ping(): Promise<boolean> {
    return true;
  }
}
