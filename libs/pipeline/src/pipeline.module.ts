import { type DynamicModule, Module, type Provider } from '@nestjs/common';
import { DiscoveryModule } from '@nestjs/core';
import { EventEmitterModule } from '@nestjs/event-emitter';
import { ScheduleModule, SchedulerRegistry } from '@nestjs/schedule';
import { TypeOrmModule } from '@nestjs/typeorm';
import { ComponentsModule } from './components/components.module';
import { PipelineDefinitionService } from './definitions/pipeline-definition.service';
import { TreeCheckRegistry } from './definitions/tree-check-registry.service';
import { DatabaseModule } from './persistence/database.module';
import { PIPELINE_ENTITIES } from './persistence/entities';
import { JobQueue } from './ports/job-queue.port';
import { RunStore } from './ports/run-store.port';
import { TypeormRunStore } from './persistence/typeorm-run-store';
import { InProcessJobQueue } from './queue/in-process-job-queue';
import { Reconciler } from './runtime/reconciler.service';
import { bullMqJobQueueParts } from './queue/bullmq-job-queue';
import { type EngineQueueSettings } from './queue/queue-settings';
import {
  DEFAULT_COMPONENT_HEARTBEAT_MS,
  DEFAULT_ENGINE_RUNTIME_OPTIONS,
  ENGINE_RUNTIME_OPTIONS,
  type EngineRuntimeOptions,
} from './runtime/engine-runtime.options';
import { ENGINE_WORKER_OPTIONS, EngineWorker } from './runtime/engine-worker.service';
import { JobQueueLifecycle } from './runtime/job-queue-lifecycle.service';
import { RECONCILER_LOOP_OPTIONS, ReconcilerLoop, type ReconcilerLoopOptions } from './runtime/reconciler-loop.service';
import { EngineRuntime } from './runtime/engine-runtime.service';
import { RunOperationsService } from './runtime/run-operations.service';
import { RunService } from './runtime/run.service';
import { PIPELINE_SIGNALS_OPTIONS, PipelineSignals } from './signals/pipeline-signals.service';
import { bullMqScheduleTriggerParts } from './schedules/bullmq-schedule-trigger';
import { InProcessScheduleTrigger } from './schedules/in-process-schedule-trigger';
import { SCHEDULE_RUNNER_OPTIONS, ScheduleRunner, type ScheduleRunnerOptions } from './schedules/schedule-runner.service';
import { ScheduleTrigger } from './schedules/schedule-trigger.port';
import { ScheduleService } from './schedules/schedule.service';
import { PipelineMetrics } from './metrics/pipeline-metrics.service';
import { DEFAULT_EXTERNAL_TASK_OPTIONS, EXTERNAL_TASK_OPTIONS, ExternalTaskService, type ExternalTaskOptions } from './external-tasks/external-task.service';
import { InProcessTaskWakeupBus } from './external-tasks/in-process-task-wakeup-bus';
import { RedisTaskWakeupBus } from './external-tasks/redis-task-wakeup-bus';
import { TaskWakeupBus } from './external-tasks/task-wakeup-bus.port';
import { WebhookDispatcher } from './webhooks/webhook-dispatcher.service';
import { WebhookService } from './webhooks/webhook.service';
import { DEFAULT_WEBHOOK_DISPATCHER_OPTIONS, WEBHOOK_DISPATCHER_OPTIONS, type WebhookDispatcherOptions } from './webhooks/webhooks.options';
import type { WebhookBackoff } from './webhooks/webhook-backoff';

/**
 * Which part of the deployment this process is (DESIGN §2):
 * - `embedded`: everything in one process, in-process queue (no Redis);
 * - `api`: REST only; dispatches jobs to the queue, runs none;
 * - `worker`: consumes the queue (execute/schedule/advance jobs);
 * - `scanner`: runs the reconciler (and the timer modules' scans).
 */
export type PipelineRole = 'embedded' | 'api' | 'worker' | 'scanner';

