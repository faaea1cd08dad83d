/** Exit codes of `pipeline` (DESIGN §10): documented in the README, stable for scripts. */
export const EXIT = {
  /** Valid file; the run FINISHED; the command succeeded. */
  OK: 0,
  /** Invalid file, a FAILED or REVOKED run, an HTTP error from the server. */
  FAILURE: 1,
  /** Bad arguments or options (commander's own errors too). */
  USAGE: 2,
  /** `--timeout` ran out before the run settled. */
  TIMEOUT: 3,
} as const;

/** Stable codes of errors raised by the CLI itself (server errors keep the server's code). */
export type CliErrorCode =
  | 'USAGE'
  | 'FILE_NOT_FOUND'
  | 'UNPARSABLE_FILE'
  | 'UNKNOWN_FORMAT'
  | 'INVALID_JSON_OPTION'
  | 'SERVER_REQUIRED'
  | 'SERVER_UNREACHABLE'
  | 'SERVER_TIMEOUT'
  | 'EMBEDDED_BOOT_FAILED'
  | 'WAIT_TIMEOUT'
  | 'HTTP_ERROR';

/** An error the CLI reports as `error [CODE]: message` before exiting with `exitCode`. */
export class CliError extends Error {
  constructor(
    readonly code: CliErrorCode | string,
    message: string,
    readonly exitCode: number = EXIT.FAILURE,
    /** Extra lines (server `details`) printed under the message. */
    readonly details: string[] = [],
  ) {
    super(message);
    this.name = 'CliError';
  }
}

/** A usage error (exit 2): a missing `--server`, a malformed option value. */
export function usageError(message: string, code: CliErrorCode = 'USAGE'): CliError {
  return new CliError(code, message, EXIT.USAGE);
}

/** The exit code of a run that settled in `state` (FINISHED → 0, FAILED / REVOKED / other → 1). */
export function exitCodeForRunState(state: string): number {
  return state === 'FINISHED' ? EXIT.OK : EXIT.FAILURE;
}
