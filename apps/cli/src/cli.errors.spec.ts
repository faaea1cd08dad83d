import { CliError, EXIT, exitCodeForRunState, usageError } from './cli.errors';

describe('exit codes', () => {
  it('maps a settled run state to the exit code (DESIGN §10)', () => {
    expect(exitCodeForRunState('FINISHED')).toBe(0);
    expect(exitCodeForRunState('FAILED')).toBe(1);
    expect(exitCodeForRunState('REVOKED')).toBe(1);
  });

  it('gives usage errors exit 2 and other CLI errors exit 1 by default', () => {
    expect(usageError('x').exitCode).toBe(EXIT.USAGE);
    expect(new CliError('HTTP_ERROR', 'x').exitCode).toBe(EXIT.FAILURE);
    expect(EXIT).toEqual({ OK: 0, FAILURE: 1, USAGE: 2, TIMEOUT: 3 });
  });
});
