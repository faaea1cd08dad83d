import type { Command } from 'commander';
import {
  type CliContext,
  checkUrl,
  parseJsonObjectOption,
  parsePositiveInt,
  printJson,
} from '../cli.context';
import { CliError, EXIT, exitCodeForRunState } from '../cli.errors';
import { type CliFormat, parseFormatOption, readDefinitionFile } from '../definition-file.reader';
import type { EmbeddedApi } from '../embedded-api.server';
import { type RunSnapshot, PipelineHttpClient } from '../pipeline-http.client';
import { flattenNodes, ProgressRenderer } from '../progress-renderer';

/** Run states a run waits in no longer by itself (FAILED stays until an operation moves it). */
export const SETTLED_RUN_STATES: ReadonlySet<string> = new Set(['FINISHED', 'FAILED', 'REVOKED']);

interface RunOptions {
  format?: CliFormat;
  inputs?: Record<string, unknown>;
  businessKey?: string;
  watch?: boolean;
  timeout?: number;
  interval?: number;
  database?: string;
  server?: string;
  token?: string;
  json?: boolean;
}

/**
 * Polls `GET /runs/:id` until the run settles (FINISHED, FAILED, REVOKED), handing every
 * snapshot to `onSnapshot`; a `WAIT_TIMEOUT` error (exit 3) once `timeoutMs` has passed.
 */
export async function waitForRun(
  client: Pick<PipelineHttpClient, 'getRun'>,
  id: string,
  options: { intervalMs: number; timeoutMs?: number; onSnapshot?: (run: RunSnapshot) => void },
): Promise<RunSnapshot> {
  const deadline = options.timeoutMs === undefined ? Infinity : Date.now() + options.timeoutMs;
  for (;;) {
    const run = await client.getRun(id);
    options.onSnapshot?.(run);
    if (SETTLED_RUN_STATES.has(run.state)) return run;
    if (Date.now() >= deadline)
      throw new CliError(
        'WAIT_TIMEOUT',
        `run ${id} is still ${run.state} after ${options.timeoutMs! / 1000}s`,
        EXIT.TIMEOUT,
      );
    await new Promise((r) => setTimeout(r, options.intervalMs));
  }
}

/**
 * `pipeline run <file>`: starts a one-shot run of the file's definition (`POST /runs`) and
 * waits until it settles. Embedded by default: the real api app is booted in this process on
 * a temporary SQLite file and driven over HTTP exactly as a `--server` is.
 */
export async function runFile(file: string, opts: RunOptions, ctx: CliContext): Promise<number> {
  const source = readDefinitionFile(file, opts.format);
  let embedded: EmbeddedApi | undefined;
  // Ctrl-C while waiting: stop the embedded engine (its temporary database goes with it), exit 130.
  const onInterrupt = () => {
    void (embedded?.close() ?? Promise.resolve()).finally(() => process.exit(130));
  };
  process.once('SIGINT', onInterrupt);
  try {
    let client: PipelineHttpClient;
    if (opts.server)
      client = new PipelineHttpClient(checkUrl(opts.server), opts.token ?? ctx.config.token);
    else {
      // Loaded only here: the api app (Nest, TypeORM...) costs a second to load, `--help` should not pay it.
      const { startEmbeddedApi } = await import('../embedded-api.server');
      embedded = await startEmbeddedApi({ databaseUrl: opts.database });
      client = new PipelineHttpClient(embedded.baseUrl);
    }
    const started = await client.startInlineRun({
      definition: source.definition,
      format: source.format,
      ...(opts.inputs ? { inputs: opts.inputs } : {}),
      ...(opts.businessKey ? { businessKey: opts.businessKey } : {}),
    });
    const watch = opts.watch ?? (ctx.config.stdoutIsTty && !opts.json);
    const renderer = watch
      ? new ProgressRenderer(
          ctx.out,
          opts.json ? 'json' : ctx.config.stdoutIsTty ? 'tty' : 'plain',
          {
            colours: ctx.config.colours,
            columns: ctx.config.columns,
          },
        )
      : undefined;
    const run = await waitForRun(client, started.id, {
      intervalMs: opts.interval ?? 200,
      timeoutMs: opts.timeout === undefined ? undefined : opts.timeout * 1000,
      onSnapshot: (r) => renderer?.update(r),
    });
    if (renderer) renderer.finish(run);
    else if (opts.json) printJson(ctx, run);
    else
      ctx.out.write(
        `run ${run.id} ${run.state}${run.reason ? ` (${run.reason})` : ''}\noutputs ${JSON.stringify(run.outputs ?? {})}\n`,
      );
    if (run.state === 'FAILED' && !opts.json) await printFailures(client, run, ctx);
    return exitCodeForRunState(run.state);
  } finally {
    process.removeListener('SIGINT', onInterrupt);
    await embedded?.close();
  }
}

/** Under a failed run, each failed node's `exData` (why it failed), on stderr. */
async function printFailures(
  client: PipelineHttpClient,
  run: RunSnapshot,
  ctx: CliContext,
): Promise<void> {
  for (const n of flattenNodes(run.nodes).filter((f) => f.state === 'FAILED')) {
    const nodeId = n.path.split('/').pop()!;
    const detail = await client.getNode(run.id, nodeId).catch(() => undefined);
    const exData = detail?.exData;
    ctx.err.write(
      `failed ${n.path}${exData === undefined || exData === null ? '' : `: ${typeof exData === 'string' ? exData : JSON.stringify(exData)}`}\n`,
    );
  }
}

/** `pipeline run <file> [--inputs JSON|@file] [--business-key K] [--watch] [--timeout S] ...`. */
export function registerRunCommand(program: Command, ctx: CliContext): void {
  program
    .command('run')
    .description(
      'run a definition file until it settles: embedded (temporary SQLite) unless --server; exit 0 FINISHED, 1 FAILED/REVOKED',
    )
    .argument('<file>', 'definition file (JSON or YAML; bare or {format, definition})')
    .option(
      '--format <format>',
      'tree, dag or orderlines (default: from the file)',
      parseFormatOption,
    )
    .option('--inputs <json>', 'run inputs: a JSON object, or @file', (v) =>
      parseJsonObjectOption('--inputs', v),
    )
    .option('--business-key <key>', "the run's business key")
    .option('--watch', 'live display of node states (default on a terminal)')
    .option('--no-watch', 'no live display')
    .option('--timeout <seconds>', 'stop waiting after this long (exit 3)', (v) =>
      parsePositiveInt('--timeout', v),
    )
    .option('--interval <ms>', 'poll interval in milliseconds (default 200)', (v) =>
      parsePositiveInt('--interval', v),
    )
    .option(
      '--database <url>',
      'embedded: database URL (default a temporary sqlite: file), e.g. sqlite:./x.sqlite',
    )
    .action(async (file: string, _opts: unknown, cmd: Command) => {
      const opts = cmd.optsWithGlobals<RunOptions>();
      if (opts.server && opts.database)
        throw new CliError(
          'USAGE',
          '--database applies to the embedded engine, not with --server',
          EXIT.USAGE,
        );
      ctx.exitCode = await runFile(file, opts, ctx);
    });
}