export interface PipelineModuleOptions {
  /** `sqlite:<path>`, `sqlite::memory:` or `mysql://user:pass@host:3306/db` (DESIGN §2). */
  databaseUrl: string;
  /** Log SQL statements (they may contain run data). */
  databaseLogging?: boolean;
  /** Unset: embedded mode (in-process queue). Set: BullMQ on this Redis. */
  redisUrl?: string;
  /** Default: `embedded` without `redisUrl`, `api` with it. */
  role?: PipelineRole;
  /** Queue names and tuning (distributed mode); `concurrency` is the worker's. */
  queue?: Partial<EngineQueueSettings>;
  /** Jobs handled at once by the in-process worker (embedded mode, default 4). */
  workerConcurrency?: number;
  /** The reconciler loop (scanner and embedded): pass interval and grace (defaults 5 s and 15 s). */
  reconcile?: Partial<ReconcilerLoopOptions>;
  /**
   * `PIPELINE_EVENT_SIGNALS_ENABLED`: emit every engine event through EventEmitter2 as
   * `pipeline.event` and `pipeline.event.<type>` (DESIGN §6). The event log is written either way.
   */
  eventSignals?: boolean;
  /**
   * Distributed mode: how often a running component's node row is touched (default 5 s) so
   * the scanner's reconciler (grace RECONCILE_GRACE_MS, default 15 s) leaves it alone.
   */
  componentHeartbeatMs?: number;
  /**
   * Scheduled runs (DESIGN §8.5): how often the rebuilding role (embedded, scanner) checks for
   * lost firings and overdue schedules, and how late one must be to be armed again.
   */
  schedules?: Partial<Pick<ScheduleRunnerOptions, 'sweepIntervalMs' | 'overdueGraceMs'>>;
  /** External tasks (DESIGN §8.6): long-poll cap, batch cap, grace of a report that died midway. */
  externalTasks?: Partial<ExternalTaskOptions>;
  /**
   * Webhooks and failure callbacks (DESIGN §8.6): the outbox dispatcher's poll interval,
   * concurrency, receiver timeout, how long a delivery is retried, and the backoff. The
   * dispatcher runs in the embedded app and the scanner only.
   */
  webhooks?: Partial<Omit<WebhookDispatcherOptions, 'enabled' | 'backoff'>> & { backoff?: Partial<WebhookBackoff> };
}

/**
 * The engine as one Nest module: database (migrated at start-up), components, stored
 * definitions, runs, and the runtime parts the process's role needs. Import it once, at the
 * root of an app. Global, so extension modules (node-timeout, node-timer-event) inject the
 * engine's services without importing it again.
 */
