import { type DynamicModule, Module } from '@nestjs/common';
import { ConfigModule } from '@nestjs/config';
import { APP_GUARD } from '@nestjs/core';
import { TerminusModule } from '@nestjs/terminus';
import { ThrottlerModule } from '@nestjs/throttler';
import { NodeTimeoutModule } from '@app/node-timeout';
import { NodeTimerEventModule } from '@app/node-timer-event';
import { PipelineModule, PipelineTimeoutsModule, QueueHealthIndicator, MetricsController } from '@app/pipeline';
import { ApiTokenGuard } from './auth/api-token.guard';
import { AppConfig, validateAppConfig } from './config/app.config';
import { ExternalTasksController } from './controllers/external-tasks.controller';
import { GraphsController } from './controllers/graphs.controller';
import { PipelineTimersController } from './controllers/pipeline-timers.controller';
import { PipelinesController } from './controllers/pipelines.controller';
import { RunOperationsController } from './controllers/run-operations.controller';
import { RunsController } from './controllers/runs.controller';
import { SchedulesController } from './controllers/schedules.controller';
import { WebhooksController } from './controllers/webhooks.controller';
import { HealthController } from './health/health.controller';
import { RateLimitGuard, throttlersFor } from './rate-limit/rate-limit.guard';
import { RedisThrottlerStorage } from './rate-limit/redis-throttler.storage';

export interface AppModuleOptions {
  /**
   * Settings to use instead of `.env` and the process environment (tests). They go through the
   * same validation as the real environment.
   */
  env?: Record<string, string | undefined>;
}

/**
 * The API app in embedded mode: REST controllers plus the whole engine (timers included) in
 * one process; with `REDIS_URL`, the REST side of the distributed deployment.
 * `forRoot` validates the configuration first (through `@nestjs/config`), because the database
 * URL decides how the engine's modules are built.
 */
@Module({})
export class AppModule {
  static async forRoot(options: AppModuleOptions = {}): Promise<DynamicModule> {
    const captured: { config?: AppConfig } = {};
    const explicit = options.env !== undefined;
    const configModule = await ConfigModule.forRoot({
      isGlobal: true,
      cache: true,
      ignoreEnvFile: explicit,
      validatePredefined: !explicit,
      skipProcessEnv: explicit,
      // Runs synchronously inside forRoot: a bad setting fails boot here, with every problem listed.
      validate: (raw) => (captured.config = validateAppConfig({ ...raw, ...options.env })),
    });
    const config = captured.config;
    if (!config) throw new Error('Configuration was not validated');

    return {
      module: AppModule,
      imports: [
        configModule,
        PipelineModule.forRoot({
          databaseUrl: config.DATABASE_URL,
          databaseLogging: config.LOG_LEVEL === 'verbose',
          // Set: distributed mode, this process only serves the API and dispatches jobs.
          redisUrl: config.REDIS_URL,
          queue: { queueName: config.PIPELINE_ENGINE_QUEUE, prefix: config.PIPELINE_QUEUE_PREFIX },
          eventSignals: config.PIPELINE_EVENT_SIGNALS_ENABLED,
          externalTasks: { maxWaitSeconds: config.EXTERNAL_TASK_MAX_WAIT_SECONDS },
          // DESIGN §8.6: the outbox dispatcher runs here in embedded mode only (the scanner's job otherwise).
          webhooks: config.webhooks,
        }),
        // Operations commit here, so timer upkeep runs here too; embedded, also the scans and processors.
        NodeTimeoutModule.forRoot({
          redisUrl: config.REDIS_URL,
          queuePrefix: config.PIPELINE_QUEUE_PREFIX,
          settings: config.nodeTimeout,
          scanIntervalSeconds: config.nodeTimerEvent.PIPELINE_NODE_TIMER_EVENT_POOL_SCAN_INTERVAL,
        }),
        NodeTimerEventModule.forRoot({
          redisUrl: config.REDIS_URL,
          queuePrefix: config.PIPELINE_QUEUE_PREFIX,
          settings: config.nodeTimerEvent,
        }),
        // DESIGN §8.3 activity and run timeouts: arms them here (runs start, operations commit);
        // embedded, also scans and fires them.
        PipelineTimeoutsModule.forRoot({
          redisUrl: config.REDIS_URL,
          queuePrefix: config.PIPELINE_QUEUE_PREFIX,
          scanIntervalSeconds: config.nodeTimerEvent.PIPELINE_NODE_TIMER_EVENT_POOL_SCAN_INTERVAL,
        }),
        TerminusModule.forRoot({ logger: true, errorLogStyle: 'pretty' }),
        // Embedded: counted in this process's memory. Distributed: in Redis, shared by the api replicas.
        ...(config.rateLimited
          ? [
              ThrottlerModule.forRoot({
                throttlers: throttlersFor(config),
                ...(config.REDIS_URL
                  ? {
                      storage: new RedisThrottlerStorage(
                        config.REDIS_URL,
                        config.PIPELINE_QUEUE_PREFIX,
                      ),
                    }
                  : {}),
              }),
            ]
          : []),
      ],
      controllers: [
        HealthController,
        MetricsController,
        PipelinesController,
        GraphsController,
        PipelineTimersController,
        RunsController,
        RunOperationsController,
        SchedulesController,
        ExternalTasksController,
        WebhooksController,
      ],
      providers: [
        QueueHealthIndicator,
        { provide: AppConfig, useValue: config },
        // Rate limits first, so requests with wrong tokens are limited too (per address).
        ...(config.rateLimited ? [{ provide: APP_GUARD, useClass: RateLimitGuard }] : []),
        { provide: APP_GUARD, useClass: ApiTokenGuard },
      ],
      exports: [AppConfig],
    };
  }
}
