import { BullModule, getQueueToken, Processor, WorkerHost } from '@nestjs/bullmq';
import {
  type DynamicModule,
  type InjectionToken,
  type Logger,
  Module,
  type Provider,
  type Type,
} from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import type { Job, Worker, WorkerOptions } from 'bullmq';
import { logRedisErrors, redisConnectionOptions } from './redis-connection';

/** What a queue's worker does with a job; bound by the adapter that owns the queue. */
export type BoundJobProcessor = (job: Job, token?: string) => Promise<unknown>;

/**
 * The `@nestjs/bullmq` worker host of one queue. `@nestjs/bullmq` creates its `Worker` at module
 * init (not running: `autorun: false`); the queue adapter binds the processor and starts the
 * worker when the process begins consuming (`JobQueue.consume`), so no job is taken before the
 * app has finished booting (components discovered, timers registered).
 */
export class BoundWorkerHost extends WorkerHost {
  private processor: BoundJobProcessor | null = null;

  /**
   * Routes this queue's jobs to `processor` (once) and starts the worker, logging its Redis
   * errors and each failed attempt (a warning while retries remain, an error with the stack
   * once it gives up). `label` names the worker in logs; `describe` names a failed job.
   */
  start(
    processor: BoundJobProcessor,
    logger: Logger,
    label: string,
    describe: (job: Job) => string,
  ): Worker {
    if (this.processor) throw new Error(`queue '${this.worker.name}' already has a consumer`);
    this.processor = processor;
    const worker = this.worker;
    logRedisErrors(worker, label, logger);
    worker.on('failed', (job: Job | undefined, err: Error) => {
      if (!job) return;
      const final = job.attemptsMade >= (job.opts.attempts ?? 1);
      const what = `${describe(job)} attempt ${job.attemptsMade}/${job.opts.attempts ?? 1}`;
      if (final) logger.error(`${what} failed, giving up: ${err?.stack ?? err}`);
      else logger.warn(`${what} failed, will retry: ${err?.message ?? err}`);
    });
    worker
      .run()
      .catch((e: unknown) => logger.error(`${label} stopped: ${(e as Error)?.message ?? e}`));
    return worker;
  }

  /** Called by the BullMQ worker for each job. */
  process(job: Job, token?: string): Promise<unknown> {
    if (!this.processor) throw new Error(`queue '${job.queueName}': no consumer bound`);
    return this.processor(job, token);
  }
}

/** The Redis side shared by the queues of one subsystem (one `BullModule.forRoot` config key). */
export interface BullConnectionSpec {
  /** `BullModule.forRoot` config key, e.g. `pipeline-engine`. */
  configKey: string;
  redisUrl: string;
  /** Redis key prefix of the queues. */
  prefix: string;
  /** Shown in Redis `CLIENT LIST` (producers: `<name>`, workers: `<name>:worker`). */
  connectionName: string;
  /** Length cap of each queue's events stream (the engine never reads it). */
  eventsMaxLen?: number;
}

export interface BullQueueSpec {
  /** BullMQ queue name; also the `@InjectQueue` name (`getQueueToken(name)`). */
  name: string;
  /** Set in processes that consume the queue: the worker's options (`autorun` is always false). */
  worker?: Omit<WorkerOptions, 'autorun' | 'connection'> | null;
}

/** DI tokens of one registered queue. */
export interface BullQueueTokens {
  /** The `Queue` (what `@InjectQueue(name)` injects). */
  queueToken: string;
  /** The worker host, or null when this process does not consume the queue. */
  hostToken: Type<BoundWorkerHost> | null;
}

/** What a module adds to register its queues, and their worker hosts where it consumes. */
export interface BullQueuesRegistration {
  imports: DynamicModule[];
  providers: Provider[];
  queues: Record<string, BullQueueTokens>;
}

/**
 * Registers queues through `@nestjs/bullmq`: `BullModule.forRoot` (connection and prefix under
 * the subsystem's config key), `BullModule.registerQueue` per queue, and, for each queue this
 * process consumes, a `@Processor` worker host made for it. Host classes are made here, not
 * declared once, because queue names and worker options come from configuration read at boot,
 * while a decorator needs them when the class is declared.
 */
export function registerBullQueues(
  connection: BullConnectionSpec,
  queues: readonly BullQueueSpec[],
): BullQueuesRegistration {
  const { configKey, redisUrl, prefix, connectionName } = connection;
  const imports: DynamicModule[] = [
    BullModule.forRoot(configKey, {
      connection: redisConnectionOptions(redisUrl, { connectionName }),
      prefix,
    }),
    ...queues.map((q) =>
      BullModule.registerQueue({
        name: q.name,
        configKey,
        streams: { events: { maxLen: connection.eventsMaxLen ?? 1_000 } },
      }),
    ),
  ];
  const providers: Provider[] = [];
  const tokens: Record<string, BullQueueTokens> = {};
  for (const q of queues) {
    let hostToken: Type<BoundWorkerHost> | null = null;
    if (q.worker) {
      const Host = class extends BoundWorkerHost {};
      Object.defineProperty(Host, 'name', { value: `WorkerHost(${q.name})` });
      Processor(
        { name: q.name, configKey },
        {
          ...q.worker,
          autorun: false,
          // Workers block on Redis: BullMQ needs their commands to wait through reconnections.
          connection: redisConnectionOptions(redisUrl, {
            maxRetriesPerRequest: null,
            connectionName: `${connectionName}:worker`,
          }),
        },
      )(Host);
      providers.push(Host);
      hostToken = Host;
    }
    tokens[q.name] = { queueToken: getQueueToken(q.name), hostToken };
  }
  return { imports, providers, queues: tokens };
}

/**
 * A queue adapter outside an app (specs, the bench, scripts): a standalone Nest application
 * context holding exactly the `imports` and `providers` an app module registers, so the adapter
 * is wired by `@nestjs/bullmq` as in the apps. `close` closes that context.
 */
export async function openStandalone<T>(
  parts: { imports: DynamicModule[]; providers: Provider[] },
  token: InjectionToken,
): Promise<{ instance: T; close: () => Promise<void> }> {
  @Module({ imports: parts.imports, providers: parts.providers, exports: [token] })
  class StandaloneQueueModule {}
  const app = await NestFactory.createApplicationContext(StandaloneQueueModule, {
    logger: ['error', 'warn'],
    abortOnError: false,
  });
  return { instance: app.get<T>(token), close: () => app.close() };
}