@Module({})
export class PipelineModule {
  static forRoot(options: PipelineModuleOptions): DynamicModule {
    const role: PipelineRole = options.role ?? (options.redisUrl ? 'api' : 'embedded');
    if (role !== 'embedded' && !options.redisUrl) {
      throw new Error(`PipelineModule: role '${role}' needs a redisUrl (distributed mode)`);
    }
    const distributed = role !== 'embedded';
    const consumes = role === 'embedded' || role === 'worker';
    const runtimeOptions: EngineRuntimeOptions = {
      ...DEFAULT_ENGINE_RUNTIME_OPTIONS,
      // Every role that runs components touches their rows while they run: a reconciler (the
      // scanner's, or the embedded app's own loop) then never takes a slow component for lost work.
      heartbeatMs: options.componentHeartbeatMs ?? DEFAULT_COMPONENT_HEARTBEAT_MS,
    };
    // Distributed: the engine queue through @nestjs/bullmq (a worker host only where jobs are consumed).
    const queueParts = distributed
      ? bullMqJobQueueParts({ redisUrl: options.redisUrl!, clientName: role, ...options.queue }, consumes)
      : {
          imports: [],
          providers: [
            { provide: JobQueue, useFactory: (): JobQueue => new InProcessJobQueue(options.workerConcurrency ?? 4) },
          ],
        };
    // Scheduled runs (DESIGN §8.5): BullMQ delayed jobs consumed by workers and scanners, or
    // in-process timeouts; armed from the database by the scanner (embedded: this app).
    const scheduleParts = distributed
      ? bullMqScheduleTriggerParts({
          redisUrl: options.redisUrl!,
          prefix: options.queue?.prefix,
          consume: role === 'worker' || role === 'scanner',
          clientName: `schedules:${role}`,
        })
      : {
          imports: [],
          providers: [
            {
              provide: ScheduleTrigger,
              inject: [SchedulerRegistry],
              useFactory: (registry: SchedulerRegistry): ScheduleTrigger => new InProcessScheduleTrigger(registry),
            },
          ],
        };
    const scheduleRunnerOptions: ScheduleRunnerOptions = {
      consume: role !== 'api',
      rebuild: role === 'embedded' || role === 'scanner',
      sweepIntervalMs: options.schedules?.sweepIntervalMs ?? 5_000,
      overdueGraceMs: options.schedules?.overdueGraceMs ?? 10_000,
    };
    const webhookOptions: WebhookDispatcherOptions = {
      ...DEFAULT_WEBHOOK_DISPATCHER_OPTIONS,
      ...options.webhooks,
      backoff: { ...DEFAULT_WEBHOOK_DISPATCHER_OPTIONS.backoff, ...options.webhooks?.backoff },
      enabled: role === 'embedded' || role === 'scanner',
    };
    const providers: Provider[] = [
      PipelineMetrics,
      ExternalTaskService,
      { provide: EXTERNAL_TASK_OPTIONS, useValue: { ...DEFAULT_EXTERNAL_TASK_OPTIONS, ...options.externalTasks } },
      // Long polls wake across api processes over Redis pub/sub (distributed), in-process otherwise.
      {
        provide: TaskWakeupBus,
        useFactory: (): TaskWakeupBus =>
          distributed
            ? new RedisTaskWakeupBus({ redisUrl: options.redisUrl!, prefix: options.queue?.prefix, clientName: role })
            : new InProcessTaskWakeupBus(),
      },
      WebhookService,
      { provide: WEBHOOK_DISPATCHER_OPTIONS, useValue: webhookOptions },
      ScheduleService,
      ScheduleRunner,
      { provide: SCHEDULE_RUNNER_OPTIONS, useValue: scheduleRunnerOptions },
      ...scheduleParts.providers,
      PipelineDefinitionService,
      TreeCheckRegistry,
      RunService,
      RunOperationsService,
      PipelineSignals,
      { provide: PIPELINE_SIGNALS_OPTIONS, useValue: { enabled: !!options.eventSignals } },
      EngineRuntime,
      Reconciler,
      JobQueueLifecycle,
      { provide: RunStore, useClass: TypeormRunStore },
      ...queueParts.providers,
      { provide: ENGINE_RUNTIME_OPTIONS, useValue: runtimeOptions },
    ];
    if (consumes) {
      providers.push(EngineWorker, { provide: ENGINE_WORKER_OPTIONS, useValue: { reconcileAtBoot: role === 'embedded' } });
    }
    // The scanner reconciles for the whole deployment; the embedded app for itself: a step whose
    // job gave up (a database error outlasting its retries) is picked up again without a restart.
    if (role === 'scanner' || role === 'embedded') {
      providers.push(WebhookDispatcher);
      providers.push(ReconcilerLoop, {
        provide: RECONCILER_LOOP_OPTIONS,
        useValue: { intervalMs: 5_000, graceMs: 15_000, ...options.reconcile },
      });
    }
    return {
      module: PipelineModule,
      global: true,
      imports: [
        DiscoveryModule,
        // Global: user providers listen with `@OnEvent('pipeline.event')` (do not register it again).
        EventEmitterModule.forRoot(),
        // Global: the reconciler's interval and the timer scans' sleeps are registered in its SchedulerRegistry.
        ScheduleModule.forRoot(),
        DatabaseModule.forRoot({
          databaseUrl: options.databaseUrl,
          logging: options.databaseLogging,
        }),
        ComponentsModule,
        TypeOrmModule.forFeature(PIPELINE_ENTITIES),
        ...queueParts.imports,
        ...scheduleParts.imports,
      ],
      providers,
      exports: [
        PipelineMetrics,
        ExternalTaskService,
        PipelineDefinitionService,
        TreeCheckRegistry,
        RunService,
        RunOperationsService,
        ScheduleService,
        WebhookService,
        PipelineSignals,
        EngineRuntime,
        Reconciler,
        RunStore,
        JobQueue,
        ComponentsModule,
        TypeOrmModule,
        ...(role === 'scanner' || role === 'embedded' ? [ReconcilerLoop, WebhookDispatcher] : []),
      ],
    };
  }
}
