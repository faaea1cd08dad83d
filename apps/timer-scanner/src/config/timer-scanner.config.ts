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
