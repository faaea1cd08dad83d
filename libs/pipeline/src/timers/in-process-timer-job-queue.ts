import { Logger } from '@nestjs/common';
import type { PoolEntry } from './executing-pool.port';
import { TimerJobQueue, type TimerJob, type TimerJobHandler } from './timer-job-queue.port';

export interface InProcessTimerJobQueueOptions {
  /** Jobs of one queue handled at once (default 16). */
  concurrency?: number;
  /** Tries per job when the handler throws (default 3). */
  attempts?: number;
  /** Delay before the first retry, doubled for each next one (default 200 ms). */
  backoffMs?: number;
}

interface Job {
  id: string;
  entries: PoolEntry[];
  attempt: number;
}

interface Lane {
  handler: TimerJobHandler | null;
  waiting: Job[];
  /** Ids waiting, running or in backoff: a duplicate add collapses into them. */
  ids: Set<string>;
  active: number;
}

/**
 * The timer queues of embedded mode: a FIFO per queue name drained by `concurrency` async
 * handlers in this process, jobs added before a consumer exists kept until it comes. Nothing
 * survives the process; the pools are rebuilt from the database on start instead.
 */
export class InProcessTimerJobQueue extends TimerJobQueue {
  private readonly logger = new Logger(InProcessTimerJobQueue.name);
  private readonly lanes = new Map<string, Lane>();
  private readonly concurrency: number;
  private readonly attempts: number;
  private readonly backoffMs: number;
  private readonly retryTimers = new Set<NodeJS.Timeout>();
  private closed = false;
  private idleWaiters: (() => void)[] = [];

  constructor(options: InProcessTimerJobQueueOptions = {}) {
    super();
    this.concurrency = Math.max(1, options.concurrency ?? 16);
    this.attempts = Math.max(1, options.attempts ?? 3);
    this.backoffMs = Math.max(0, options.backoffMs ?? 200);
  }

  async add(queue: string, jobs: readonly TimerJob[]): Promise<void> {
    if (this.closed || jobs.length === 0) return;
    const lane = this.lane(queue);
    for (const { id, entries } of jobs) {
      if (lane.ids.has(id)) continue;
      lane.ids.add(id);
      lane.waiting.push({ id, entries: [...entries], attempt: 1 });
    }
    this.pump(lane);
  }

  consume(queue: string, handler: TimerJobHandler): void {
    const lane = this.lane(queue);
    if (lane.handler)
      throw new Error(`InProcessTimerJobQueue: queue '${queue}' already has a consumer`);
    lane.handler = handler;
    this.pump(lane);
  }

  async close(): Promise<void> {
    this.closed = true;
    for (const t of this.retryTimers) clearTimeout(t);
    this.retryTimers.clear();
    if (this.activeCount() > 0)
      await new Promise<void>((resolve) => this.idleWaiters.push(resolve));
  }

  /** Jobs waiting or running in `queue` (tests). */
  size(queue: string): number {
    const lane = this.lanes.get(queue);
    return lane ? lane.waiting.length + lane.active : 0;
  }

  private lane(queue: string): Lane {
    let lane = this.lanes.get(queue);
    if (!lane)
      this.lanes.set(queue, (lane = { handler: null, waiting: [], ids: new Set(), active: 0 }));
    return lane;
  }

  private pump(lane: Lane): void {
    if (!lane.handler || this.closed) return;
    while (lane.active < this.concurrency && lane.waiting.length > 0) {
      const job = lane.waiting.shift()!;
      lane.active++;
      void this.run(lane, job);
    }
  }

  private async run(lane: Lane, job: Job): Promise<void> {
    let retry = false;
    try {
      await lane.handler!(job.entries);
    } catch (e) {
      retry = job.attempt < this.attempts && !this.closed;
      const what = `timer job ${job.id} attempt ${job.attempt}/${this.attempts}`;
      if (retry) this.logger.warn(`${what} failed, will retry: ${(e as Error)?.message ?? e}`);
      else this.logger.error(`${what} failed, giving up: ${(e as Error)?.stack ?? e}`);
    } finally {
      lane.active--;
      if (retry) {
        const timer = setTimeout(
          () => {
            this.retryTimers.delete(timer);
            lane.waiting.push({ ...job, attempt: job.attempt + 1 });
            this.pump(lane);
          },
          this.backoffMs * 2 ** (job.attempt - 1),
        );
        this.retryTimers.add(timer);
      } else {
        lane.ids.delete(job.id);
      }
      if (this.activeCount() === 0 && this.idleWaiters.length)
        this.idleWaiters.splice(0).forEach((r) => r());
      // Yield between jobs so a burst of due timers does not starve HTTP and the engine.
      setImmediate(() => this.pump(lane));
    }
  }

  private activeCount(): number {
    let n = 0;
    for (const lane of this.lanes.values()) n += lane.active;
    return n;
  }
}
