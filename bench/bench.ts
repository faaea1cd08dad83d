/**
 * `npm run bench`: measures the engine on this machine and writes a JSON result under
 * bench/results/. Embedded mode only for now (the distributed runtime arrives with its issue).
 *
 *   E  validation time of 10,000-node trees (linear, 100×100 parallel, nested mix)
 *   L  one 1,000-activity linear run (noop), nodes per second
 *   A  bamboo's README scenario: 100 runs of a 17-node pipeline started at once, every activity
 *      a `poll` node polled once with zero interval
 *   B  one run of 1,000 such activities: a parallel gateway with 100 branches of 10
 *
 * Timings live here, never in tests.
 */
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import * as os from 'node:os';
import { join } from 'node:path';
import { NestFactory } from '@nestjs/core';
import type { NestExpressApplication } from '@nestjs/platform-express';
import { linearTree, nestedMixTree, parallelTree, validateTree, RunService, type PipelineTree } from '@app/pipeline';
import { AppModule } from '../apps/api/src/app.module';

const SETTLED = new Set(['FINISHED', 'FAILED', 'REVOKED']);

function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.floor(s.length / 2)];
}

/** Every activity becomes a `poll` node polled once with zero interval (one execute + one schedule). */
function pollify(tree: PipelineTree): PipelineTree {
  for (const a of Object.values(tree.activities)) {
    if (a.type === 'ServiceActivity') a.component = { code: 'poll', inputs: { times: { type: 'plain', value: 1 }, interval: { type: 'plain', value: 0 } } };
    else pollify(a.pipeline);
  }
  return tree;
}

/** bamboo's benchmark pipeline: 17 nodes — activities, a 3-branch parallel block, an exclusive gateway, a two-activity sub-process. */
function bambooScenarioTree(i: number): PipelineTree {
  const sub = linearTree(2, { id: `sp_${i}`, prefix: `sp${i}_` });
  const tree = linearTree(0, { id: `bamboo-${i}` });
  // start → a1 → pg → (b1 | b2 | b3) → cg → eg → (x1 | x2) → sp → a2 → end; x1/x2 rejoin at the sub-process through cg2
  const act = (id: string, incoming: string, outgoing: string) => ({ id, type: 'ServiceActivity' as const, name: id, incoming: [incoming], outgoing, component: { code: 'noop', inputs: {} } });
  const flows: [string, string, string][] = [
    ['f1', 'start', 'a1'], ['f2', 'a1', 'pg'], ['f3', 'pg', 'b1'], ['f4', 'pg', 'b2'], ['f5', 'pg', 'b3'],
    ['f6', 'b1', 'cg'], ['f7', 'b2', 'cg'], ['f8', 'b3', 'cg'], ['f9', 'cg', 'eg'], ['f10', 'eg', 'x1'], ['f11', 'eg', 'x2'],
    ['f12', 'x1', 'cg2'], ['f13', 'x2', 'cg2'], ['f14', 'cg2', `sp_${i}`], ['f15', `sp_${i}`, 'a2'], ['f16', 'a2', 'end'],
  ];
  tree.flows = Object.fromEntries(flows.map(([id, source, target]) => [id, { id, source, target, is_default: false }]));
  const inc = (n: string) => flows.filter((f) => f[2] === n).map((f) => f[0]);
  const out = (n: string) => flows.filter((f) => f[1] === n).map((f) => f[0]);
  tree.start_event.outgoing = 'f1';
  tree.end_event.incoming = ['f16'];
  tree.activities = Object.fromEntries(['a1', 'b1', 'b2', 'b3', 'x1', 'x2', 'a2'].map((id) => [id, act(id, inc(id)[0], out(id)[0])]));
  tree.activities[`sp_${i}`] = { id: `sp_${i}`, type: 'SubProcess', name: 'sp', incoming: inc(`sp_${i}`), outgoing: out(`sp_${i}`)[0], params: {}, pipeline: sub };
  tree.gateways = {
    pg: { id: 'pg', type: 'ParallelGateway', incoming: inc('pg'), outgoing: out('pg') },
    cg: { id: 'cg', type: 'ConvergeGateway', incoming: inc('cg'), outgoing: out('cg')[0] },
    eg: { id: 'eg', type: 'ExclusiveGateway', incoming: inc('eg'), outgoing: out('eg'), conditions: { f10: { evaluate: '1 == 1' }, f11: { evaluate: '1 == 0' } }, default_condition: {} },
    cg2: { id: 'cg2', type: 'ConvergeGateway', incoming: inc('cg2'), outgoing: out('cg2')[0] },
  };
  return pollify(tree);
}

