import { type DynamicModule, Logger, type Provider } from '@nestjs/common';
import type { Job, JobsOptions, Queue, Worker } from 'bullmq';
import type { Redis } from 'ioredis';
import {
  type BoundWorkerHost,
  openStandalone,
  registerBullQueues,
} from '../queue/bullmq-registration';
import {
  createRedisClient,
  logRedisErrors,
  pingRedis,
  redactRedisUrl,
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
  /** The queues (a module's dispatch and handle queues): producers may add to any of them. */
  queues: readonly string[];
  /** The queues this process consumes (a worker host is registered for each). */
  consume?: readonly string[];
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

/** One registered timer queue: the `Queue`, and its worker host where this process consumes it. */
interface TimerQueueRef {
  queue: Queue;
  host: BoundWorkerHost | null;
}

/**
 * A node-timer module's queues registered through `@nestjs/bullmq` (`BullModule` under the
 * module's own config key, a `@Processor` worker host per consumed queue) and the
 * `TimerJobQueue` provider on top of them.
 */
export function bullMqTimerJobQueueParts(options: BullMqTimerJobQueueOptions): {
  imports: DynamicModule[];
  providers: Provider[];
} {
  const prefix = options.prefix ?? 'pipeline';
  const clientName = `${prefix}:${options.clientName ?? 'timers'}`;
  const consumed = new Set(options.consume ?? []);
  for (const name of consumed)
    if (!options.queues.includes(name))
      throw new Error(`BullMqTimerJobQueue: consumed queue '${name}' is not among the queues`);
  const registration = registerBullQueues(
    {
      configKey: `pipeline-timers:${clientName}`,
      redisUrl: options.redisUrl,
      prefix,
      connectionName: clientName,
    },
    options.queues.map((name) => ({
      name,
      worker: consumed.has(name) ? { concurrency: Math.max(1, options.concurrency ?? 16) } : null,
    })),
  );
  const names = [...options.queues];
  const inject = names.flatMap((name) => {
    const t = registration.queues[name];
    return [t.queueToken, ...(t.hostToken ? [t.hostToken] : [])];
  });
  return {
    imports: registration.imports,
    providers: [
      ...registration.providers,
      {
        provide: TimerJobQueue,
        inject,
        useFactory: (...deps: unknown[]): TimerJobQueue => {
          const refs = new Map<string, TimerQueueRef>();
          let i = 0;
          for (const name of names) {
            const queue = deps[i++] as Queue;
            const host = registration.queues[name].hostToken
              ? (deps[i++] as BoundWorkerHost)
              : null;
            refs.set(name, { queue, host });
          }
          return new BullMqTimerJobQueue(refs, options);
        },
      },
    ],
  };
}

/**
 * The timer queues of distributed mode (see `bullMqTimerJobQueueParts`): the api adds to none,
 * workers consume the dispatch and handle queues, the scanner adds to the dispatch queue.
 * Duplicate job ids collapse through BullMQ deduplication while a job waits or runs (see
 * `BullMqJobQueue` for why deduplication rather than custom job ids). Completed jobs are
 * removed at once; failed ones kept for a week for inspection.
 *
 * A flushed Redis loses queued timer jobs; the scanner notices the lost pool and rebuilds it
 * from the database, which re-arms them.
 */
export class BullMqTimerJobQueue extends TimerJobQueue {
  private readonly logger = new Logger(BullMqTimerJobQueue.name);
  /** Health checks' connection, opened by the first `ping()`. */
  private pingClient: Redis | null = null;
  private readonly workers = new Map<string, Worker>();
  private readonly prefix: string;
  private readonly concurrency: number;
  private readonly jobOptions: JobsOptions;
  private readonly shutdownTimeoutMs: number;
  private closing: Promise<void> | null = null;
  /** Closes the standalone application context of `open()`, after the queues. */
  private onClosed: (() => Promise<void>) | null = null;

  constructor(
    private readonly refs: ReadonlyMap<string, TimerQueueRef>,
    private readonly options: BullMqTimerJobQueueOptions,
  ) {
    super();
    this.prefix = options.prefix ?? 'pipeline';
    this.concurrency = Math.max(1, options.concurrency ?? 16);
    this.shutdownTimeoutMs = options.shutdownTimeoutMs ?? 10_000;
    this.jobOptions = {
      attempts: options.attempts ?? 5,
      backoff: { type: 'exponential', delay: options.backoffMs ?? 1_000 },
      removeOnComplete: true,
      removeOnFail: { age: 7 * 24 * 3600, count: 10_000 },
    };
    for (const [name, { queue }] of refs) logRedisErrors(queue, `timer queue ${name}`, this.logger);
  }

  /**
   * The adapter outside an app (specs, the bench): a standalone Nest application context with
   * exactly what a node-timer module registers. `close()` closes that context too.
   */
  static async open(options: BullMqTimerJobQueueOptions): Promise<BullMqTimerJobQueue> {
    const { instance: queue, close } = await openStandalone<BullMqTimerJobQueue>(
      bullMqTimerJobQueueParts(options),
      TimerJobQueue,
    );
    queue.onClosed = close;
    return queue;
  }

  async add(queue: string, jobs: readonly TimerJob[]): Promise<void> {
    if (jobs.length === 0) return;
    if (this.closing)
      throw new Error(`timer queue '${queue}' is closing; ${jobs.length} job(s) not added`);
    await this.ref(queue).queue.addBulk(
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
    const { host } = this.ref(queue);
    if (!host)
      throw new Error(`BullMqTimerJobQueue: this process does not consume queue '${queue}'`);
    const worker = host.start(
      (job: Job) => handler(parseTimerJobEntries(job.data)),
      this.logger,
      `timer worker ${queue}`,
      (job) => `timer job ${job.opts.deduplication?.id ?? job.id} on ${queue}`,
    );
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
    this.pingClient ??= createRedisClient(this.options.redisUrl, {
      connectionName: `${this.prefix}:${this.options.clientName ?? 'timers'}:health`,
      logger: this.logger,
    });
    return pingRedis(this.pingClient);
  }

  private ref(name: string): TimerQueueRef {
    const ref = this.refs.get(name);
    if (!ref)
      throw new Error(
        `BullMqTimerJobQueue: unknown queue '${name}' (registered: ${[...this.refs.keys()].join(', ')})`,
      );
    return ref;
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
      [...this.refs.values()].map(({ queue }) =>
        settlesWithin(
          queue.close().catch(() => undefined),
          5_000,
        ),
      ),
    );
    const ping = this.pingClient;
    if (ping) await ping.quit().catch(() => ping.disconnect());
    await this.onClosed?.();
  }
}
