/**
 * Everything the CLI reads from its environment, in one place (the rest of the CLI takes a
 * `CliConfig`). Flags always win over these.
 */
export interface CliConfig {
  /** `PIPELINE_SERVER`: base URL of a running api (`http://host:3000`), the default `--server`. */
  server?: string;
  /** `PIPELINE_TOKEN`: bearer token sent to that server, the default `--token`. */
  token?: string;
  /** stdout is a terminal: `run` watches by default, tables and colours are drawn. */
  stdoutIsTty: boolean;
  /** Terminal width for the live display (80 when unknown). */
  columns: number;
  /**
   * Colour output: on a terminal unless `NO_COLOR` is set, or forced by `FORCE_COLOR`. Decided
   * here rather than by picocolors' own check, which also turns colours on whenever `CI` is set,
   * even into a pipe.
   */
  colours: boolean;
}

/** Reads the CLI's settings from `env` and the process's stdout. */
export function loadCliConfig(
  env: NodeJS.ProcessEnv = process.env,
  stdout: { isTTY?: boolean; columns?: number } = process.stdout,
): CliConfig {
  const blank = (v: string | undefined) =>
    v === undefined || v.trim() === '' ? undefined : v.trim();
  return {
    server: blank(env.PIPELINE_SERVER),
    token: blank(env.PIPELINE_TOKEN),
    stdoutIsTty: stdout.isTTY === true,
    columns: stdout.columns && stdout.columns > 0 ? stdout.columns : 80,
    colours:
      'FORCE_COLOR' in env
        ? env.FORCE_COLOR !== '0'
        : stdout.isTTY === true && !('NO_COLOR' in env) && env.TERM !== 'dumb',
  };
}
