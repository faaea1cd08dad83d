import pc from 'picocolors';
import type { NodeSnapshot, RunSnapshot } from './pipeline-http.client';

/** `tty`: one frame re-drawn in place; `plain`: a line per change; `json`: a JSON line per change. */
export type ProgressMode = 'tty' | 'plain' | 'json';

/** One node of a run, flattened: sub-process nodes get their parent's id as a prefix. */
export interface FlatNode {
  path: string;
  depth: number;
  state: string;
  version: number;
}

type Colors = ReturnType<typeof pc.createColors>;

/** When a node started (never-started ones last), to list nodes in the order they ran. */
const startedAt = (n: NodeSnapshot) => (typeof n.startedAt === 'string' ? n.startedAt : '\uffff');

/** Every node of a snapshot in the order they started, sub-process nodes under their parent. */
export function flattenNodes(
  nodes: Record<string, NodeSnapshot> | undefined,
  prefix = '',
  depth = 0,
): FlatNode[] {
  const out: FlatNode[] = [];
  const ordered = Object.entries(nodes ?? {}).sort(
    ([a, x], [b, y]) => startedAt(x).localeCompare(startedAt(y)) || a.localeCompare(b),
  );
  for (const [id, node] of ordered) {
    const path = prefix ? `${prefix}/${id}` : id;
    out.push({ path, depth, state: node.state, version: node.version });
    out.push(...flattenNodes(node.children, path, depth + 1));
  }
  return out;
}

/** Colours a run or node state name (the word is always shown, colour is an extra). */
export function colourState(state: string, c: Colors): string {
  switch (state) {
    case 'FINISHED':
      return c.green(state);
    case 'FAILED':
    case 'REVOKED':
      return c.red(state);
    case 'RUNNING':
      return c.cyan(state);
    case 'SUSPENDED':
    case 'BLOCKED':
    case 'PENDING':
      return c.yellow(state);
    case 'SKIPPED':
      return c.dim(state);
    default:
      return state;
  }
}

/** The lines of the live display for one snapshot: the run, then one line per node. */
export function frameLines(run: RunSnapshot, c: Colors, columns = 80): string[] {
  const nodes = flattenNodes(run.nodes);
  const width = Math.min(40, Math.max(8, ...nodes.map((n) => n.path.length + n.depth * 2)));
  const lines = [`${c.bold('run')} ${run.id}  ${colourState(run.state, c)}`];
  for (const n of nodes) {
    const name = `${'  '.repeat(n.depth)}${n.path.split('/').pop()}`;
    const version = n.version > 1 ? c.dim(` v${n.version}`) : '';
    lines.push(`  ${name.padEnd(width)}  ${colourState(n.state, c)}${version}`);
  }
  // A wrapped line would break the cursor arithmetic of the re-draw: cut to the terminal width.
  return lines.map((l) => truncateVisible(l, columns - 1));
}

/** Lines telling what changed between two snapshots (`node greet RUNNING → FINISHED`). */
export function changeLines(prev: RunSnapshot | undefined, next: RunSnapshot, c: Colors): string[] {
  const before = new Map(flattenNodes(prev?.nodes).map((n) => [n.path, n]));
  const lines: string[] = [];
  if (!prev || prev.state !== next.state)
    lines.push(`run ${next.id} ${prev ? `${prev.state} → ` : ''}${colourState(next.state, c)}`);
  for (const n of flattenNodes(next.nodes)) {
    const old = before.get(n.path);
    if (old && old.state === n.state && old.version === n.version) continue;
    const from = old ? `${old.state} → ` : '';
    const version = n.version > 1 ? ` (v${n.version})` : '';
    lines.push(`node ${n.path} ${from}${colourState(n.state, c)}${version}`);
  }
  return lines;
}

/** Has anything the display shows changed (run state, a node's state or version)? */
export function snapshotChanged(prev: RunSnapshot | undefined, next: RunSnapshot): boolean {
  if (!prev) return true;
  return (
    prev.state !== next.state ||
    JSON.stringify(flattenNodes(prev.nodes)) !== JSON.stringify(flattenNodes(next.nodes))
  );
}

/**
 * The `--watch` display of a run (DESIGN §10). Fed every polled snapshot, it writes only
 * when something changed: on a terminal it re-draws one frame in place (ANSI cursor-up and
 * clear), elsewhere a line per change, or with `--json` one JSON line per change. `finish`
 * ends with the run's final state and outputs.
 */
export class ProgressRenderer {
  private last: RunSnapshot | undefined;
  private drawnLines = 0;
  private readonly c: Colors;

  constructor(
    private readonly out: { write(text: string): unknown },
    private readonly mode: ProgressMode,
    options: { colours?: boolean; columns?: number } = {},
  ) {
    this.c = pc.createColors(options.colours ?? mode === 'tty');
    this.columns = options.columns ?? 80;
  }

  private readonly columns: number;

  /** Shows a snapshot if it differs from the last one shown. */
  update(run: RunSnapshot): void {
    if (!snapshotChanged(this.last, run)) return;
    if (this.mode === 'json') this.out.write(`${JSON.stringify(run)}\n`);
    else if (this.mode === 'plain')
      for (const line of changeLines(this.last, run, this.c)) this.out.write(`${line}\n`);
    else {
      const lines = frameLines(run, this.c, this.columns);
      const up = this.drawnLines ? `\x1b[${this.drawnLines}A\r\x1b[0J` : '';
      this.out.write(`${up}${lines.join('\n')}\n`);
      this.drawnLines = lines.length;
    }
    this.last = run;
  }

  /** Shows the settled run, then (except in JSON mode, whose last line is the run) its outputs. */
  finish(run: RunSnapshot): void {
    this.update(run);
    if (this.mode === 'json') return;
    const reason = run.reason ? ` (${run.reason})` : '';
    this.out.write(`${this.c.bold('state')}   ${colourState(run.state, this.c)}${reason}\n`);
    this.out.write(`${this.c.bold('outputs')} ${JSON.stringify(run.outputs ?? {})}\n`);
  }
}

/** Cuts a line with ANSI colour codes to `max` visible characters. */
export function truncateVisible(line: string, max: number): string {
  let visible = 0;
  let out = '';
  for (let i = 0; i < line.length; i++) {
    if (line[i] === '\x1b') {
      const end = line.indexOf('m', i);
      if (end !== -1) {
        out += line.slice(i, end + 1);
        i = end;
        continue;
      }
    }
    if (visible >= max) continue;
    out += line[i];
    visible++;
  }
  return out;
}
