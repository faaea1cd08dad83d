import Table from 'cli-table3';
import type { Colors } from './cli.context';
import type { OperationAnswer, RunEvent, RunPage, RunSnapshot } from './pipeline-http.client';
import { colourState, flattenNodes } from './progress-renderer';

/** A cli-table3 table with no colours of its own (picocolors, off when not a terminal, does them). */
function table(head: string[], c: Colors): Table.Table {
  return new Table({ head: head.map((h) => c.bold(h)), style: { head: [], border: [] } });
}

const time = (v: unknown) =>
  typeof v === 'string' ? v.replace('T', ' ').replace(/\.\d+Z$/, 'Z') : '';

/** `runs ls`: one row per run, then the page. */
export function runsTable(page: RunPage, c: Colors): string {
  const t = table(['id', 'pipeline', 'state', 'business key', 'created', 'finished'], c);
  for (const r of page.items)
    t.push([
      r.id,
      r.pipelineId ?? '(inline)',
      colourState(r.state, c),
      r.businessKey ?? '',
      time(r.createdAt),
      time(r.finishedAt),
    ]);
  const pages = Math.max(1, Math.ceil(page.total / page.pageSize));
  return `${t.toString()}\npage ${page.page} of ${pages} (${page.total} runs)\n`;
}

/** `runs show`: the run's fields, then every node (sub-process nodes indented under theirs). */
export function runTable(run: RunSnapshot, c: Colors): string {
  const head = table(['run', run.id], c);
  head.push(
    ['state', `${colourState(run.state, c)}${run.reason ? ` (${run.reason})` : ''}`],
    ['pipeline', run.pipelineId ?? '(inline)'],
    ['business key', run.businessKey ?? ''],
    ['created', time(run.createdAt)],
    ['finished', time(run.finishedAt)],
    ['inputs', JSON.stringify(run.inputs ?? {})],
    ['outputs', JSON.stringify(run.outputs ?? {})],
  );
  const nodes = table(['node', 'state', 'version'], c);
  for (const n of flattenNodes(run.nodes))
    nodes.push([
      `${'  '.repeat(n.depth)}${n.path.split('/').pop()}`,
      colourState(n.state, c),
      String(n.version),
    ]);
  return `${head.toString()}\n${nodes.toString()}\n`;
}

/** `runs events`: the event log in order. */
export function eventsTable(events: RunEvent[], c: Colors): string {
  const t = table(['seq', 'time', 'event', 'node', 'data'], c);
  for (const e of events) {
    const data = JSON.stringify(e.data ?? {});
    t.push([
      String(e.seq),
      time(e.time),
      e.eventType,
      e.nodeId ?? '',
      data.length > 60 ? `${data.slice(0, 57)}...` : data,
    ]);
  }
  return `${t.toString()}\n`;
}

/** An operation's answer. */
export function operationTable(answer: OperationAnswer, c: Colors): string {
  const t = table(['run', 'run state', 'node', 'node state', 'node version'], c);
  t.push([
    answer.runId,
    colourState(answer.runState, c),
    answer.nodeId ?? '',
    answer.node ? colourState(answer.node.state, c) : '',
    answer.node ? String(answer.node.version) : '',
  ]);
  return `${t.toString()}\n`;
}
