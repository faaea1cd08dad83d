// Implicit conversion reads the design:type metadata of the fields.
import 'reflect-metadata';
import { plainToInstance } from 'class-transformer';
import { IsIn, IsInt, IsOptional, IsString, Matches, Max, Min, validateSync } from 'class-validator';

export const WORKER_LOG_LEVELS = ['fatal', 'error', 'warn', 'log', 'debug', 'verbose'] as const;

/**
 * Environment of the engine-worker, validated at boot (DESIGN §2). The worker exists
 * only in distributed mode, so `REDIS_URL` is required here.
 */
export class EngineWorkerConfig {
  /** `mysql://user:pass@host:3306/db` or `sqlite:<path>`. */
  @IsString()
  @Matches(/^(mysql|mariadb|sqlite):/, { message: 'DATABASE_URL must start with mysql:, mariadb: or sqlite:' })
  DATABASE_URL: string = 'sqlite:./data/pipeline.sqlite';

  @IsString()
  @Matches(/^rediss?:\/\//, { message: 'REDIS_URL must be a redis:// or rediss:// URL' })
  REDIS_URL: string;

  /** BullMQ queue name of the engine (the api and scanner must use the same). */
  @IsString()
  @Matches(/^[A-Za-z0-9_.-]+$/, { message: 'PIPELINE_ENGINE_QUEUE may hold letters, digits, _ . - only' })
  PIPELINE_ENGINE_QUEUE: string = 'pipeline_engine';

  /** Redis key prefix of the queue. */
  @IsString()
  PIPELINE_QUEUE_PREFIX: string = 'pipeline';

  /** Jobs this worker process runs at once. */
  @IsInt()
  @Min(1)
  @Max(1000)
  WORKER_CONCURRENCY: number = 16;

  /** Port of the `/health` endpoint. */
  @IsInt()
  @Min(0)
  @Max(65535)
  HEALTH_PORT: number = 3001;

  /** Address the `/health` endpoint binds to (0.0.0.0 in containers). */
  @IsOptional()
  @IsString()
  HEALTH_HOST: string = '127.0.0.1';

  @IsIn(WORKER_LOG_LEVELS)
  LOG_LEVEL: (typeof WORKER_LOG_LEVELS)[number] = 'log';
}

/** `ConfigModule` validate hook: every problem at once, then refuse to boot. */
export function validateEngineWorkerConfig(env: Record<string, unknown>): EngineWorkerConfig {
  const config = plainToInstance(EngineWorkerConfig, env, {
    enableImplicitConversion: true,
    exposeDefaultValues: true,
  });
  const errors = validateSync(config, { skipMissingProperties: false });
  if (errors.length > 0) {
    const problems = errors.map((e) =>
      e.value === undefined
        ? `${e.property} is required`
        : Object.values(e.constraints ?? {}).join(', '),
    );
    throw new Error(`Invalid engine-worker environment: ${problems.join('; ')}`);
  }
  return config;
}
