import { NodeTimeoutModule } from '@app/node-timeout';
import { NodeTimerEventModule } from '@app/node-timer-event';
import { PipelineModule, QueueHealthIndicator } from '@app/pipeline';
import { type DynamicModule, Module } from '@nestjs/common';
import { ConfigModule } from '@nestjs/config';
import { TerminusModule } from '@nestjs/terminus';
import { TimerScannerConfig, validateTimerScannerConfig } from './config/timer-scanner.config';
import { HealthController } from './health/health.controller';

/**
 * Root module of the timer-scanner: runs the reconciler (`PipelineModule` in the `scanner`
 * role), which re-dispatches work whose job was lost (worker killed, Redis flushed); the
 * timer scans of node-timeout / node-timer-event join it with their issue. Several may run:
 * re-dispatching is idempotent (deterministic job ids, versioned state).
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
        }),
        NodeTimeoutModule.forRoot(),
        NodeTimerEventModule.forRoot(),
      ],
      controllers: [HealthController],
      providers: [QueueHealthIndicator, { provide: TimerScannerConfig, useValue: config }],
    };
  }
}
