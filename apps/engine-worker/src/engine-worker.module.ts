import { NodeTimeoutModule } from '@app/node-timeout';
import { NodeTimerEventModule } from '@app/node-timer-event';
import { PipelineModule, PipelineTimeoutsModule, QueueHealthIndicator, MetricsController } from '@app/pipeline';
import { type DynamicModule, Module } from '@nestjs/common';
import { ConfigModule } from '@nestjs/config';
import { TerminusModule } from '@nestjs/terminus';
import { EngineWorkerConfig, validateEngineWorkerConfig } from './config/engine-worker.config';
import { HealthController } from './health/health.controller';

/**
 * Root module of the engine-worker: consumes the engine queue (advance / execute / schedule
 * jobs) through `PipelineModule` in the `worker` role and the timer modules' dispatch and
 * handle queues, and answers `GET /health` with database and Redis checks. Run as many as you
 * like: they share the queues.
 */
@Module({})
export class EngineWorkerModule {
  /** Validates the environment first: its settings decide how the engine modules are built. */
  static async forRoot(): Promise<DynamicModule> {
    const captured: { config?: EngineWorkerConfig } = {};
    const configModule = await ConfigModule.forRoot({
      isGlobal: true,
      ignoreEnvFile: true,
      // Runs inside forRoot: a bad setting stops the boot here, every problem listed.
      validate: (raw) => (captured.config = validateEngineWorkerConfig(raw)),
    });
    const config = captured.config;
    if (!config) throw new Error('engine-worker configuration was not validated');
    return {
      module: EngineWorkerModule,
      imports: [
        configModule,
        TerminusModule,
        PipelineModule.forRoot({
          databaseUrl: config.DATABASE_URL,
          databaseLogging: config.LOG_LEVEL === 'verbose',
          redisUrl: config.REDIS_URL,
          eventSignals: config.PIPELINE_EVENT_SIGNALS_ENABLED,
          componentHeartbeatMs: config.COMPONENT_HEARTBEAT_MS,
          role: 'worker',
          queue: {
            queueName: config.PIPELINE_ENGINE_QUEUE,
            prefix: config.PIPELINE_QUEUE_PREFIX,
            concurrency: config.WORKER_CONCURRENCY,
          },
        }),
        // Timer processors: the dispatch and handle queues of both timer modules.
        NodeTimeoutModule.forRoot({
          role: 'worker',
          redisUrl: config.REDIS_URL,
          queuePrefix: config.PIPELINE_QUEUE_PREFIX,
          concurrency: config.WORKER_CONCURRENCY,
          settings: config.nodeTimeout,
          scanIntervalSeconds: config.nodeTimerEvent.PIPELINE_NODE_TIMER_EVENT_POOL_SCAN_INTERVAL,
        }),
        NodeTimerEventModule.forRoot({
          role: 'worker',
          redisUrl: config.REDIS_URL,
          queuePrefix: config.PIPELINE_QUEUE_PREFIX,
          concurrency: config.WORKER_CONCURRENCY,
          settings: config.nodeTimerEvent,
        }),
        // DESIGN §8.3: handles due activity and run timeouts (and keeps their pools as nodes change).
        PipelineTimeoutsModule.forRoot({
          role: 'worker',
          redisUrl: config.REDIS_URL,
          queuePrefix: config.PIPELINE_QUEUE_PREFIX,
          concurrency: config.WORKER_CONCURRENCY,
          scanIntervalSeconds: config.nodeTimerEvent.PIPELINE_NODE_TIMER_EVENT_POOL_SCAN_INTERVAL,
        }),
      ],
      controllers: [HealthController, MetricsController],
      providers: [QueueHealthIndicator, { provide: EngineWorkerConfig, useValue: config }],
    };
  }
}
