import { type DynamicModule, Logger, type Provider } from '@nestjs/common';
import type { Job, JobsOptions, Queue, Worker } from 'bullmq';
import type { BoundWorkerHost } from '../queue/bullmq-registration';
import { registerBullQueues } from '../queue/bullmq-registration';
import type { Redis } from 'ioredis';
import { createRedisClient, logRedisErrors, settlesWithin } from '../queue/redis-connection';
import { ScheduleTrigger, type ScheduleFiring, type ScheduleFiringHandler } from './schedule-trigger.port';

export interface BullMqScheduleTriggerOptions {
  redisUrl: string;
  /** Redis key prefix (the engine's `PIPELINE_QUEUE_PREFIX`). */
  prefix?: string;
  /** BullMQ queue name (default `pipeline_schedules`). */
  queueName?: string;
  /** Consume the queue in this process (workers and scanners). */
  consume: boolean;
  /** Shown in Redis `CLIENT LIST`. */
  clientName?: string;
}

export const DEFAULT_SCHEDULE_QUEUE = 'pipeline_schedules';

/** A firing's job id: one delayed job per (schedule, due time), whoever arms it. */
export function scheduleJobId(f: ScheduleFiring): string {
  return `${f.scheduleId}@${f.dueAt}`;
}

/**
 * Distributed mode: each armed firing is a BullMQ delayed job `<schedule>@<due ms>` on the
 * schedules queue, consumed by engine workers and timer-scanners. The same id armed twice (two
 * processes, a rebuild) is one job. Done jobs are removed at once (so an id can be armed again);
 * a job that keeps failing is dropped after its attempts, and the scanner's sweep re-arms its
 * overdue schedule. A flushed Redis loses the jobs and the marker key `<prefix>:<queue>:armed`
 * with them: the scanner sees the marker gone and re-arms every schedule from the database.
 */
export class BullMqScheduleTrigger extends ScheduleTrigger {
  private readonly logger = new Logger(BullMqScheduleTrigger.name);
  private readonly jobOptions: JobsOptions = {
    attempts: 8,
    backoff: { type: 'exponential', delay: 1_000 },
    removeOnComplete: true,
    removeOnFail: true,
  };
  private readonly markerKey: string;
  private worker: Worker | null = null;
  /** The marker's connection, opened on first use. */
  private redis: Redis | null = null;
  private closing: Promise<void> | null = null;

  constructor(
    private readonly queue: Queue,
    private readonly host: BoundWorkerHost | null,
    private readonly options: BullMqScheduleTriggerOptions,
  ) {
    super();
    this.markerKey = `${options.prefix ?? 'pipeline'}:${queue.name}:armed`;
    logRedisErrors(queue, `schedule queue ${queue.name}`, this.logger);
  }

  async arm(firings: readonly ScheduleFiring[]): Promise<void> {
    if (firings.length === 0 || this.closing) return;
    const now = Date.now();
    await this.queue.addBulk(
      firings.map((f) => ({
        name: 'fire',
        data: { scheduleId: f.scheduleId, dueAt: f.dueAt },
        opts: { ...this.jobOptions, jobId: scheduleJobId(f), delay: Math.max(0, f.dueAt - now) },
      })),
    );
  }

  async disarm(scheduleId: string, dueAt: number | null): Promise<void> {
    if (dueAt === null || this.closing) return;
    // A job being handled cannot be removed: it then finds the schedule changed and does nothing.
    await this.queue.remove(scheduleJobId({ scheduleId, dueAt })).catch(() => undefined);
  }

  consume(handler: ScheduleFiringHandler): void {
    if (this.worker) throw new Error('BullMqScheduleTrigger: already consumed');
    if (!this.host) throw new Error(`BullMqScheduleTrigger: this process does not consume '${this.queue.name}'`);
    this.worker = this.host.start(
      async (job: Job) => {
        const { scheduleId, dueAt } = job.data as Partial<ScheduleFiring>;
        if (typeof scheduleId !== 'string' || typeof dueAt !== 'number') {
          this.logger.warn(`schedule job ${job.id}: malformed data, dropped`);
          return;
        }
        await handler({ scheduleId, dueAt });
      },
      this.logger,
      `schedule worker ${this.queue.name}`,
      (job) => `schedule job ${job.id}`,
    );
  }

  async lost(): Promise<boolean> {
    return (await this.client().exists(this.markerKey)) === 0;
  }

  async markArmed(): Promise<void> {
    await this.client().set(this.markerKey, String(Date.now()));
  }

  private client(): Redis {
    this.redis ??= createRedisClient(this.options.redisUrl, {
      connectionName: `${this.options.prefix ?? 'pipeline'}:${this.options.clientName ?? 'schedules'}:marker`,
      logger: this.logger,
    });
    return this.redis;
  }

  close(): Promise<void> {
    this.closing ??= (async () => {
      if (this.worker) await settlesWithin(this.worker.close(), 10_000);
      await settlesWithin(this.queue.close().catch(() => undefined), 5_000);
      const redis = this.redis;
      if (redis) await redis.quit().catch(() => redis.disconnect());
    })();
    return this.closing;
  }
}

/** The schedules queue through `@nestjs/bullmq` (a worker host where consumed) and the `ScheduleTrigger` on it. */
export function bullMqScheduleTriggerParts(options: BullMqScheduleTriggerOptions): { imports: DynamicModule[]; providers: Provider[] } {
  const prefix = options.prefix ?? 'pipeline';
  const name = options.queueName ?? DEFAULT_SCHEDULE_QUEUE;
  const clientName = `${prefix}:${options.clientName ?? 'schedules'}`;
  const registration = registerBullQueues(
    { configKey: `pipeline-schedules:${clientName}`, redisUrl: options.redisUrl, prefix, connectionName: clientName },
    [{ name, worker: options.consume ? { concurrency: 8 } : null }],
  );
  const tokens = registration.queues[name];
  return {
    imports: registration.imports,
    providers: [
      ...registration.providers,
      {
        provide: ScheduleTrigger,
        inject: [tokens.queueToken, ...(tokens.hostToken ? [tokens.hostToken] : [])],
        useFactory: (queue: Queue, host?: BoundWorkerHost): ScheduleTrigger =>
          new BullMqScheduleTrigger(queue, host ?? null, { ...options, prefix }),
      },
    ],
  };
}
