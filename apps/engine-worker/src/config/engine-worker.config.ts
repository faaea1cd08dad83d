import { ServiceEnvironment, validateServiceEnvironment } from '@app/pipeline';
import { IsInt, Max, Min } from 'class-validator';

/** Environment of the engine-worker, validated at boot (DESIGN §2): the shared settings plus its own. */
export class EngineWorkerConfig extends ServiceEnvironment {
  /** Jobs this worker process runs at once. */
  @IsInt()
  @Min(1)
  @Max(1000)
  WORKER_CONCURRENCY: number = 16;
}

/** `ConfigModule` validate hook: every problem at once, then refuse to boot. */
export function validateEngineWorkerConfig(env: Record<string, unknown>): EngineWorkerConfig {
  return validateServiceEnvironment(EngineWorkerConfig, env, 'engine-worker');
}
