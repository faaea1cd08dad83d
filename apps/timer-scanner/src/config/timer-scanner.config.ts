// Implicit conversion reads the design:type metadata of the fields.
import 'reflect-metadata';
import { plainToInstance } from 'class-transformer';
import { IsInt, IsOptional, IsString, Matches, Max, Min, validateSync } from 'class-validator';

/**
 * Environment of the timer-scanner, validated at boot (DESIGN §2). The scanner exists
 * only in distributed mode, so `REDIS_URL` is required here.
 */
export class TimerScannerConfig {
  /** `mysql://user:pass@host:3306/db` or `sqlite:<path>`. */
  @IsString()
  @Matches(/^(mysql|sqlite):/, { message: 'DATABASE_URL must start with mysql: or sqlite:' })
  DATABASE_URL: string = 'sqlite:./data/pipeline.sqlite';

  @IsString()
  @Matches(/^rediss?:\/\//, { message: 'REDIS_URL must be a redis:// or rediss:// URL' })
  REDIS_URL: string;

  /** Port of the `/health` endpoint. */
  @IsInt()
  @Min(1)
  @Max(65535)
  HEALTH_PORT: number = 3002;

  /** Address the `/health` endpoint binds to (0.0.0.0 in containers). */
  @IsOptional()
  @IsString()
  HEALTH_HOST: string = '127.0.0.1';
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
