import { readNodeTimeoutSettings, type NodeTimeoutSettings } from '@app/node-timeout';
import { readNodeTimerEventSettings, type NodeTimerEventSettings } from '@app/node-timer-event';
import { ServiceEnvironment, validateServiceEnvironment } from '@app/pipeline';
import { IsInt, Max, Min } from 'class-validator';

/** Environment of the engine-worker, validated at boot (DESIGN §2): the shared settings plus its own. */
export class EngineWorkerConfig extends ServiceEnvironment {
  /** Jobs this worker process runs at once. */
  @IsInt()
  @Min(1)
  @Max(1000)
  WORKER_CONCURRENCY: number = 16;

  /**
   * How often a running component's node row is touched (ms) so the scanner's reconciler
   * leaves it alone; keep the scanner's RECONCILE_GRACE_MS at 3× this or more.
   */
  @IsInt()
  @Min(100)
  @Max(3_600_000)
  COMPONENT_HEARTBEAT_MS: number = 5_000;

  /** `PIPELINE_NODE_TIMEOUT_*` (DESIGN §7), read by the node-timeout lib after the fields above. */
  nodeTimeout!: NodeTimeoutSettings;

  /** `PIPELINE_NODE_TIMER_EVENT_*` (DESIGN §7), read by the node-timer-event lib. */
  nodeTimerEvent!: NodeTimerEventSettings;
}

/** `ConfigModule` validate hook: every problem at once, then refuse to boot. */
export function validateEngineWorkerConfig(env: Record<string, unknown>): EngineWorkerConfig {
  const config = validateServiceEnvironment(EngineWorkerConfig, env, 'engine-worker');
  config.nodeTimeout = readNodeTimeoutSettings(env);
  config.nodeTimerEvent = readNodeTimerEventSettings(env);
  return config;
}
