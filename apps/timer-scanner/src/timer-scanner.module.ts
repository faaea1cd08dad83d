import { NodeTimeoutModule } from '@app/node-timeout';
import { NodeTimerEventModule } from '@app/node-timer-event';
import { PipelineModule, PipelineTimeoutsModule, QueueHealthIndicator, MetricsController } from '@app/pipeline';
import { type DynamicModule, Module } from '@nestjs/common';
import { ConfigModule } from '@nestjs/config';
import { TerminusModule } from '@nestjs/terminus';
import { TimerScannerConfig, validateTimerScannerConfig } from './config/timer-scanner.config';
import { HealthController } from './health/health.controller';

/**
 * Root module of the timer-scanner: scans the executing pools of node-timeout and
 * node-timer-event (rebuilding them from the database at start and after a Redis loss) and
 * sends due entries to their dispatch queues; runs the reconciler (`PipelineModule` in the
 * `scanner` role), which re-dispatches work whose job was lost (worker killed, Redis
 * flushed). Several may run: taking due entries is atomic, re-dispatching idempotent.
 */
@Module({})
export class TimerScannerModule {
  /** Validates the environment first: its settings decide how the engine modules are built. */
  static async forRoot(): Promise<DynamicModule> {
    const captured: { config?: TimerScannerConfig } = {};
    const configModule = await ConfigModule.forRoot({
      isGlobal: true,
      ignoreEnvFile: true,
      // Runs inside forRoot: a bad setting stops the boot here, every problem listed.
      validate: (raw) => (captured.config = validateTimerScannerConfig(raw)),
    });
    const config = captured.config;
    if (!config) throw new Error('timer-scanner configuration was not validated');
    return {
      module: TimerScannerModule,
      imports: [
        configModule,
        TerminusModule,
        PipelineModule.forRoot({
          databaseUrl: config.DATABASE_URL,
          databaseLogging: config.LOG_LEVEL === 'verbose',
          redisUrl: config.REDIS_URL,
          eventSignals: config.PIPELINE_EVENT_SIGNALS_ENABLED,
          role: 'scanner',
          queue: { queueName: config.PIPELINE_ENGINE_QUEUE, prefix: config.PIPELINE_QUEUE_PREFIX },
          reconcile: { intervalMs: config.RECONCILE_INTERVAL_MS, graceMs: config.RECONCILE_GRACE_MS },
          schedules: { sweepIntervalMs: config.SCHEDULE_SWEEP_INTERVAL_MS },
          // DESIGN §8.6: the webhook outbox dispatcher runs in the scanner.
          webhooks: {
            pollIntervalMs: config.WEBHOOK_POLL_INTERVAL_MS,
            concurrency: config.WEBHOOK_CONCURRENCY,
            timeoutMs: config.WEBHOOK_TIMEOUT_MS,
            maxAgeMs: config.WEBHOOK_MAX_AGE_MS,
            backoff: { baseMs: config.WEBHOOK_RETRY_BASE_MS },
          },
        }),
        // The scan loops: take due entries from the executing pools, send them to the dispatch queues.
        NodeTimeoutModule.forRoot({
          role: 'scanner',
          redisUrl: config.REDIS_URL,
          queuePrefix: config.PIPELINE_QUEUE_PREFIX,
          settings: config.nodeTimeout,
          scanIntervalSeconds: config.nodeTimerEvent.PIPELINE_NODE_TIMER_EVENT_POOL_SCAN_INTERVAL,
        }),
        NodeTimerEventModule.forRoot({
          role: 'scanner',
          redisUrl: config.REDIS_URL,
          queuePrefix: config.PIPELINE_QUEUE_PREFIX,
          settings: config.nodeTimerEvent,
        }),
        // DESIGN §8.3: scans the activity and run timeout pools (a queue timeout fires with no worker alive).
        PipelineTimeoutsModule.forRoot({
          role: 'scanner',
          redisUrl: config.REDIS_URL,
          queuePrefix: config.PIPELINE_QUEUE_PREFIX,
          scanIntervalSeconds: config.nodeTimerEvent.PIPELINE_NODE_TIMER_EVENT_POOL_SCAN_INTERVAL,
        }),
      ],
      controllers: [HealthController, MetricsController],
      providers: [QueueHealthIndicator, { provide: TimerScannerConfig, useValue: config }],
    };
  }
}
