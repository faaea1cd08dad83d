import type { Command } from 'commander';
import { type CliContext, checkUrl, colorsOf, printJson } from '../cli.context';
import { EXIT } from '../cli.errors';
import { type CliFormat, parseFormatOption, readDefinitionFile } from '../definition-file.reader';
import { PipelineHttpClient, type ValidationAnswer } from '../pipeline-http.client';

interface ValidateOptions {
  format?: CliFormat;
  server?: string;
  token?: string;
  json?: boolean;
}

/**
 * Checks a definition offline, in-process with the engine's own compilers (every problem of
 * the format's rules; component codes are not checked, the server alone knows its
 * components), or with `--server` through `POST /pipelines/validate` (components included).
 */
export async function validateFile(
  file: string,
  opts: ValidateOptions,
  ctx: CliContext,
): Promise<ValidationAnswer & { format: string }> {
  const source = readDefinitionFile(file, opts.format);
  if (opts.server) {
    const client = new PipelineHttpClient(checkUrl(opts.server), opts.token ?? ctx.config.token);
    return { format: source.format, ...(await client.validate(source.format, source.definition)) };
  }
  // Loaded only for an offline check (the engine lib is large; `--help` and server commands skip it).
  const { validateOffline } = await import('../offline.validator');
  return { format: source.format, ...validateOffline(source.format, source.definition) };
}

/** `pipeline validate <file> [--format tree|dag|orderlines] [--server URL]`. */
export function registerValidateCommand(program: Command, ctx: CliContext): void {
  program
    .command('validate')
    .description(
      'check a definition file (JSON or YAML; bare or {format, definition}); exit 1 when invalid',
    )
    .argument('<file>', 'definition file (- for stdin)')
    .option(
      '--format <format>',
      'tree, dag or orderlines (default: from the file)',
      parseFormatOption,
    )
    .action(async (file: string, _opts: unknown, cmd: Command) => {
      const opts = cmd.optsWithGlobals<ValidateOptions>();
      const answer = await validateFile(file, opts, ctx);
      const pc = colorsOf(ctx);
      if (opts.json) printJson(ctx, answer);
      else if (answer.valid) ctx.out.write(`${pc.green('valid')} ${file} (${answer.format})\n`);
      else {
        ctx.out.write(
          `${pc.red('invalid')} ${file} (${answer.format}): ${answer.errors.length} problem(s)\n`,
        );
        for (const e of answer.errors)
          ctx.out.write(
            `  ${pc.bold(e.code)}  ${e.path || '(root)'}${e.nodeId ? ` [${e.nodeId}]` : ''}  ${e.message}\n`,
          );
      }
      ctx.exitCode = answer.valid ? EXIT.OK : EXIT.FAILURE;
    });
}
