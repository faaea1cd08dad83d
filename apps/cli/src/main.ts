import { loadCliConfig } from './cli.config';
import { runCli } from './cli.program';

/** `pipeline …` (scripts/pipeline-cli.js runs this build): exits with the command's code. */
async function main(): Promise<void> {
  const code = await runCli(process.argv, {
    config: loadCliConfig(),
    out: process.stdout,
    err: process.stderr,
    exitCode: 0,
  });
  // Let stdout drain (a pipe) before leaving; exit explicitly, a closed app may leave handles.
  process.stdout.write('', () => process.exit(code));
}

void main();
