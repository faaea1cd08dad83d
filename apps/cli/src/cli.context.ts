import { readFileSync } from 'node:fs';
import pc from 'picocolors';
import type { CliConfig } from './cli.config';
import { CliError, usageError } from './cli.errors';
import { PipelineHttpClient } from './pipeline-http.client';

/** What every command gets: settings, output streams, and the exit code to report. */
export interface CliContext {
  config: CliConfig;
  out: { write(text: string): unknown };
  err: { write(text: string): unknown };
  /** Set by a command's action; `runCli` answers it. */
  exitCode: number;
}

/** Options shared by the commands that talk to a server (defined once on the program). */
export interface ServerOptions {
  server?: string;
  token?: string;
  json?: boolean;
}

/** A client for `--server` (or `PIPELINE_SERVER`); a usage error when there is neither. */
export function serverClient(ctx: CliContext, opts: ServerOptions): PipelineHttpClient {
  const server = opts.server ?? ctx.config.server;
  if (!server)
    throw usageError('this command needs --server URL (or PIPELINE_SERVER)', 'SERVER_REQUIRED');
  return new PipelineHttpClient(checkUrl(server), opts.token ?? ctx.config.token);
}

/** Checks a server URL given on the command line. */
export function checkUrl(server: string): string {
  try {
    const url = new URL(server);
    if (url.protocol !== 'http:' && url.protocol !== 'https:') throw new Error('not http');
    return server;
  } catch {
    throw usageError(`--server must be an http(s) URL (got '${server}')`);
  }
}

/** Parses an option holding JSON, or `@file` naming a JSON file; a usage error otherwise. */
export function parseJsonOption(name: string, value: string): unknown {
  let text = value;
  if (value.startsWith('@')) {
    try {
      text = readFileSync(value.slice(1), 'utf8');
    } catch {
      throw new CliError('FILE_NOT_FOUND', `${name}: cannot read ${value.slice(1)}`, 2);
    }
  }
  try {
    return JSON.parse(text);
  } catch (err) {
    throw new CliError(
      'INVALID_JSON_OPTION',
      `${name} is not valid JSON: ${err instanceof Error ? err.message : String(err)}`,
      2,
    );
  }
}

/** Like `parseJsonOption`, for options that must hold a JSON object (`--inputs`). */
export function parseJsonObjectOption(name: string, value: string): Record<string, unknown> {
  const parsed = parseJsonOption(name, value);
  if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed))
    throw new CliError('INVALID_JSON_OPTION', `${name} must be a JSON object`, 2);
  return parsed as Record<string, unknown>;
}

/** Parses a positive integer option (`--page`, `--timeout`). */
export function parsePositiveInt(name: string, value: string): number {
  const n = Number(value);
  if (!Number.isInteger(n) || n < 1)
    throw usageError(`${name} must be a positive integer (got '${value}')`);
  return n;
}

/** picocolors functions, on or off as the config says. */
export type Colors = ReturnType<typeof pc.createColors>;

/** The colour functions for this invocation's output. */
export function colorsOf(ctx: CliContext): Colors {
  return pc.createColors(ctx.config.colours);
}

/** Writes a value as pretty JSON on stdout. */
export function printJson(ctx: CliContext, value: unknown): void {
  ctx.out.write(`${JSON.stringify(value, null, 2)}\n`);
}
