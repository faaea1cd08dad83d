// Implicit conversion reads the design:type metadata of the fields.
import 'reflect-metadata';
import { plainToInstance } from 'class-transformer';
import { IsIn, IsInt, IsOptional, IsString, Matches, Max, Min, validateSync } from 'class-validator';

export const SCANNER_LOG_LEVELS = ['fatal', 'error', 'warn', 'log', 'debug', 'verbose'] as const;

/**
 * Environment of the timer-scanner, validated at boot (DESIGN §2). The scanner exists only
 * in distributed mode, so `REDIS_URL` is required here.
 */
export class TimerScannerConfig {
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

  /** Port of the `/health` endpoint. */
  @IsInt()
  @Min(0)
  @Max(65535)
  HEALTH_PORT: number = 3002;

  /** Address the `/health` endpoint binds to (0.0.0.0 in containers). */
  @IsOptional()
  @IsString()
  HEALTH_HOST: string = '127.0.0.1';

  @IsIn(SCANNER_LOG_LEVELS)
  LOG_LEVEL: (typeof SCANNER_LOG_LEVELS)[number] = 'log';
}

/** `ConfigModule` validate hook: every problem at once, then refuse to boot. */
export function validateTimerScannerConfig(env: Record<string, unknown>): TimerScannerConfig {
  const config = plainToInstance(TimerScannerConfig, env, {
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
    throw new Error(`Invalid timer-scanner environment: ${problems.join('; ')}`);
  }
  return config;
}
