import {
  DEFAULT_NODE_TIMEOUT_SETTINGS,
  readNodeTimeoutSettings,
  type NodeTimeoutSettings,
} from '@app/node-timeout';
import {
  DEFAULT_NODE_TIMER_EVENT_SETTINGS,
  readNodeTimerEventSettings,
  type NodeTimerEventSettings,
} from '@app/node-timer-event';
import { LOG_FORMATS, type LogFormatSetting } from '@app/pipeline';
import type { LogLevel } from '@nestjs/common';
import { plainToInstance } from 'class-transformer';
import {
  IsBoolean,
  IsIn,
  IsInt,
  IsNotEmpty,
  IsOptional,
  IsString,
  Matches,
  Max,
  MaxLength,
  Min,
  MinLength,
  validateSync,
  type ValidationError,
} from 'class-validator';

/** `LOG_LEVEL` values, least to most verbose (`info` is accepted as an alias of `log`). */
export const APP_LOG_LEVELS = ['fatal', 'error', 'warn', 'log', 'debug', 'verbose'] as const;
export type AppLogLevel = (typeof APP_LOG_LEVELS)[number];

/**
 * The API app's settings (DESIGN §2), validated at boot. This file is the only place the app
 * reads the environment; everything else gets an `AppConfig` injected or passed in.
 */
export class AppConfig {
  @IsInt({ message: 'PORT must be an integer' })
  @Min(0)
  @Max(65535)
  PORT = 3000;

  /** Interface to listen on: loopback in embedded mode, all interfaces when distributed (containers). */
  @IsString()
  @IsNotEmpty()
  HOST: string;

  @Matches(/^(sqlite:.+|(mysql|mariadb):\/\/.+)$/i, {
    message:
      'DATABASE_URL must be sqlite:<path>, sqlite::memory: or mysql://user:pass@host:3306/db',
  })
  DATABASE_URL = 'sqlite:./data/pipeline.sqlite';

  /** Unset = embedded mode (in-process queue and timers); set = distributed mode (BullMQ + Redis). */
  @IsOptional()
  @Matches(/^rediss?:\/\/.+/i, {
    message: 'REDIS_URL must be redis://[user:pass@]host:6379[/db] or rediss://...',
  })
  REDIS_URL?: string;

  /** BullMQ queue name of the engine (distributed mode; workers and scanner must use the same). */
  @Matches(/^[A-Za-z0-9_.-]+$/, { message: 'PIPELINE_ENGINE_QUEUE may hold letters, digits, _ . - only' })
  PIPELINE_ENGINE_QUEUE = 'pipeline_engine';

  /** Redis key prefix of the queue (distributed mode). */
  @IsString()
  @IsNotEmpty()
  PIPELINE_QUEUE_PREFIX = 'pipeline';

  /** Bearer tokens accepted on `/api`; empty = no authentication. */
  @IsString({ each: true })
  @MinLength(8, { each: true, message: 'each API_TOKENS entry must be at least 8 characters' })
  @MaxLength(512, { each: true })
  API_TOKENS: string[] = [];

  /** Folder of the built web console served at `/console`; default `dist/console` of the checkout (DESIGN §10). */
  @IsOptional()
  @IsString()
  @IsNotEmpty()
  CONSOLE_DIR?: string;

  /** Longest long poll of `POST /external-tasks/fetch-and-lock`, in seconds (DESIGN §8.6). */
  @IsInt({ message: 'EXTERNAL_TASK_MAX_WAIT_SECONDS must be an integer' })
  @Min(0)
  @Max(300)
  EXTERNAL_TASK_MAX_WAIT_SECONDS = 60;

  @IsBoolean({ message: 'PIPELINE_EVENT_SIGNALS_ENABLED must be true or false' })
  PIPELINE_EVENT_SIGNALS_ENABLED = false;

  /** Largest JSON request body, in body-parser notation (`5mb`, `512kb`, `1048576`). */
  @Matches(/^\d+(\.\d+)?\s*(b|kb|mb|gb)?$/i, {
    message: 'BODY_LIMIT must be a size like 5mb, 512kb or 1048576',
  })
  BODY_LIMIT = '5mb';

  /**
   * Requests each client (a bearer token when `API_TOKENS` is set, else an address) may make per
   * minute, across all routes; `0` = no per-minute limit. Counted per api process unless Redis counts.
   */
  @IsInt({ message: 'RATE_LIMIT_PER_MINUTE must be an integer (0 = no limit)' })
  @Min(0, { message: 'RATE_LIMIT_PER_MINUTE must be 0 (no limit) or more' })
  @Max(10_000_000)
  RATE_LIMIT_PER_MINUTE = 6_000;

