import { type DynamicModule, Logger, type Provider } from '@nestjs/common';
import { type Job, type JobsOptions, type Queue, WaitingError, type Worker } from 'bullmq';
import { JobQueue, type JobHandler, type QueuedJob } from '../ports/job-queue.port';
import { type BoundWorkerHost, openStandalone, registerBullQueues } from './bullmq-registration';
import type { EngineJob } from './engine-job';
import { engineQueueSettings, type EngineQueueSettings } from './queue-settings';
import type { Redis } from 'ioredis';
import {
  createRedisClient,
  logRedisErrors,
  pingRedis,
  redactRedisUrl,
  settlesWithin,
} from './redis-connection';

export interface BullMqJobQueueOptions extends Partial<EngineQueueSettings> {
  /** `redis://[user:pass@]host:port/db` (or `rediss://`). */
  redisUrl: string;
  /** Name shown in Redis `CLIENT LIST` for this process's connections (e.g. `api`, `worker`). */
  clientName?: string;
}

/** `BullModule.forRoot` config key of the engine queue. */
const CONFIG_KEY = 'pipeline-engine';
/** How long shutdown waits for Redis to take handed-back jobs and close, once in-flight work is given up. */
const HAND_BACK_TIMEOUT_MS = 5_000;

interface InFlight {
  job: Job;
  token: string | undefined;
  /** Makes the processor return (with BullMQ's WaitingError) without waiting for the handler. */
  release: () => void;
}

/**
 * The engine queue registered through `@nestjs/bullmq` (`BullModule`, a `@Processor` worker host
 * where this process consumes), and the `JobQueue` provider on top of it. For `PipelineModule`.
 */
export function bullMqJobQueueParts(
  options: BullMqJobQueueOptions,
  consume: boolean,
): { imports: DynamicModule[]; providers: Provider[] } {
  const { redisUrl, clientName, ...overrides } = options;
  const settings = engineQueueSettings(overrides);
  const registration = registerBullQueues(
    {
      configKey: CONFIG_KEY,
      redisUrl,
      prefix: settings.prefix,
      connectionName: `${settings.prefix}:${clientName ?? 'queue'}`,
    },
    [
      {
        name: settings.queueName,
        worker: consume
          ? {
              concurrency: settings.concurrency,
              lockDuration: settings.lockDurationMs,
              stalledInterval: settings.stalledIntervalMs,
              maxStalledCount: settings.maxStalledCount,
            }
          : null,
      },
    ],
  );
  const { queueToken, hostToken } = registration.queues[settings.queueName];
  return {
    imports: registration.imports,
    providers: [
      ...registration.providers,
      {
        provide: JobQueue,
        useFactory: (queue: Queue, host?: BoundWorkerHost): JobQueue =>
          new BullMqJobQueue(queue, host ?? null, settings, redisUrl),
        inject: [queueToken, ...(hostToken ? [hostToken] : [])],
      },
    ],
  };
}

/**
 * The distributed queue: BullMQ on Redis, wired by `@nestjs/bullmq` (see `bullMqJobQueueParts`).
 *
 * Duplicates collapse through BullMQ *deduplication* (simple mode) keyed by
 * `QueuedJob.jobId`, not through custom BullMQ job ids: a dedup key lives from `add` until
 * the job completes or finally fails, so a duplicate of a job still waiting, delayed (also
 * between retries) or active collapses, while a job that completed (removed at once) or
 * failed (kept for inspection) never blocks its id from being added again — the reconciler
 * re-adds lost work under the same id. A custom job id would stay taken by a kept failed
 * job, and BullMQ refuses ':' and integer-looking custom ids. The engine id is the dedup id
 * verbatim (any string, distinct ids stay distinct); BullMQ numbers the jobs itself.
 *
 * A handler that throws is a transient failure (database down...): BullMQ retries it
 * `attempts` times with exponential backoff, then keeps it in the failed set.
 *
 * Everything lives in Redis: a flushed or restarted (non-persistent) Redis loses waiting and
 * delayed jobs; the reconciler re-dispatches them from the database.
 */
export class BullMqJobQueue extends JobQueue {
  private readonly logger = new Logger(BullMqJobQueue.name);
  private readonly jobOptions: JobsOptions;
  private worker: Worker | null = null;
  private readonly inFlight = new Map<string, InFlight>();
  private closing: Promise<void> | null = null;
  /** Health checks' connection, opened by the first `ping()` (fails fast while Redis is away). */
  private pingClient: Redis | null = null;
  /** Closes the standalone application context of `open()`, after the queue. */
  private onClosed: (() => Promise<void>) | null = null;

  /**
   * @param queue the engine `Queue` (`@InjectQueue(settings.queueName)`)
   * @param host its worker host in a consuming process, else null (`consume` then throws)
   */
  constructor(
    private readonly queue: Queue,
    private readonly host: BoundWorkerHost | null,
    readonly settings: EngineQueueSettings,
    private readonly redisUrl: string,
  ) {
    super();
    logRedisErrors(queue, `queue ${settings.queueName}`, this.logger);
    this.jobOptions = {
      attempts: settings.attempts,
      backoff: { type: 'exponential', delay: settings.backoffMs },
      removeOnComplete: true,
      removeOnFail: { age: settings.removeOnFailAgeSeconds, count: settings.removeOnFailCount },
    };
  }

  /**
   * The adapter outside an app (specs, the bench, scripts): a standalone Nest application
   * context holding exactly what `PipelineModule` registers. `close()` closes that context too.
   */
  static async open(
    options: BullMqJobQueueOptions & { consume?: boolean },
  ): Promise<BullMqJobQueue> {
    const { consume = true, ...rest } = options;
    const { instance: queue, close } = await openStandalone<BullMqJobQueue>(
      bullMqJobQueueParts(rest, consume),
      JobQueue,
    );
    queue.onClosed = close;
    return queue;
  }

