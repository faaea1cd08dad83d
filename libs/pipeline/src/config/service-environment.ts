// Implicit conversion reads the design:type metadata of the fields.
import 'reflect-metadata';
import { plainToInstance, Transform, type ClassConstructor } from 'class-transformer';
import { IsBoolean, IsIn, IsInt, IsOptional, IsString, Matches, Max, Min, validateSync } from 'class-validator';
import { LOG_FORMATS, type LogFormatSetting } from '../logging/pino-nest-logger';

export const SERVICE_LOG_LEVELS = ['fatal', 'error', 'warn', 'log', 'debug', 'verbose'] as const;
export type ServiceLogLevel = (typeof SERVICE_LOG_LEVELS)[number];

/**
 * Settings every distributed back-end app (engine-worker, timer-scanner) shares. Each app
 * extends it with its own and validates it once, at boot, in its config file.
 */
export class ServiceEnvironment {
  /** `mysql://user:pass@host:3306/db` or `sqlite:<path>`. */
  @IsString()
  @Matches(/^(mysql|mariadb|sqlite):/, { message: 'DATABASE_URL must start with mysql:, mariadb: or sqlite:' })
  DATABASE_URL: string = 'sqlite:./data/pipeline.sqlite';

  /** These apps exist only in distributed mode, so Redis is required. */
  @IsString()
  @Matches(/^rediss?:\/\//, { message: 'REDIS_URL must be a redis:// or rediss:// URL' })
  REDIS_URL: string;

  /** BullMQ queue name of the engine (api, workers and scanner must agree). */
  @IsString()
  @Matches(/^[A-Za-z0-9_.-]+$/, { message: 'PIPELINE_ENGINE_QUEUE may hold letters, digits, _ . - only' })
  PIPELINE_ENGINE_QUEUE: string = 'pipeline_engine';

  /** Redis key prefix of the queue. */
  @IsString()
  PIPELINE_QUEUE_PREFIX: string = 'pipeline';

  /** Port of the `/health` endpoint. */
  @IsInt()
  @Min(0)
  @Max(65535)
  HEALTH_PORT: number = 3001;

  /** Address the `/health` endpoint binds to (0.0.0.0 in containers). */
  @IsOptional()
  @IsString()
  HEALTH_HOST: string = '127.0.0.1';

  @IsIn(SERVICE_LOG_LEVELS)
  LOG_LEVEL: ServiceLogLevel = 'log';

  /** `auto` (pretty on a terminal, JSON lines otherwise), `json` or `pretty` (DESIGN §10). */
  @IsIn(LOG_FORMATS)
  LOG_FORMAT: LogFormatSetting = 'auto';

  /**
   * Longest a graceful stop (SIGTERM, SIGINT) may take, in ms; past it the process exits with
   * code 1. A stop can hang only when Redis or the database is unreachable at that moment.
   */
  @IsInt()
  @Min(1_000)
  @Max(600_000)
  SHUTDOWN_TIMEOUT_MS: number = 45_000;

  /** Emit engine events through EventEmitter2 in this process (DESIGN §6); bamboo: ENABLE_PIPELINE_EVENT_SIGNALS. */
  @Transform(({ value, obj }) => toFlag(value ?? (obj as Record<string, unknown>).ENABLE_PIPELINE_EVENT_SIGNALS))
  @IsBoolean({ message: 'PIPELINE_EVENT_SIGNALS_ENABLED must be true or false' })
  PIPELINE_EVENT_SIGNALS_ENABLED: boolean = false;
}

/** `true`/`1`/`yes` and `false`/`0`/`no` (any case); anything else is left for the validator to refuse. */
function toFlag(value: unknown): unknown {
  if (value === undefined || value === null || value === '') return false;
  if (typeof value === 'boolean') return value;
  const v = String(value).trim().toLowerCase();
  if (['true', '1', 'yes'].includes(v)) return true;
  if (['false', '0', 'no'].includes(v)) return false;
  return value;
}

/** Nest log levels enabled by a `LOG_LEVEL`: that level and every more severe one. */
export function serviceLogLevels(level: ServiceLogLevel): ServiceLogLevel[] {
  return SERVICE_LOG_LEVELS.slice(0, SERVICE_LOG_LEVELS.indexOf(level) + 1);
}

/** Validates raw variables into `cls`: every problem at once, then refuses to boot. */
export function validateServiceEnvironment<T extends ServiceEnvironment>(cls: ClassConstructor<T>, env: Record<string, unknown>, app: string): T {
  const config = plainToInstance(cls, env, { enableImplicitConversion: true, exposeDefaultValues: true });
  const errors = validateSync(config, { skipMissingProperties: false });
  if (errors.length > 0) {
    const problems = errors.map((e) => (e.value === undefined ? `${e.property} is required` : Object.values(e.constraints ?? {}).join(', ')));
    throw new Error(`Invalid ${app} environment: ${problems.join('; ')}`);
  }
  return config;
}

/**
 * Bounds a graceful stop: once SIGTERM or SIGINT arrives, the process exits with code 1 after
 * `timeoutMs` if the shutdown hooks have not finished by then (a queue or pool waiting on an
 * unreachable Redis, a database that does not answer). The timer does not keep the process
 * alive, and the listeners are one-shot, so the signal Nest raises again after its hooks
 * still ends the process.
 */
export function exitIfShutdownHangs(timeoutMs: number, logger: { error(message: string): void }): void {
  const arm = (signal: NodeJS.Signals) => {
    setTimeout(() => {
      logger.error(
        `graceful stop after ${signal} did not finish within ${timeoutMs} ms (Redis or the database unreachable?); exiting`,
      );
      process.exit(1);
    }, timeoutMs).unref();
  };
  process.once('SIGTERM', arm);
  process.once('SIGINT', arm);
}