  /** Requests each client may make within one second (bursts); `0` = no burst limit. */
  @IsInt({ message: 'RATE_LIMIT_BURST_PER_SECOND must be an integer (0 = no limit)' })
  @Min(0, { message: 'RATE_LIMIT_BURST_PER_SECOND must be 0 (no limit) or more' })
  @Max(1_000_000)
  RATE_LIMIT_BURST_PER_SECOND = 300;

  @IsIn(APP_LOG_LEVELS, { message: `LOG_LEVEL must be one of ${APP_LOG_LEVELS.join(', ')}` })
  LOG_LEVEL: AppLogLevel = 'log';

  /** `auto` (pretty on a terminal, JSON lines otherwise), `json` or `pretty` (DESIGN §10). */
  @IsIn(LOG_FORMATS, { message: `LOG_FORMAT must be one of ${LOG_FORMATS.join(', ')}` })
  LOG_FORMAT: LogFormatSetting = 'auto';

  /**
   * Longest a graceful stop (SIGTERM, SIGINT) may take, in ms; past it the process exits with
   * code 1. A stop can hang only when Redis or the database is unreachable at that moment.
   */
  @IsInt({ message: 'SHUTDOWN_TIMEOUT_MS must be an integer' })
  @Min(1_000)
  @Max(600_000)
  SHUTDOWN_TIMEOUT_MS = 45_000;

  /** Webhooks (DESIGN §8.6): how often the outbox checks the event log and due deliveries, in ms. */
  @IsInt({ message: 'WEBHOOK_POLL_INTERVAL_MS must be an integer' })
  @Min(50)
  @Max(60_000)
  WEBHOOK_POLL_INTERVAL_MS = 300;

  /** Webhook deliveries and failure callbacks in flight at once. */
  @IsInt({ message: 'WEBHOOK_CONCURRENCY must be an integer' })
  @Min(1)
  @Max(1_000)
  WEBHOOK_CONCURRENCY = 16;

  /** A receiver's headers and body timeout, in ms. */
  @IsInt({ message: 'WEBHOOK_TIMEOUT_MS must be an integer' })
  @Min(100)
  @Max(120_000)
  WEBHOOK_TIMEOUT_MS = 10_000;

  /** A delivery is retried this long (ms) after its event, then given up (at least 24 h by default). */
  @IsInt({ message: 'WEBHOOK_MAX_AGE_MS must be an integer' })
  @Min(1_000)
  WEBHOOK_MAX_AGE_MS = 90_000_000;

  /** Delay after the first failed attempt (ms); doubles per attempt, up to 1 h, plus up to 20 % jitter. */
  @IsInt({ message: 'WEBHOOK_RETRY_BASE_MS must be an integer' })
  @Min(10)
  @Max(3_600_000)
  WEBHOOK_RETRY_BASE_MS = 1_000;

  /** `PIPELINE_NODE_TIMEOUT_*` (DESIGN §7), validated by the node-timeout lib. */
  nodeTimeout: NodeTimeoutSettings = { ...DEFAULT_NODE_TIMEOUT_SETTINGS };

  /** `PIPELINE_NODE_TIMER_EVENT_*` (DESIGN §7), validated by the node-timer-event lib. */
  nodeTimerEvent: NodeTimerEventSettings = { ...DEFAULT_NODE_TIMER_EVENT_SETTINGS };

  /** `PipelineModuleOptions.webhooks` from the WEBHOOK_* settings. */
  get webhooks(): { pollIntervalMs: number; concurrency: number; timeoutMs: number; maxAgeMs: number; backoff: { baseMs: number } } {
    return {
      pollIntervalMs: this.WEBHOOK_POLL_INTERVAL_MS,
      concurrency: this.WEBHOOK_CONCURRENCY,
      timeoutMs: this.WEBHOOK_TIMEOUT_MS,
      maxAgeMs: this.WEBHOOK_MAX_AGE_MS,
      backoff: { baseMs: this.WEBHOOK_RETRY_BASE_MS },
    };
  }

  /** False when both rate limits are `0`. */
  get rateLimited(): boolean {
    return this.RATE_LIMIT_PER_MINUTE > 0 || this.RATE_LIMIT_BURST_PER_SECOND > 0;
  }

  get mode(): 'embedded' | 'distributed' {
    return this.REDIS_URL ? 'distributed' : 'embedded';
  }
}

const TRUE = new Set(['true', '1', 'yes', 'on']);
const FALSE = new Set(['false', '0', 'no', 'off']);

/** A boolean for recognised spellings, the raw string otherwise (so validation names the bad value's key). */
function toBoolean(value: string): boolean | string {
  const v = value.toLowerCase();
  return TRUE.has(v) ? true : FALSE.has(v) ? false : value;
}

/**
 * Validates raw environment variables into an `AppConfig`; the `validate` function given to
 * `@nestjs/config`. Unknown variables are ignored. Throws one error listing every bad setting.
 */
