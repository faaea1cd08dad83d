import { Command, CommanderError } from 'commander';
import type { CliContext } from './cli.context';
import { CliError, EXIT } from './cli.errors';
import { registerNodesCommand } from './commands/nodes.command';
import { registerRunCommand } from './commands/run.command';
import { registerRunsCommand } from './commands/runs.command';
import { registerValidateCommand } from './commands/validate.command';

/**
 * The `pipeline` command tree (commander). Options every server command shares
 * (`--server`, `--token`, `--json`) are the program's, accepted before or after the
 * sub-command. Commander does not exit the process: `runCli` maps its errors to exit 2.
 */
export function buildProgram(ctx: CliContext): Command {
  const program = new Command('pipeline')
    .description(
      'Validate and run pipeline definitions; inspect and steer runs of a pipeline-engine server',
    )
    .option(
      '--server <url>',
      'pipeline-engine api base URL, e.g. http://127.0.0.1:3000 (env PIPELINE_SERVER for runs/nodes)',
    )
    .option('--token <token>', 'bearer token for --server (env PIPELINE_TOKEN)')
    .option('--json', 'machine-readable JSON output')
    .configureHelp({ showGlobalOptions: true })
    .configureOutput({ writeOut: (s) => ctx.out.write(s), writeErr: (s) => ctx.err.write(s) })
    .showHelpAfterError('(pipeline --help for usage)')
    .exitOverride();
  registerValidateCommand(program, ctx);
  registerRunCommand(program, ctx);
  registerRunsCommand(program, ctx);
  registerNodesCommand(program, ctx);
  // Sub-commands do not inherit exitOverride / output settings: copy them down.
  const copy = (cmd: Command) => {
    for (const sub of cmd.commands) {
      sub
        .exitOverride()
        .configureOutput({ writeOut: (s) => ctx.out.write(s), writeErr: (s) => ctx.err.write(s) });
      sub.configureHelp({ showGlobalOptions: true });
      copy(sub);
    }
  };
  copy(program);
  return program;
}

/**
 * Parses `argv` (as `process.argv`: node, script, args...) and runs the command; answers the
 * exit code (0 ok, 1 failure, 2 usage, 3 wait timeout) after printing any error as
 * `error [CODE]: message` on stderr.
 */
export async function runCli(argv: string[], ctx: CliContext): Promise<number> {
  const program = buildProgram(ctx);
  try {
    if (argv.length <= 2) {
      program.outputHelp();
      return EXIT.USAGE;
    }
    await program.parseAsync(argv);
    return ctx.exitCode;
  } catch (err) {
    if (err instanceof CommanderError) {
      // Help and version are "errors" under exitOverride; commander printed its message already.
      return err.exitCode === 0 ? EXIT.OK : EXIT.USAGE;
    }
    if (err instanceof CliError) {
      ctx.err.write(`error [${err.code}]: ${err.message}\n`);
      for (const d of err.details) ctx.err.write(`  ${d}\n`);
      return err.exitCode;
    }
    ctx.err.write(
      `error [INTERNAL]: ${err instanceof Error ? (err.stack ?? err.message) : String(err)}\n`,
    );
    return EXIT.FAILURE;
  }
}