function countNodes(tree: PipelineTree): number {
  let n = 2 + Object.keys(tree.gateways).length;
  for (const a of Object.values(tree.activities)) n += a.type === 'SubProcess' ? 1 + countNodes(a.pipeline) : 1;
  return n;
}

async function main() {
  const results: Record<string, unknown> = {};
  const print = (name: string, value: string) => console.log(`${name.padEnd(58)} ${value}`);

  // E — validation
  for (const [name, make] of [
    ['linear 10k', () => linearTree(10_000)],
    ['parallel 100x100', () => parallelTree(100, 100)],
    ['nested mix 10k', () => nestedMixTree({ nodes: 10_000 }).tree],
  ] as const) {
    const tree = make();
    validateTree(tree); // warm-up
    const times = Array.from({ length: 9 }, () => {
      const t = process.hrtime.bigint();
      const r = validateTree(tree);
      if (!r.valid) throw new Error(`${name} invalid: ${JSON.stringify(r.errors.slice(0, 3))}`);
      return Number(process.hrtime.bigint() - t) / 1e6;
    });
    results[`E.validate.${name}`] = { medianMs: median(times), nodes: countNodes(tree) };
    print(`E  validate ${name} (${countNodes(tree)} nodes)`, `${median(times).toFixed(1)} ms (median of 9)`);
  }

  const dir = mkdtempSync(join(os.tmpdir(), 'pipeline-bench-'));
  const module = await AppModule.forRoot({ env: { DATABASE_URL: `sqlite:${join(dir, 'bench.sqlite')}`, PORT: '0', LOG_LEVEL: 'warn' } });
  const app = await NestFactory.create<NestExpressApplication>(module, { logger: ['error', 'warn'] });
  await app.init();
  const runs = app.get(RunService);

  async function waitAll(ids: string[]) {
    for (;;) {
      const states = await Promise.all(ids.map((id) => runs.get(id)));
      if (states.every((r) => SETTLED.has(r.state))) return states;
      await new Promise((r) => setTimeout(r, 10));
    }
  }

  async function timed(name: string, trees: PipelineTree[]) {
    const t0 = Date.now();
    const started = await Promise.all(trees.map((definition) => runs.startInline({ definition })));
    const done = await waitAll(started.map((r) => r.id));
    const ms = Date.now() - t0;
    const nodes = trees.reduce((n, t) => n + countNodes(t), 0);
    if (done.some((r) => r.state !== 'FINISHED')) throw new Error(`${name}: a run did not finish`);
    results[name] = { ms, runs: trees.length, nodes, nodesPerSecond: Math.round((nodes / ms) * 1000) };
    print(`${name} (${trees.length} run(s), ${nodes} nodes)`, `${ms} ms, ${Math.round((nodes / ms) * 1000)} nodes/s`);
  }

  await timed('L  linear 1000 noop, embedded', [linearTree(1000)]);
  await timed('A  100 runs of a bamboo-style pipeline, poll nodes, embedded', Array.from({ length: 100 }, (_, i) => bambooScenarioTree(i)));
  await timed('B  1000 poll activities, 100 branches of 10, embedded', [pollify(parallelTree(100, 10))]);

  await app.close();
  rmSync(dir, { recursive: true, force: true });

  const out = {
    date: new Date().toISOString(),
    mode: 'embedded',
    machine: { cores: os.cpus().length, cpu: os.cpus()[0]?.model, memoryGiB: Math.round(os.totalmem() / 2 ** 30) },
    node: process.version,
    results,
  };
  mkdirSync(join(__dirname, 'results'), { recursive: true });
  const file = join(__dirname, 'results', `bench-${out.date.replace(/[:.]/g, '-')}.json`);
  writeFileSync(file, JSON.stringify(out, null, 2));
  console.log(`\nwritten ${file}`);
}

main().catch((e) => {
  console.error(e);
  process.exit(1);
});
