/**
 * `npm run bench:profile -- FILE.cpuprofile [--top N]`: where a V8 CPU profile (from
 * `npm run bench -- --cpu-prof DIR`, or `node --cpu-prof`) spent its time — the top functions by
 * self time, and the top files / packages by self time, with their share of the samples.
 */
import { readFileSync } from 'node:fs';
import { relative, resolve } from 'node:path';
import { parseArgs } from 'node:util';

interface ProfileNode {
  id: number;
  callFrame: { functionName: string; url: string; lineNumber: number };
  children?: number[];
}

interface CpuProfile {
  nodes: ProfileNode[];
  samples: number[];
  timeDeltas: number[];
  startTime: number;
  endTime: number;
}

const ROOT = resolve(__dirname, '..');

/** A readable place: repo-relative path, or `node_modules/<package>`, or a Node internal. */
function place(url: string): string {
  if (!url) return '(native / VM)';
  const path = url.replace(/^file:\/\//, '');
  const nm = path.lastIndexOf('node_modules/');
  if (nm >= 0) {
    const rest = path.slice(nm + 'node_modules/'.length).split('/');
    return `node_modules/${rest[0].startsWith('@') ? `${rest[0]}/${rest[1]}` : rest[0]}`;
  }
  return path.startsWith('/') ? relative(ROOT, path) : path;
}

function selfTimes(profile: CpuProfile): Map<number, number> {
  const self = new Map<number, number>();
  profile.samples.forEach((id, i) =>
    self.set(id, (self.get(id) ?? 0) + (profile.timeDeltas[i] ?? 0)),
  );
  return self;
}

function top(entries: Map<string, number>, total: number, n: number): string[] {
  return [...entries.entries()]
    .sort((a, b) => b[1] - a[1])
    .slice(0, n)
    .map(
      ([k, us]) =>
        `${(us / 1000).toFixed(0).padStart(7)} ms  ${((us / total) * 100).toFixed(1).padStart(5)}%  ${k}`,
    );
}

function main(): void {
  const { values, positionals } = parseArgs({
    options: { top: { type: 'string', default: '30' } },
    allowPositionals: true,
  });
  if (positionals.length !== 1)
    throw new Error('usage: npm run bench:profile -- FILE.cpuprofile [--top N]');
  const n = Number(values.top);
  const profile = JSON.parse(readFileSync(positionals[0], 'utf8')) as CpuProfile;
  const byId = new Map(profile.nodes.map((node) => [node.id, node]));
  const byFunction = new Map<string, number>();
  const byPlace = new Map<string, number>();
  let total = 0;
  let idle = 0;
  for (const [id, us] of selfTimes(profile)) {
    const { functionName, url, lineNumber } = byId.get(id)!.callFrame;
    if (functionName === '(idle)') {
      idle += us;
      continue;
    }
    const where = place(url);
    const fn = `${functionName || '(anonymous)'}  ${where}${url ? `:${lineNumber + 1}` : ''}`;
    byFunction.set(fn, (byFunction.get(fn) ?? 0) + us);
    byPlace.set(where, (byPlace.get(where) ?? 0) + us);
    total += us;
  }
  const span = (profile.endTime - profile.startTime) / 1000;
  console.log(
    `${positionals[0]}: ${(total / 1000).toFixed(0)} ms busy, ${(idle / 1000).toFixed(0)} ms idle, over ${span.toFixed(0)} ms\n`,
  );
  console.log(`top ${n} functions by self time`);
  console.log(top(byFunction, total, n).join('\n'));
  console.log(`\ntop ${n} files / packages by self time`);
  console.log(top(byPlace, total, n).join('\n'));
}

main();
