import type { Command } from 'commander';
import {
  type CliContext,
  type ServerOptions,
  parseJsonObjectOption,
  parseJsonOption,
  parsePositiveInt,
  colorsOf,
  printJson,
  serverClient,
} from '../cli.context';
import { usageError } from '../cli.errors';
import {
  NODE_OPERATIONS,
  type NodeOperation,
  type PipelineHttpClient,
} from '../pipeline-http.client';
import { operationTable } from '../table.renderer';

/** Options of the node operations; each operation reads the ones its REST body has. */
export interface NodeOperationOptions {
  inputs?: Record<string, unknown>;
  exData?: string;
  version?: number;
  data?: unknown;
  flow?: string[];
}

const DESCRIPTIONS: Record<NodeOperation, string> = {
  pause: 'appointed pause: the run stops at the node',
  resume: 'a SUSPENDED node becomes READY and the run goes on',
  retry: 'run a FAILED node again [--inputs JSON merged over the last inputs]',
  skip: 'finish a FAILED skippable activity and go on',
  'forced-fail': 'fail a RUNNING activity now [--ex-data TEXT] [--version N]',
  callback:
    'send callback data to a RUNNING activity --data JSON [--version N, default the current one]',
  'skip-gateway': 'take outgoing flow(s) past a FAILED gateway --flow ID [--flow ID...]',
  'retry-subprocess': 'run a sub-process again from its start',
};

/**
 * The REST body of a node operation from its options (README "Operations"): `retry
 * {inputs?}`, `forced-fail {exData?, version?}`, `callback {version, data}`, `skip-gateway
 * {flowId}` or `{flowIds}`; the others take none. `callback` without `--version` reads the
 * node's current version first.
 */
export async function nodeOperationBody(
  op: NodeOperation,
  o: NodeOperationOptions,
  current: () => Promise<number>,
): Promise<Record<string, unknown> | undefined> {
  switch (op) {
    case 'retry':
      return o.inputs ? { inputs: o.inputs } : undefined;
    case 'forced-fail':
      return {
        ...(o.exData !== undefined ? { exData: o.exData } : {}),
        ...(o.version !== undefined ? { version: o.version } : {}),
      };
    case 'callback':
      if (o.data === undefined) throw usageError('callback needs --data JSON');
      return { version: o.version ?? (await current()), data: o.data };
    case 'skip-gateway':
      if (!o.flow?.length)
        throw usageError(
          'skip-gateway needs --flow ID (repeat it for a conditional parallel gateway)',
        );
      return o.flow.length === 1 ? { flowId: o.flow[0] } : { flowIds: o.flow };
    default:
      return undefined;
  }
}

/** `pipeline nodes <operation> <runId> <nodeId> [...]`: every node operation of the REST API. */
export function registerNodesCommand(program: Command, ctx: CliContext): void {
  const nodes = program
    .command('nodes')
    .description('node operations (needs --server or PIPELINE_SERVER)');
  for (const op of NODE_OPERATIONS) {
    const cmd = nodes
      .command(op)
      .description(DESCRIPTIONS[op])
      .argument('<runId>')
      .argument('<nodeId>');
    if (op === 'retry')
      cmd.option(
        '--inputs <json>',
        'inputs merged over the last ones: a JSON object, or @file',
        (v) => parseJsonObjectOption('--inputs', v),
      );
    if (op === 'forced-fail')
      cmd.option('--ex-data <text>', "the failure message stored as the node's ex_data");
    if (op === 'forced-fail' || op === 'callback')
      cmd.option('--version <n>', 'the node version the operation is meant for', (v) =>
        parsePositiveInt('--version', v),
      );
    if (op === 'callback')
      cmd.option('--data <json>', 'callback data: JSON, or @file', (v) =>
        parseJsonOption('--data', v),
      );
    if (op === 'skip-gateway')
      cmd.option(
        '--flow <flowId>',
        'an outgoing flow to take (repeatable)',
        (v: string, prev: string[] = []) => [...prev, v],
      );
    cmd.action(async (runId: string, nodeId: string, _opts: unknown, c: Command) => {
      const o = c.optsWithGlobals<ServerOptions & NodeOperationOptions>();
      const client: PipelineHttpClient = serverClient(ctx, o);
      const body = await nodeOperationBody(
        op,
        o,
        async () => (await client.getNode(runId, nodeId)).version,
      );
      const answer = await client.nodeOperation(runId, nodeId, op, body);
      if (o.json) printJson(ctx, answer);
      else ctx.out.write(operationTable(answer, colorsOf(ctx)));
    });
  }
}
