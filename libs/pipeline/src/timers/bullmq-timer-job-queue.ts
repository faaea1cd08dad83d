import { Logger } from '@nestjs/common';
import { Queue, Worker, type Job, type JobsOptions } from 'bullmq';
import type { Redis } from 'ioredis';
import {
  assertRedisUrl,
  createRedisClient,
  logRedisErrors,
  redactRedisUrl,
  redisConnectionOptions,
  pingRedis,
  settlesWithin,
} from '../queue/redis-connection';
import {
  parseTimerJobEntries,
  TimerJobQueue,
  type TimerJob,
  type TimerJobHandler,
} from './timer-job-queue.port';

export interface BullMqTimerJobQueueOptions {
  /** `redis://[user:pass@]host:port/db` (or `rediss://`). */
  redisUrl: string;
  /** Redis key prefix of the queues (the engine's `PIPELINE_QUEUE_PREFIX`). */
  prefix?: string;
  /** Jobs one consuming process runs at once, per queue (default 16). */
  concurrency?: number;
  /** Tries per job when the handler throws (default 5), exponential backoff from `backoffMs` (1 s). */
  attempts?: number;
  backoffMs?: number;
  /** Shown in Redis `CLIENT LIST` (e.g. `node-timeout:worker`). */
  clientName?: string;
  /** How long `close()` waits for running jobs before dropping the connections (default 10 s). */
  shutdownTimeoutMs?: number;
}

const EVENTS_MAX_LEN = 1_000;


/**
 * The timer queues of distributed mode: one BullMQ queue per name (the settings' dispatch and
 * handle queues), created when first used, so the api, which never adds, opens none. Duplicate
 * job ids collapse through BullMQ deduplication while a job waits or runs (see
 * `BullMqJobQueue` for why deduplication rather than custom job ids). Completed jobs are
 * removed at once; failed ones kept for a week for inspection.
 *
 * A flushed Redis loses queued timer jobs; the scanner notices the lost pool and rebuilds it
 * from the database, which re-arms them.
 */
export class BullMqTimerJobQueue extends TimerJobQueue {
  private readonly logger = new Logger(BullMqTimerJobQueue.name);
  /** Producer connection, opened when first needed (the api never adds, so it opens none). */
  private producer: Redis | null = null;
  private readonly queues = new Map<string, Queue>();
  private readonly workers = new Map<string, Worker>();
  private readonly prefix: string;
  private readonly concurrency: number;
  private readonly clientName: string;
  private readonly jobOptions: JobsOptions;
  private readonly shutdownTimeoutMs: number;
  private closing: Promise<void> | null = null;

  constructor(private readonly options: BullMqTimerJobQueueOptions) {
    super();
    assertRedisUrl(options.redisUrl);
    this.prefix = options.prefix ?? 'pipeline';
    this.concurrency = Math.max(1, options.concurrency ?? 16);
    this.clientName = `${this.prefix}:${options.clientName ?? 'timers'}`;
    this.shutdownTimeoutMs = options.shutdownTimeoutMs ?? 10_000;
    this.jobOptions = {
      attempts: options.attempts ?? 5,
      backoff: { type: 'exponential', delay: options.backoffMs ?? 1_000 },
      removeOnComplete: true,
      removeOnFail: { age: 7 * 24 * 3600, count: 10_000 },
    };
  }

  async add(queue: string, jobs: readonly TimerJob[]): Promise<void> {
    if (jobs.length === 0) return;
    if (this.closing)
      throw new Error(`timer queue '${queue}' is closing; ${jobs.length} job(s) not added`);
    await this.queue(queue).addBulk(
      jobs.map(({ id, entries }) => ({
        name: queue,
        data: { entries },
        opts: { ...this.jobOptions, deduplication: { id } },
      })),
    );
  }

  consume(queue: string, handler: TimerJobHandler): void {
    if (this.workers.has(queue))
      throw new Error(`BullMqTimerJobQueue: queue '${queue}' already has a consumer`);
    if (this.closing) return;
    const worker = new Worker(queue, (job: Job) => handler(parseTimerJobEntries(job.data)), {
      connection: redisConnectionOptions(this.options.redisUrl, {
        maxRetriesPerRequest: null,
        connectionName: `${this.clientName}:worker`,
      }),
      prefix: this.prefix,
      concurrency: this.concurrency,
    });
    logRedisErrors(worker, `timer worker ${queue}`, this.logger);
    worker.on('failed', (job: Job | undefined, err: Error) => {
      if (!job) return;
      const final = job.attemptsMade >= (job.opts.attempts ?? 1);
      const what = `timer job ${job.opts.deduplication?.id ?? job.id} on ${queue} attempt ${job.attemptsMade}/${job.opts.attempts ?? 1}`;
      if (final) this.logger.error(`${what} failed, giving up: ${err?.stack ?? err}`);
      else this.logger.warn(`${what} failed, will retry: ${err?.message ?? err}`);
    });
    this.workers.set(queue, worker);
    this.logger.log(
      `consuming ${this.prefix}:${queue} on ${redactRedisUrl(this.options.redisUrl)} (concurrency ${this.concurrency})`,
    );
  }

  close(): Promise<void> {
    this.closing ??= this.shutdown();
    return this.closing;
  }

  override async ping(): Promise<boolean> {
    if (this.closing) return false;
    return pingRedis(this.client);
  }

  private get client(): Redis {
    this.producer ??= createRedisClient(this.options.redisUrl, {
      connectionName: this.clientName,
      logger: this.logger,
    });
    return this.producer;
  }

  private queue(name: string): Queue {
    let queue = this.queues.get(name);
    if (!queue) {
      queue = new Queue(name, {
        connection: this.client,
        prefix: this.prefix,
        streams: { events: { maxLen: EVENTS_MAX_LEN } },
      });
      logRedisErrors(queue, `timer queue ${name}`, this.logger);
      this.queues.set(name, queue);
    }
    return queue;
  }

  /** Workers first (running jobs finish, or their locks expire and another worker retries them). */
  private async shutdown(): Promise<void> {
    await Promise.all(
      [...this.workers.values()].map(async (worker) => {
        if (!(await settlesWithin(worker.close(), this.shutdownTimeoutMs))) {
          this.logger.warn('a timer worker did not close in time; dropping its connections');
          await worker.disconnect().catch(() => undefined);
        }
      }),
    );
    await Promise.all(
      [...this.queues.values()].map((q) =>
        settlesWithin(
          q.close().catch(() => undefined),
          5_000,
        ),
      ),
    );
    const client = this.producer;
    if (client) await client.quit().catch(() => client.disconnect());
  }
}