  /** One pipelined round trip for the whole batch. */
  async add(jobs: QueuedJob[]): Promise<void> {
    if (jobs.length === 0) return;
    if (this.closing) {
      // Same as the embedded queue: the database still has the work; the reconciler re-adds it.
      this.logger.warn(
        `queue closing: ${jobs.length} job(s) not added (${jobs.map((j) => j.jobId).join(', ')})`,
      );
      return;
    }
    for (const { jobId } of jobs) {
      if (typeof jobId !== 'string' || jobId.length === 0)
        throw new Error('BullMqJobQueue.add: every job needs a non-empty jobId');
    }
    await this.queue.addBulk(
      jobs.map(({ job, jobId, delayMs }) => ({
        name: String((job as { kind?: unknown }).kind ?? 'job'),
        data: job,
        opts: {
          ...this.jobOptions,
          deduplication: { id: jobId },
          ...(delayMs && delayMs > 0 ? { delay: Math.ceil(delayMs) } : {}),
        },
      })),
    );
  }

  consume(handler: JobHandler): void {
    if (this.worker) throw new Error('BullMqJobQueue.consume may be called once');
    if (this.closing) return;
    if (!this.host)
      throw new Error(
        'BullMqJobQueue.consume: this process does not consume the queue (no worker host registered)',
      );
    const s = this.settings;
    const worker = this.host.start(
      (job, token) => this.process(handler, job, token),
      this.logger,
      `worker ${s.queueName}`,
      (job) => `job ${job.id} (${job.opts.deduplication?.id ?? job.name})`,
    );
    worker.on('stalled', (jobId: string) =>
      this.logger.warn(`job ${jobId} stalled (its worker died or blocked); queued again`),
    );
    this.worker = worker;
    this.logger.log(
      `consuming ${s.prefix}:${s.queueName} on ${redactRedisUrl(this.redisUrl)} (concurrency ${s.concurrency}, lock ${s.lockDurationMs} ms)`,
    );
  }

  /**
   * Stops taking jobs and waits for in-flight ones, up to `shutdownTimeoutMs`. Jobs still
   * running then are handed back: moved from active to the head of the wait list, where
   * another worker takes them at once (their handlers keep running here until the process
   * exits; whatever they change later is refused by the version checks). Then the queue and
   * connections close. Safe to call more than once.
   */
  close(): Promise<void> {
    this.closing ??= this.shutdown();
    return this.closing;
  }

  /** Jobs waiting, delayed (including retries in backoff) or running. */
  async size(): Promise<number> {
    const counts = await this.queue.getJobCounts('waiting', 'prioritized', 'delayed', 'active');
    return Object.values(counts).reduce((a, b) => a + b, 0);
  }

  /** True when Redis answers within 2 s (for health checks). */
  override async ping(): Promise<boolean> {
    if (this.closing) return false;
    this.pingClient ??= createRedisClient(this.redisUrl, {
      connectionName: `${this.settings.prefix}:health`,
      logger: this.logger,
    });
    return pingRedis(this.pingClient);
  }

  private async process(handler: JobHandler, job: Job, token: string | undefined): Promise<void> {
    if (this.closing) {
      // Fetched while the worker was closing: give it straight back.
      await job.moveToWait(token);
      throw new WaitingError();
    }
    let release!: () => void;
    const released = new Promise<'released'>((resolve) => (release = () => resolve('released')));
    const id = job.id!;
    this.inFlight.set(id, { job, token, release });
    try {
      const outcome = await Promise.race([
        handler(job.data as EngineJob, { dueAt: job.timestamp + (job.opts.delay ?? 0), attempt: job.attemptsMade }).then(() => 'done' as const),
        released,
      ]);
      if (outcome === 'released') throw new WaitingError();
    } finally {
      this.inFlight.delete(id);
    }
  }

  private async shutdown(): Promise<void> {
    const worker = this.worker;
    if (worker) {
      const closed = worker.close();
      if (!(await settlesWithin(closed, this.settings.shutdownTimeoutMs))) {
        await this.handBack();
        if (!(await settlesWithin(closed, HAND_BACK_TIMEOUT_MS))) {
          this.logger.warn(
            'worker did not close in time (Redis unreachable?); dropping its connections',
          );
          await worker.disconnect().catch(() => undefined);
        }
      }
    }
    await settlesWithin(
      this.queue.close().catch((e) => this.logger.warn(`closing queue: ${(e as Error).message}`)),
      HAND_BACK_TIMEOUT_MS,
    );
    const ping = this.pingClient;
    if (ping) await ping.quit().catch(() => ping.disconnect());
    await this.onClosed?.();
  }

  /** Moves every job still running back to the wait list and lets its processor return. */
  private async handBack(): Promise<void> {
    const entries = [...this.inFlight.values()];
    this.logger.warn(
      `${entries.length} job(s) still running after ${this.settings.shutdownTimeoutMs} ms: handing them back to the queue`,
    );
    const moved = Promise.allSettled(
      entries.map(async ({ job, token }) => {
        try {
          await job.moveToWait(token);
        } catch (e) {
          // Finished meanwhile, or Redis away: then its lock expires and the stalled check re-queues it.
          this.logger.warn(`could not hand back job ${job.id}: ${(e as Error).message}`);
        }
      }),
    );
    await settlesWithin(moved, HAND_BACK_TIMEOUT_MS);
    for (const entry of entries) entry.release();
  }
}
