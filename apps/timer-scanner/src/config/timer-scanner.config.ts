import { readNodeTimeoutSettings, type NodeTimeoutSettings } from '@app/node-timeout';
import { readNodeTimerEventSettings, type NodeTimerEventSettings } from '@app/node-timer-event';
import { ServiceEnvironment, validateServiceEnvironment } from '@app/pipeline';
import { IsInt, Max, Min } from 'class-validator';

/** Environment of the timer-scanner, validated at boot (DESIGN §2): the shared settings plus its own. */
export class TimerScannerConfig extends ServiceEnvironment {
  override HEALTH_PORT: number = 3002;

  /** Time between reconciler passes. */
  @IsInt()
  @Min(100)
  @Max(3_600_000)
  RECONCILE_INTERVAL_MS: number = 5_000;

  /** Work unchanged for less than this is left alone (in flight); must exceed a step's duration. */
  @IsInt()
  @Min(1_000)
  @Max(86_400_000)
  RECONCILE_GRACE_MS: number = 15_000;

  /**
   * Scheduled runs (DESIGN §8.5): how often the scanner checks that the schedules' BullMQ jobs
   * are still there (re-arming them all from the database after a Redis loss) and re-arms
   * schedules overdue by more than 10 s.
   */
  @IsInt()
  @Min(100)
  @Max(3_600_000)
  SCHEDULE_SWEEP_INTERVAL_MS: number = 5_000;

  /** Webhooks (DESIGN §8.6): how often the outbox checks the event log and due deliveries, in ms. */
  @IsInt({ message: 'WEBHOOK_POLL_INTERVAL_MS must be an integer' })
  @Min(50)
  @Max(60_000)
  WEBHOOK_POLL_INTERVAL_MS: number = 300;

  /** Webhook deliveries and failure callbacks in flight at once. */
  @IsInt({ message: 'WEBHOOK_CONCURRENCY must be an integer' })
  @Min(1)
  @Max(1_000)
  WEBHOOK_CONCURRENCY: number = 16;

  /** A receiver's headers and body timeout, in ms. */
  @IsInt({ message: 'WEBHOOK_TIMEOUT_MS must be an integer' })
  @Min(100)
  @Max(120_000)
  WEBHOOK_TIMEOUT_MS: number = 10_000;

  /** A delivery is retried this long (ms) after its event, then given up (at least 24 h by default). */
  @IsInt({ message: 'WEBHOOK_MAX_AGE_MS must be an integer' })
  @Min(1_000)
  WEBHOOK_MAX_AGE_MS: number = 90_000_000;

  /** Delay after the first failed attempt (ms); doubles per attempt, up to 1 h, plus up to 20 % jitter. */
  @IsInt({ message: 'WEBHOOK_RETRY_BASE_MS must be an integer' })
  @Min(10)
  @Max(3_600_000)
  WEBHOOK_RETRY_BASE_MS: number = 1_000;

  /** `PIPELINE_NODE_TIMEOUT_*` (DESIGN §7), read by the node-timeout lib after the fields above. */
  nodeTimeout!: NodeTimeoutSettings;

  /** `PIPELINE_NODE_TIMER_EVENT_*` (DESIGN §7), read by the node-timer-event lib. */
  nodeTimerEvent!: NodeTimerEventSettings;
}

/** `ConfigModule` validate hook: every problem at once, then refuse to boot. */
export function validateTimerScannerConfig(env: Record<string, unknown>): TimerScannerConfig {
  const config = validateServiceEnvironment(TimerScannerConfig, env, 'timer-scanner');
  config.nodeTimeout = readNodeTimeoutSettings(env);
  config.nodeTimerEvent = readNodeTimerEventSettings(env);
  return config;
}
