import { Logger } from '@nestjs/common';
import { JobQueue, type JobHandler, type QueuedJob } from '../ports/job-queue.port';
import type { EngineJob } from './engine-job';

/** setTimeout's limit (~24.8 days); a later job is re-armed when the timer fires early. */
const MAX_TIMER_MS = 2 ** 31 - 1;

interface Entry {
  seq: number;
  dueAt: number;
  jobId: string;
  job: EngineJob;
  /** Tries made so far (a handler that throws is tried again, as BullMQ does). */
  attempts: number;
}

/** How a job whose handler throws is tried again (the BullMQ adapter's defaults). */
export interface InProcessRetryOptions {
  /** Tries in all, the first included (default 5). */
  attempts: number;
  /** Delay before the second try; doubles each time (default 1,000 ms). */
  backoffMs: number;
}

const DEFAULT_RETRY: InProcessRetryOptions = { attempts: 5, backoffMs: 1_000 };

/**
 * The embedded queue: a due-time ordered heap drained by `concurrency` async workers in
 * this process. Delayed jobs wait in the heap (one timer for the earliest), so a sleeping
 * or polling node holds no worker. A handler that throws (a transient database error, a
 * compare-and-set lost too many times) is tried again with exponential backoff, like the
 * BullMQ adapter, rather than dropped: a dropped step would leave its branch RUNNING until
 * the next boot. Jobs are lost if the process dies; the engine's boot recovery re-dispatches
 * from the database, the source of truth.
 */
export class InProcessJobQueue extends JobQueue {
  private readonly logger = new Logger(InProcessJobQueue.name);
  private readonly heap: Entry[] = [];
  private readonly waiting = new Set<string>();
  private handler: JobHandler | null = null;
  private active = 0;
  private seq = 0;
  private timer: NodeJS.Timeout | null = null;
  private timerDue = Infinity;
  private closed = false;
  private idleWaiters: (() => void)[] = [];

  private readonly retry: InProcessRetryOptions;

  constructor(
    private readonly concurrency = 4,
    retry: Partial<InProcessRetryOptions> = {},
  ) {
    super();
    this.retry = { ...DEFAULT_RETRY, ...retry };
  }

  async add(jobs: QueuedJob[]): Promise<void> {
    if (this.closed) return;
    const now = Date.now();
    for (const { job, jobId, delayMs } of jobs) {
      if (this.waiting.has(jobId)) continue;
      this.waiting.add(jobId);
      this.push({ seq: this.seq++, dueAt: now + Math.max(0, delayMs ?? 0), jobId, job, attempts: 0 });
    }
    this.pump();
  }

  consume(handler: JobHandler): void {
    this.handler = handler;
    this.pump();
  }

  async close(): Promise<void> {
    this.closed = true;
    if (this.timer) clearTimeout(this.timer);
    this.timer = null;
    if (this.active > 0) await new Promise<void>((resolve) => this.idleWaiters.push(resolve));
  }

  async size(): Promise<number> {
    return this.heap.length + this.active;
  }

  private pump(): void {
    if (!this.handler || this.closed) return;
    const now = Date.now();
    while (this.active < this.concurrency && this.heap.length > 0 && this.heap[0].dueAt <= now) {
      const entry = this.pop()!;
      this.waiting.delete(entry.jobId);
      this.active++;
      void this.run(entry);
    }
    this.arm();
  }

  private async run(entry: Entry): Promise<void> {
    try {
      await this.handler!(entry.job, { dueAt: entry.dueAt, attempt: entry.attempts });
    } catch (e) {
      const tries = entry.attempts + 1;
      const what = `job ${entry.jobId} attempt ${tries}/${this.retry.attempts}`;
      if (tries < this.retry.attempts && !this.closed && !this.waiting.has(entry.jobId)) {
        this.logger.warn(`${what} failed, will retry: ${(e as Error)?.message ?? e}`);
        // Waiting again under its id, so a duplicate added during the backoff collapses into it.
        this.waiting.add(entry.jobId);
        const delay = this.retry.backoffMs * 2 ** entry.attempts;
        this.push({ ...entry, seq: this.seq++, dueAt: Date.now() + delay, attempts: tries });
      } else {
        this.logger.error(`${what} failed, giving up: ${(e as Error)?.stack ?? e}`);
      }
    } finally {
      this.active--;
      if (this.active === 0 && this.idleWaiters.length) this.idleWaiters.splice(0).forEach((r) => r());
      // Yield to I/O between jobs so HTTP requests are served while a long run walks.
      setImmediate(() => this.pump());
    }
  }

  private arm(): void {
    if (this.heap.length === 0 || this.active >= this.concurrency) return;
    const due = this.heap[0].dueAt;
    if (this.timer && this.timerDue <= due) return;
    if (this.timer) clearTimeout(this.timer);
    this.timerDue = due;
    this.timer = setTimeout(() => {
      this.timer = null;
      this.timerDue = Infinity;
      this.pump();
    }, Math.min(MAX_TIMER_MS, Math.max(0, due - Date.now())));
  }

  private less(a: Entry, b: Entry): boolean {
    return a.dueAt < b.dueAt || (a.dueAt === b.dueAt && a.seq < b.seq);
  }

  private push(e: Entry): void {
    const h = this.heap;
    h.push(e);
    let i = h.length - 1;
    while (i > 0) {
      const parent = (i - 1) >> 1;
      if (!this.less(h[i], h[parent])) break;
      [h[i], h[parent]] = [h[parent], h[i]];
      i = parent;
    }
  }

  private pop(): Entry | undefined {
    const h = this.heap;
    if (h.length === 0) return undefined;
    const top = h[0];
    const last = h.pop()!;
    if (h.length > 0) {
      h[0] = last;
      let i = 0;
      for (;;) {
        const l = 2 * i + 1;
        const r = l + 1;
        let m = i;
        if (l < h.length && this.less(h[l], h[m])) m = l;
        if (r < h.length && this.less(h[r], h[m])) m = r;
        if (m === i) break;
        [h[i], h[m]] = [h[m], h[i]];
        i = m;
      }
    }
    return top;
  }
}
