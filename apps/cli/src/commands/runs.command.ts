import type { Command } from 'commander';
import {
  type CliContext,
  type ServerOptions,
  colorsOf,
  parsePositiveInt,
  printJson,
  serverClient,
} from '../cli.context';
import { usageError } from '../cli.errors';
import { RUN_OPERATIONS } from '../pipeline-http.client';
import { eventsTable, operationTable, runsTable, runTable } from '../table.renderer';

const RUN_STATES = ['PENDING', 'RUNNING', 'SUSPENDED', 'FAILED', 'FINISHED', 'REVOKED'];

/** `pipeline runs ls|show|events|pause|resume|revoke` against `--server` (DESIGN §9, §10). */
export function registerRunsCommand(program: Command, ctx: CliContext): void {
  const runs = program
    .command('runs')
    .description('list and inspect runs, run operations (needs --server or PIPELINE_SERVER)');

  runs
    .command('ls')
    .description('list runs, newest first')
    .option('--pipeline <id>', 'only runs of this pipeline (its id)')
    .option('--state <state>', `only runs in this state (${RUN_STATES.join(', ')})`, (v) => {
      const s = v.toUpperCase();
      if (!RUN_STATES.includes(s))
        throw usageError(`--state must be one of ${RUN_STATES.join(', ')} (got '${v}')`);
      return s;
    })
    .option('--business-key <key>', 'only runs with this business key')
    .option('--page <n>', 'page number (from 1)', (v) => parsePositiveInt('--page', v))
    .option('--page-size <n>', 'runs per page (at most 100)', (v) =>
      parsePositiveInt('--page-size', v),
    )
    .action(async (_opts: unknown, cmd: Command) => {
      const o = cmd.optsWithGlobals<
        ServerOptions & {
          pipeline?: string;
          state?: string;
          businessKey?: string;
          page?: number;
          pageSize?: number;
        }
      >();
      const page = await serverClient(ctx, o).listRuns({
        pipelineId: o.pipeline,
        state: o.state,
        businessKey: o.businessKey,
        page: o.page,
        pageSize: o.pageSize,
      });
      if (o.json) printJson(ctx, page);
      else ctx.out.write(runsTable(page, colorsOf(ctx)));
    });

  runs
    .command('show')
    .description("a run's state with every node's")
    .argument('<runId>')
    .action(async (id: string, _opts: unknown, cmd: Command) => {
      const o = cmd.optsWithGlobals<ServerOptions>();
      const run = await serverClient(ctx, o).getRun(id);
      if (o.json) printJson(ctx, run);
      else ctx.out.write(runTable(run, colorsOf(ctx)));
    });

  runs
    .command('events')
    .description("a run's event log")
    .argument('<runId>')
    .action(async (id: string, _opts: unknown, cmd: Command) => {
      const o = cmd.optsWithGlobals<ServerOptions>();
      const events = await serverClient(ctx, o).events(id);
      if (o.json) printJson(ctx, events);
      else ctx.out.write(eventsTable(events, colorsOf(ctx)));
    });

  for (const op of RUN_OPERATIONS) {
    runs
      .command(op)
      .description(`POST /runs/:id/${op}`)
      .argument('<runId>')
      .action(async (id: string, _opts: unknown, cmd: Command) => {
        const o = cmd.optsWithGlobals<ServerOptions>();
        const answer = await serverClient(ctx, o).runOperation(id, op);
        if (o.json) printJson(ctx, answer);
        else ctx.out.write(operationTable(answer, colorsOf(ctx)));
      });
  }
}
