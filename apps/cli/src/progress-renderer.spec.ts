import pc from 'picocolors';
import type { RunSnapshot } from './pipeline-http.client';
import { changeLines, flattenNodes, ProgressRenderer, truncateVisible } from './progress-renderer';

const plain = pc.createColors(false);
/** Removes ANSI escape sequences (colours, cursor moves). */
const stripAnsi = (s: string) =>
  s.replace(new RegExp(`${String.fromCharCode(27)}\\[[0-9;]*[A-Za-z]`, 'g'), '');

/** A run's life as successive polls would see it: start, greet running, a sub-process, the end. */
const snapshots: RunSnapshot[] = [
  {
    id: 'r1',
    pipelineId: null,
    businessKey: null,
    state: 'RUNNING',
    nodes: { s: { state: 'FINISHED', version: 1, startedAt: '2026-01-01T00:00:00.000Z' } },
  },
  {
    id: 'r1',
    pipelineId: null,
    businessKey: null,
    state: 'RUNNING',
    nodes: {
      greet: { state: 'RUNNING', version: 1, startedAt: '2026-01-01T00:00:01.000Z' },
      s: { state: 'FINISHED', version: 1, startedAt: '2026-01-01T00:00:00.000Z' },
    },
  },
  {
    id: 'r1',
    pipelineId: null,
    businessKey: null,
    state: 'RUNNING',
    nodes: {
      greet: { state: 'RUNNING', version: 1, startedAt: '2026-01-01T00:00:01.000Z' },
      s: { state: 'FINISHED', version: 1, startedAt: '2026-01-01T00:00:00.000Z' },
    },
  },
  {
    id: 'r1',
    pipelineId: null,
    businessKey: null,
    state: 'FINISHED',
    outputs: { x: 1 },
    nodes: {
      greet: { state: 'FINISHED', version: 2, startedAt: '2026-01-01T00:00:01.000Z' },
      s: { state: 'FINISHED', version: 1, startedAt: '2026-01-01T00:00:00.000Z' },
      sub: {
        state: 'FINISHED',
        version: 1,
        startedAt: '2026-01-01T00:00:02.000Z',
        children: {
          inner: { state: 'FINISHED', version: 1, startedAt: '2026-01-01T00:00:03.000Z' },
        },
      },
    },
  },
];

function capture(): { write(t: string): void; text: string } {
  const sink = { text: '', write: (t: string) => void (sink.text += t) };
  return sink;
}

describe('ProgressRenderer', () => {
  it('flattens nodes in start order with sub-process nodes under their parent', () => {
    expect(flattenNodes(snapshots[3].nodes).map((n) => [n.path, n.depth])).toEqual([
      ['s', 0],
      ['greet', 0],
      ['sub', 0],
      ['sub/inner', 1],
    ]);
  });

  it('plain mode: one line per change, nothing for an unchanged poll, then state and outputs', () => {
    const out = capture();
    const r = new ProgressRenderer(out, 'plain', { colours: false });
    snapshots.forEach((s) => r.update(s));
    r.finish(snapshots[3]);
    expect(out.text.split('\n')).toEqual([
      'run r1 RUNNING',
      'node s FINISHED',
      'node greet RUNNING',
      'run r1 RUNNING → FINISHED',
      'node greet RUNNING → FINISHED (v2)',
      'node sub FINISHED',
      'node sub/inner FINISHED',
      'state   FINISHED',
      'outputs {"x":1}',
      '',
    ]);
  });

  it('tty mode: re-draws one frame in place with ANSI cursor movement', () => {
    const out = capture();
    const r = new ProgressRenderer(out, 'tty', { colours: true, columns: 60 });
    r.update(snapshots[0]);
    const first = out.text;
    expect(first).not.toContain('\x1b[2A');
    expect(first).toContain('\x1b['); // coloured
    r.update(snapshots[1]);
    // The first frame had 2 lines (run + s): cursor up 2, clear to the end, new frame.
    expect(out.text.slice(first.length).startsWith('\x1b[2A\r\x1b[0J')).toBe(true);
    r.update(snapshots[2]); // unchanged: nothing written
    const afterSame = out.text.length;
    r.update(snapshots[3]);
    expect(out.text.slice(afterSame).startsWith('\x1b[3A\r\x1b[0J')).toBe(true);
    const last = stripAnsi(out.text.slice(afterSame));
    expect(last).toContain('run r1  FINISHED');
    expect(last).toMatch(/ {2}inner +FINISHED/);
  });

  it('json mode: one JSON line per changed snapshot, the last one the final run', () => {
    const out = capture();
    const r = new ProgressRenderer(out, 'json');
    snapshots.forEach((s) => r.update(s));
    r.finish(snapshots[3]);
    const lines = out.text
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l) as RunSnapshot);
    expect(lines.map((l) => l.state)).toEqual(['RUNNING', 'RUNNING', 'FINISHED']);
    expect(lines[2]).toEqual(snapshots[3]);
  });

  it('describes changes and cuts coloured lines to the visible width', () => {
    expect(changeLines(undefined, snapshots[0], plain)).toEqual([
      'run r1 RUNNING',
      'node s FINISHED',
    ]);
    const red = pc.createColors(true).red('abcdef');
    expect(stripAnsi(truncateVisible(red, 3))).toBe('abc');
  });
});
