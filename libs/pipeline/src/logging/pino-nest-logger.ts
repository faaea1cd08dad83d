import type { LoggerService, LogLevel } from '@nestjs/common';
import pino, { type DestinationStream, type Level, type Logger as Pino } from 'pino';
import pretty from 'pino-pretty';

/** How log lines look: one JSON object per line, or human-readable (colours on a terminal). */
export type LogFormat = 'json' | 'pretty';
/** `auto`: pretty when stdout is a terminal, JSON otherwise (files, containers, log shippers). */
export type LogFormatSetting = LogFormat | 'auto';
export const LOG_FORMATS: readonly LogFormatSetting[] = ['auto', 'json', 'pretty'];

/** Nest's levels, least to most verbose, and the pino level each writes at. */
const NEST_LEVELS: readonly LogLevel[] = ['fatal', 'error', 'warn', 'log', 'debug', 'verbose'];
const PINO_LEVEL: Record<LogLevel, Level> = { fatal: 'fatal', error: 'error', warn: 'warn', log: 'info', debug: 'debug', verbose: 'trace' };

/** `run <uuid>` and `node <id>` as the engine writes them in messages (`new Logger(Class.name)` with ids). */
const RUN_ID = /\brun ([0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12})\b/i;
/** A node id follows its run id (`run <uuid> node <id>`); a bare "node" is prose ("a node failed"). */
const NODE_ID = /\brun [0-9a-f-]{36} node ([^\s:,()]+)/i;

export interface PinoNestLoggerOptions {
  /** The app writing (`api`, `engine-worker`, `timer-scanner`, `cli`): the `app` field of every line. */
  app: string;
  /** The most verbose Nest level written (`LOG_LEVEL`). */
  level: LogLevel;
  format: LogFormatSetting;
  /** Which standard stream lines go to (default stdout; the CLI keeps stdout for its own output). */
  stream?: 'stdout' | 'stderr';
  /** Where lines go instead (tests pass a stream of their own). */
  destination?: DestinationStream;
}

/** The ids a message names, as structured fields (`runId`, `nodeId`). */
export function idsOf(message: string): { runId?: string; nodeId?: string } {
  const run = RUN_ID.exec(message);
  const node = NODE_ID.exec(message);
  return { ...(run ? { runId: run[1] } : {}), ...(node ? { nodeId: node[1] } : {}) };
}

/**
 * Nest's `LoggerService` on pino (DESIGN §10): every `Logger` of the apps and libs writes
 * through it. A line carries `app`, `context` (the class), `runId` and `nodeId` when the
 * message names them, and `err` for errors; JSON by default off a terminal, pretty on one.
 *
 * Our own adapter rather than `nestjs-pino`: its current major needs Node 22.12 (we support
 * 20.19), and the engine logs through Nest's static `Logger` everywhere, which this covers in
 * ~100 lines without request-scoped loggers we do not use.
 */
export class PinoNestLogger implements LoggerService {
  readonly pino: Pino;

  constructor(options: PinoNestLoggerOptions) {
    const fd = options.stream === 'stderr' ? 2 : 1;
    const tty = !!(fd === 2 ? process.stderr : process.stdout).isTTY;
    const format = options.format === 'auto' ? (tty ? 'pretty' : 'json') : options.format;
    const stream =
      options.destination ??
      (format === 'pretty'
        ? pretty({ colorize: tty, sync: true, destination: fd, ignore: 'pid,hostname', translateTime: 'SYS:HH:MM:ss.l' })
        : pino.destination({ dest: fd, sync: true }));
    this.pino = pino({ level: PINO_LEVEL[options.level], base: { app: options.app }, timestamp: pino.stdTimeFunctions.isoTime }, stream);
  }

  log(message: unknown, ...rest: unknown[]): void {
    this.write('log', message, rest);
  }

  error(message: unknown, ...rest: unknown[]): void {
    this.write('error', message, rest);
  }

  warn(message: unknown, ...rest: unknown[]): void {
    this.write('warn', message, rest);
  }

  debug(message: unknown, ...rest: unknown[]): void {
    this.write('debug', message, rest);
  }

  verbose(message: unknown, ...rest: unknown[]): void {
    this.write('verbose', message, rest);
  }

  fatal(message: unknown, ...rest: unknown[]): void {
    this.write('fatal', message, rest);
  }

  /** Nest may narrow the levels at run time (`app.useLogger` keeps this instance). */
  setLogLevels(levels: LogLevel[]): void {
    const most = NEST_LEVELS.filter((l) => levels.includes(l)).pop();
    if (most) this.pino.level = PINO_LEVEL[most];
  }

  private write(level: LogLevel, message: unknown, rest: unknown[]): void {
    const pinoLevel = PINO_LEVEL[level];
    if (!this.pino.isLevelEnabled(pinoLevel)) return;
    // Nest passes the context last (a string); `error` may pass a stack before it.
    const params = [...rest];
    const context = typeof params[params.length - 1] === 'string' && params.length > 0 ? (params.pop() as string) : undefined;
    const fields: Record<string, unknown> = context ? { context } : {};
    if (message instanceof Error) {
      fields.err = message;
      this.pino[pinoLevel]({ ...fields, ...idsOf(message.message) }, message.message);
      return;
    }
    const text = typeof message === 'string' ? message : JSON.stringify(message);
    const stack = params.find((p): p is string => typeof p === 'string' && p.includes('\n    at '));
    if (stack) fields.stack = stack;
    this.pino[pinoLevel]({ ...fields, ...idsOf(text) }, text);
  }
}