export function validateAppConfig(env: Record<string, unknown>): AppConfig {
  const get = (key: string): string | undefined => {
    const value = env[key];
    if (value === undefined || value === null) return undefined;
    const text = String(value).trim();
    return text === '' ? undefined : text;
  };
  const raw: Record<string, unknown> = {};
  const port = get('PORT');
  if (port !== undefined) raw.PORT = /^\d+$/.test(port) ? Number(port) : port;
  const shutdownTimeout = get('SHUTDOWN_TIMEOUT_MS');
  if (shutdownTimeout !== undefined)
    raw.SHUTDOWN_TIMEOUT_MS = /^\d+$/.test(shutdownTimeout) ? Number(shutdownTimeout) : shutdownTimeout;
  for (const key of ['WEBHOOK_POLL_INTERVAL_MS', 'WEBHOOK_CONCURRENCY', 'WEBHOOK_TIMEOUT_MS', 'WEBHOOK_MAX_AGE_MS', 'WEBHOOK_RETRY_BASE_MS', 'RATE_LIMIT_PER_MINUTE', 'RATE_LIMIT_BURST_PER_SECOND'] as const) {
    const value = get(key);
    if (value !== undefined) raw[key] = /^\d+$/.test(value) ? Number(value) : value;
  }
  const redisUrl = get('REDIS_URL');
  if (redisUrl !== undefined) raw.REDIS_URL = redisUrl;
  raw.HOST = get('HOST') ?? (redisUrl ? '0.0.0.0' : '127.0.0.1');
  const databaseUrl = get('DATABASE_URL');
  if (databaseUrl !== undefined) raw.DATABASE_URL = databaseUrl;
  const tokens = get('API_TOKENS');
  if (tokens !== undefined)
    raw.API_TOKENS = tokens
      .split(',')
      .map((t) => t.trim())
      .filter(Boolean);
  // The seed (bamboo) spells it ENABLE_PIPELINE_EVENT_SIGNALS; the new name wins when both are set.
  const signals = get('PIPELINE_EVENT_SIGNALS_ENABLED') ?? get('ENABLE_PIPELINE_EVENT_SIGNALS');
  if (signals !== undefined) raw.PIPELINE_EVENT_SIGNALS_ENABLED = toBoolean(signals);
  const queueName = get('PIPELINE_ENGINE_QUEUE');
  if (queueName !== undefined) raw.PIPELINE_ENGINE_QUEUE = queueName;
  const queuePrefix = get('PIPELINE_QUEUE_PREFIX');
  if (queuePrefix !== undefined) raw.PIPELINE_QUEUE_PREFIX = queuePrefix;
  const consoleDir = get('CONSOLE_DIR');
  if (consoleDir !== undefined) raw.CONSOLE_DIR = consoleDir;
  const maxWait = get('EXTERNAL_TASK_MAX_WAIT_SECONDS');
  if (maxWait !== undefined) raw.EXTERNAL_TASK_MAX_WAIT_SECONDS = /^\d+$/.test(maxWait) ? Number(maxWait) : maxWait;
  const bodyLimit = get('BODY_LIMIT');
  if (bodyLimit !== undefined) raw.BODY_LIMIT = bodyLimit;
  const logFormat = get('LOG_FORMAT')?.toLowerCase();
  if (logFormat !== undefined) raw.LOG_FORMAT = logFormat;
  const logLevel = get('LOG_LEVEL')?.toLowerCase();
  if (logLevel !== undefined) raw.LOG_LEVEL = logLevel === 'info' ? 'log' : logLevel;

  const config = plainToInstance(AppConfig, raw, { exposeDefaultValues: true });
  const errors = validateSync(config, {
    forbidUnknownValues: false,
    stopAtFirstError: true,
    validationError: { target: false, value: false },
  });
  const problems = flatten(errors);
  try {
    config.nodeTimeout = readNodeTimeoutSettings(env);
  } catch (e) {
    problems.push((e as Error).message);
  }
  try {
    config.nodeTimerEvent = readNodeTimerEventSettings(env);
  } catch (e) {
    problems.push((e as Error).message);
  }
  if (problems.length > 0) {
    throw new Error(
      `Invalid configuration:\n${problems
        .map((m) => `  - ${m}`)
        .join('\n')}`,
    );
  }
  return config;
}

function flatten(errors: ValidationError[]): string[] {
  return errors.flatMap((e) => [
    ...Object.values(e.constraints ?? {}),
    ...flatten(e.children ?? []),
  ]);
}

/** The Nest log levels enabled by a `LOG_LEVEL`: that level and every more severe one. */
export function logLevelsFor(level: AppLogLevel): LogLevel[] {
  return APP_LOG_LEVELS.slice(0, APP_LOG_LEVELS.indexOf(level) + 1) as LogLevel[];
}
