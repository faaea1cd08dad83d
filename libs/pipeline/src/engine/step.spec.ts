import * as fs from 'node:fs';
import * as path from 'node:path';
import { getPipelineComponentMetadata } from '../components/pipeline-component.decorator';
import { ComponentData } from '../components/service';
import { STANDARD_COMPONENTS } from '../components/standard';
import { compileDefinition } from '../formats';
import type { PipelineTree } from '../model/tree.types';
import { validateTree } from '../model/validate-tree';
import { EngineInvariantError } from './engine-invariant.error';
import { EngineSimulator, type Behaviour } from './engine-simulator.spec-helper';
import { blankNodeRecord } from './run-state';
import { failOnInvariant, step } from './step';
import { renderScopeVariables } from './variables';

const CONFORMANCE = process.env.CONFORMANCE_DIR ?? path.resolve(__dirname, '../../../../../shared/conformance');

/** orderlines' sample components (DESIGN §8.2), the real classes, by code. */
const ORDERLINES_SAMPLES = new Map(
  STANDARD_COMPONENTS.filter((c) => getPipelineComponentMetadata(c)!.code.startsWith('Test.')).map((c) => [getPipelineComponentMetadata(c)!.code, c]),
);

/** noop / echo / fail as DESIGN §4 defines them, and orderlines' samples, by component code. */
function standard(sim: () => EngineSimulator): Behaviour {
  return (nodeId, inputs) => {
    const code = sim().tree.activity(nodeId).component.code;
    const sample = ORDERLINES_SAMPLES.get(code);
    if (sample) {
      const data = new ComponentData({ ...inputs });
      const ok = new (sample as unknown as new () => { execute(d: ComponentData): boolean })().execute(data);
      return { ok, outputs: data.outputs, ...(ok ? {} : { exData: data.outputs.ex_data }), finished: true };
    }
    if (code === 'fail' && inputs.fail !== false) {
      return { ok: false, outputs: { ex_data: inputs.message ?? 'failed' }, exData: inputs.message ?? 'failed', finished: true };
    }
    return { ok: true, outputs: code === 'echo' ? { ...inputs } : {}, finished: true };
  };
}

function simulate(tree: PipelineTree, inputs: Record<string, unknown> = {}, behaviour?: Behaviour, cycleTolerate?: boolean) {
  const v = validateTree(tree, { cycleTolerate });
  expect(v.errors).toEqual([]);
  const holder: { sim?: EngineSimulator } = {};
  const sim = new EngineSimulator(tree, v.converges, inputs, behaviour ?? standard(() => holder.sim!));
  holder.sim = sim;
  return sim.runToEnd();
}

function findNode(view: Map<string, { state: string }>, id: string) {
  return view.get(id)?.state ?? null;
}

/** The project's own fixtures (test/conformance), replayed after the shared ones as `project/…`. */
const PROJECT_CONFORMANCE = path.resolve(__dirname, '../../../../test/conformance');

/** Runnable fixtures of `folder` (valid, with a state to settle in); `dag` ones are not replayed here yet. */
function executionFixtures(dir: string, label: string, folder = 'execution'): [string, string][] {
  const full = path.join(dir, folder);
  if (!fs.existsSync(full)) return [];
  return fs
    .readdirSync(full)
    .filter((f) => f.endsWith('.json'))
    .sort()
    .map((f): [string, string] => [`${label}${folder === 'execution' ? '' : `${folder}/`}${f}`, path.join(full, f)])
    .filter(([, file]) => {
      const fx = JSON.parse(fs.readFileSync(file, 'utf8'));
      return fx.format !== 'dag' && fx.expect?.valid === true && fx.expect.state !== undefined;
    });
}

const STANDARD_CODES = new Set(STANDARD_COMPONENTS.map((c) => getPipelineComponentMetadata(c)!.code));

/** The internal tree of a fixture: as written for `tree`, compiled for another format. */
function fixtureTree(fx: { format?: string; tree: unknown }): PipelineTree {
  if ((fx.format ?? 'tree') === 'tree') return fx.tree as PipelineTree;
  const compiled = compileDefinition(fx.format!, fx.tree, { componentExists: (code) => STANDARD_CODES.has(code) });
  expect(compiled.errors).toEqual([]);
  if (!compiled.valid) throw new Error('unreachable');
  return compiled.tree;
}

const fixtures = [...executionFixtures(CONFORMANCE, ''), ...executionFixtures(CONFORMANCE, '', 'orderlines')];
const projectFixtures = [
  ...executionFixtures(PROJECT_CONFORMANCE, 'project/'),
  ...executionFixtures(PROJECT_CONFORMANCE, 'project/', 'orderlines'),
];

describe('engine core over the conformance execution fixtures', () => {
  it('finds the fixtures', () => expect(fixtures.length).toBeGreaterThan(0));
  it('finds the project fixtures', () => expect(projectFixtures.length).toBeGreaterThan(0));

  it.each([...fixtures, ...projectFixtures])('%s', (_label, file) => {
    const fx = JSON.parse(fs.readFileSync(file, 'utf8'));
    // A fixture whose outcome needs a timer to fire (DESIGN §8.3 timeouts) is the e2e suites' business.
    if (fx.timers === true) return;
    const inputs = Object.fromEntries(Object.entries(fx.inputs ?? {}).map(([k, v]) => [k.startsWith('${') ? k : `\${${k}}`, v]));
    const tree = fixtureTree(fx);
    const sim = simulate(tree, inputs);
    expect(sim.run.state).toBe(fx.expect.state);
    for (const [id, state] of Object.entries(fx.expect.nodes ?? {})) {
      expect([id, findNode(sim.nodes, id)]).toEqual([id, state]);
    }
    if (fx.expect.outputs) expect(sim.outputs).toEqual(fx.expect.outputs);
    if (fx.expect.context) {
      const context = renderScopeVariables(sim.tree.root, sim.context.get(tree.id) ?? {});
      expect(context).toEqual(expect.objectContaining(fx.expect.context));
    }
  });

  it("runs orderlines' README sample with its result arithmetic", () => {
    const fx = JSON.parse(fs.readFileSync(path.join(PROJECT_CONFORMANCE, 'orderlines/sample-readme-parallel.json'), 'utf8'));
    const tree = fixtureTree(fx);
    const sim = simulate(tree);
    expect(sim.run.state).toBe('FINISHED');
    // add(1, 123143) + 1, then subtraction(add_value, 123123)
    expect(sim.context.get(tree.id)).toMatchObject({ '${add_value}': 123145, '${subtraction_value}': 22 });
    expect(sim.nodes.get('1006')?.outputs).toEqual({ subtraction_value: -2 });
  });
});

/** start → a1 → … → end, all `code`. */
function linear(n: number, code = 'noop', extra: Partial<PipelineTree['activities'][string]> = {}): PipelineTree {
  const ids = Array.from({ length: n }, (_, i) => `a${i + 1}`);
  const chain = ['s', ...ids, 'e'];
  const flows: PipelineTree['flows'] = {};
  chain.slice(1).forEach((t, i) => (flows[`f${i}`] = { id: `f${i}`, source: chain[i], target: t, is_default: false }));
  const activities: PipelineTree['activities'] = {};
  ids.forEach((id, i) => {
    activities[id] = {
      id, type: 'ServiceActivity', name: id, incoming: [`f${i}`], outgoing: `f${i + 1}`,
      component: { code, inputs: { message: { type: 'plain', value: `boom ${id}` } } },
      error_ignorable: false, ...extra,
    } as PipelineTree['activities'][string];
  });
  return {
    id: 'lin', start_event: { id: 's', type: 'EmptyStartEvent', incoming: '', outgoing: 'f0' },
    end_event: { id: 'e', type: 'EmptyEndEvent', incoming: [`f${n}`], outgoing: '' },
    activities, gateways: {}, flows, data: { inputs: {}, outputs: [] },
  };
}

describe('engine core scenarios', () => {
  it('walks a long linear chain with one version per node', () => {
    const sim = simulate(linear(200));
    expect(sim.run.state).toBe('FINISHED');
    expect([...sim.nodes.values()].every((n) => n.state === 'FINISHED' && n.version === 1 && n.loop === 1)).toBe(true);
    expect(sim.events.filter((e) => e.type === 'pipeline_finish')).toHaveLength(1);
  });

  it('retries automatically under a retry policy, then succeeds', () => {
    let calls = 0;
    const sim = simulate(linear(1, 'flaky', { retry: { max: 3, delaySeconds: 1, backoff: 2 } }), {}, () =>
      ++calls < 3 ? { ok: false, outputs: {}, exData: `try ${calls}`, finished: true } : { ok: true, outputs: { ok: 1 }, finished: true },
    );
    expect(sim.run.state).toBe('FINISHED');
    const a1 = sim.nodes.get('a1')!;
    expect(a1).toMatchObject({ state: 'FINISHED', retries: 2, version: 3, outputs: { ok: 1 } });
    expect(sim.histories.filter((h) => h.kind === 'auto_retry')).toHaveLength(2);
  });

  it('fails for good when the retry policy is exhausted', () => {
    const sim = simulate(linear(2, 'fail', { retry: { max: 2 } }));
    expect(sim.run.state).toBe('FAILED');
    expect(sim.nodes.get('a1')).toMatchObject({ state: 'FAILED', retries: 2, exData: 'boom a1' });
    expect(sim.state('a2')).toBeNull();
    const blocked = [...sim.processes.values()].find((p) => p.state === 'BLOCKED');
    expect(blocked?.currentNodeId).toBe('a1');
  });

  it('marks an ignored error on the node and goes on', () => {
    const sim = simulate(linear(2, 'fail', { error_ignorable: true }));
    expect(sim.run.state).toBe('FINISHED');
    expect(sim.nodes.get('a1')).toMatchObject({ state: 'FINISHED', errorIgnored: true, exData: 'boom a1' });
  });

  it('polls a scheduled node until it finishes, without a duplicate completion', () => {
    let polls = 0;
    const sim = simulate(linear(1, 'poller'), {}, (_id, _in, phase) =>
      phase === 'execute'
        ? { ok: true, outputs: { started: true }, finished: false, pollDelayMs: 0 }
        : { ok: true, outputs: { polls: ++polls }, finished: polls >= 3, pollDelayMs: 0 },
    );
    expect(sim.run.state).toBe('FINISHED');
    expect(sim.nodes.get('a1')).toMatchObject({ state: 'FINISHED', scheduleTimes: 3, outputs: { started: true, polls: 3 } });
  });

  it('stores an external task with the node\'s wait, one per node life (DESIGN §8.6)', () => {
    const tree = linear(1, 'ext');
    const v = validateTree(tree);
    const sim = new EngineSimulator(tree, v.converges, {}, (_id, _in, phase) =>
      phase === 'execute'
        ? { ok: true, outputs: { topic: 't' }, finished: false, offer: { topic: 't', payload: { n: 1 } } }
        : { ok: true, outputs: {}, finished: true },
    );
    const offers = [];
    for (let e = sim.pending.shift(); e; e = sim.pending.shift()) offers.push(...(sim.play(e)?.offers ?? []));
    const a1 = sim.nodes.get('a1')!;
    expect(a1).toMatchObject({ state: 'RUNNING', awaiting: 'callback' });
    expect(offers).toEqual([{ id: expect.any(String), nodeId: 'a1', version: a1.version, topic: 't', payload: { n: 1 }, attempt: 1 }]);
    // The worker's report arrives as the node's callback; finishing offers nothing more.
    sim.operate({ type: 'callback', nodeId: 'a1', version: a1.version, data: { outputs: {} }, callbackType: 'callback' });
    for (let e = sim.pending.shift(); e; e = sim.pending.shift()) expect(sim.play(e)?.offers).toBeUndefined();
    expect(sim.run.state).toBe('FINISHED');
  });

  it('drops an outcome for a stale version', () => {
    const sim = simulate(linear(1, 'waiter'), {}, () => ({ ok: true, outputs: {}, finished: false }));
    const a1 = sim.nodes.get('a1')!;
    expect(a1.state).toBe('RUNNING');
    expect(sim.play({ type: 'execute', nodeId: 'a1', version: a1.version + 1 })).toBeNull();
    expect(sim.play({ type: 'advance', processId: 'p0', rev: 0 })).toBeNull();
  });

  it('never starts anything on a revoked run', () => {
    const tree = linear(3);
    const v = validateTree(tree);
    const sim = new EngineSimulator(tree, v.converges);
    sim.play(sim.pending.shift()!);
    sim.run = { ...sim.run, state: 'REVOKED' };
    const next = sim.pending.shift()!;
    expect(sim.play(next)?.dropped).toContain('REVOKED');
    expect(sim.state('a1')).toBeNull();
  });

  it('stops processes before their next node while the run is suspended', () => {
    const tree = linear(3);
    const sim = new EngineSimulator(tree, validateTree(tree).converges);
    sim.play(sim.pending.shift()!);
    sim.run = { ...sim.run, state: 'SUSPENDED' };
    sim.runToEnd();
    expect(sim.processes.get('p0')).toMatchObject({ state: 'SUSPENDED', currentNodeId: 'a1' });
    expect(sim.state('a1')).toBeNull();
  });

  it('loops through an exclusive gateway when cycles are tolerated, renewing versions', () => {
    const tree = JSON.parse(fs.readFileSync(path.join(CONFORMANCE, 'validation/13-exclusive-loops-back-to-activities.json'), 'utf8')).tree as PipelineTree;
    // Loop back to act_1 twice, then leave through f6.
    let round = 0;
    tree.data.inputs['${round}'] = { type: 'splice', value: null, source_act: 'act_2', source_key: 'round' };
    tree.gateways.eg_1 = {
      ...(tree.gateways.eg_1 as object),
      conditions: { f4: { evaluate: '${round} < 3' }, f5: { evaluate: '1 == 0' }, f6: { evaluate: '${round} >= 3' } },
    } as unknown as PipelineTree["gateways"][string];
    const sim = simulate(tree, {}, (nodeId) => ({ ok: true, outputs: nodeId === 'act_2' ? { round: ++round } : {}, finished: true }), true);
    expect(sim.run.state).toBe('FINISHED');
    expect(sim.nodes.get('act_1')).toMatchObject({ state: 'FINISHED', loop: 3, version: 3 });
    expect(sim.nodes.get('eg_1')).toMatchObject({ loop: 3 });
    expect(sim.histories.filter((h) => h.kind === 'loop' && h.nodeId === 'act_1')).toHaveLength(2);
  });

  it('fails an exclusive gateway when several conditions hold', () => {
    const fx = JSON.parse(fs.readFileSync(path.join(CONFORMANCE, 'execution/01-exclusive-default-branch.json'), 'utf8'));
    const sim = simulate(fx.tree, { '${x}': 3 });
    expect(sim.run.state).toBe('FINISHED');
    expect(sim.state('act_mid')).toBe('FINISHED');
    const tree = structuredClone(fx.tree);
    tree.gateways.eg_1.conditions.f4.evaluate = '${x} >= 3';
    const sim2 = simulate(tree, { '${x}': 7 });
    expect(sim2.run.state).toBe('FAILED');
    expect(sim2.nodes.get('eg_1')).toMatchObject({ state: 'FAILED' });
    expect(String(sim2.nodes.get('eg_1')!.exData)).toContain('more than one condition');
  });

  it('makes a run FAILED only once no branch moves any more, whichever order the steps take', () => {
    const file = path.join(PROJECT_CONFORMANCE, 'execution/parallel-fail-with-two-noop-chains.json');
    const fx = JSON.parse(fs.readFileSync(file, 'utf8'));
    const moving = (sim: EngineSimulator) => [...sim.processes.values()].filter((p) => p.state === 'ACTIVE' || p.state === 'IN_NODE');
    // FIFO, and LIFO (the failing branch is walked to its failure before the others start).
    for (const pick of ['fifo', 'lifo'] as const) {
      const v = validateTree(fx.tree);
      const holder: { sim?: EngineSimulator } = {};
      const sim = new EngineSimulator(fx.tree, v.converges, {}, standard(() => holder.sim!));
      holder.sim = sim;
      let failedWhileOthersMoved = false;
      for (let i = 0; i < 1000 && sim.pending.length; i++) {
        sim.play(pick === 'fifo' ? sim.pending.shift()! : sim.pending.pop()!);
        if (sim.run.state === 'FAILED') expect([pick, i, moving(sim)]).toEqual([pick, i, []]);
        if (sim.state('branch_fail') === 'FAILED' && moving(sim).length) {
          failedWhileOthersMoved = true;
          expect([pick, i, sim.run.state]).toEqual([pick, i, 'RUNNING']);
        }
      }
      expect([pick, failedWhileOthersMoved]).toEqual([pick, true]);
      expect(sim.run.state).toBe('FAILED');
      for (const id of ['b1', 'b2', 'b3', 'c1', 'c2', 'c3']) expect([id, sim.state(id)]).toEqual([id, 'FINISHED']);
      expect(sim.state('cg')).toBeNull();
    }
  });

  it('makes a run FAILED when its last moving branch stops at an appointed pause', () => {
    const file = path.join(PROJECT_CONFORMANCE, 'execution/parallel-fail-with-noop-sibling.json');
    const fx = JSON.parse(fs.readFileSync(file, 'utf8'));
    const v = validateTree(fx.tree);
    const holder: { sim?: EngineSimulator } = {};
    const sim = new EngineSimulator(fx.tree, v.converges, {}, standard(() => holder.sim!));
    holder.sim = sim;
    sim.operate({ type: 'pause_node', nodeId: 'n2' });
    sim.runToEnd();
    expect(sim.state('branch_fail')).toBe('FAILED');
    expect(sim.state('n2')).toBe('SUSPENDED');
    expect(sim.run.state).toBe('FAILED');
    // Resuming the paused node moves its branch again: RUNNING, then FAILED once it waits at cg.
    sim.operate({ type: 'resume_node', nodeId: 'n2' });
    expect(sim.run.state).toBe('RUNNING');
    sim.runToEnd();
    expect(sim.state('n3')).toBe('FINISHED');
    expect(sim.run.state).toBe('FAILED');
  });

  it('fails the node when entering it breaks the transition table, and an operator can skip it', () => {
    const tree = linear(2);
    const sim = new EngineSimulator(tree, validateTree(tree).converges);
    sim.play(sim.pending.shift()!); // start → a1
    // Corrupt state: a1's row is already RUNNING while its process is about to enter it.
    sim.nodes.set('a1', blankNodeRecord({ runId: sim.run.id, nodeId: 'a1', scopeId: tree.id, processId: 'p0', state: 'RUNNING', version: 1, loop: 1 }));
    const slice = sim.slice('p0');
    let error: unknown;
    try {
      step(slice);
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(EngineInvariantError);
    const d = failOnInvariant(slice, 'a1', error as EngineInvariantError);
    sim.apply(d);
    const exData = "engine invariant violated (ENGINE_INVARIANT): node 'a1': cannot enter a node that is RUNNING";
    expect(sim.nodes.get('a1')).toMatchObject({ state: 'FAILED', version: 1, exData, outputs: { ex_data: exData }, awaiting: null });
    expect(sim.processes.get('p0')).toMatchObject({ state: 'BLOCKED', currentNodeId: 'a1' });
    expect(sim.run.state).toBe('FAILED');
    expect(d.events).toEqual([{ type: 'node_execute_fail', nodeId: 'a1', data: { root_pipeline_id: sim.run.id, node_id: 'a1', version: 1, ex_data: exData } }]);
    sim.pending.length = 0;
    sim.operate({ type: 'skip_node', nodeId: 'a1' });
    sim.runToEnd();
    expect(sim.run.state).toBe('FINISHED');
  });

  it('fails a node the tree does not know as a broken invariant, not a crash', () => {
    const tree = linear(1);
    const sim = new EngineSimulator(tree, validateTree(tree).converges);
    sim.processes.set('p0', { ...sim.processes.get('p0')!, currentNodeId: 'ghost' });
    const slice = sim.slice('p0');
    expect(() => step(slice)).toThrow(EngineInvariantError);
    sim.apply(failOnInvariant(slice, 'ghost', new EngineInvariantError("node 'ghost' is not in tree 'lin'")));
    expect(sim.nodes.get('ghost')).toMatchObject({ state: 'FAILED', scopeId: 'lin', version: 1 });
    expect(sim.run.state).toBe('FAILED');
  });

  it('drops an invariant failure on a finished or revoked run', () => {
    const tree = linear(1);
    const sim = new EngineSimulator(tree, validateTree(tree).converges);
    sim.run = { ...sim.run, state: 'REVOKED' };
    expect(failOnInvariant(sim.slice('p0'), 's', new EngineInvariantError('x')).dropped).toContain('REVOKED');
  });

  it('joins a 100-branch parallel gateway exactly once', () => {
    const n = 100;
    const acts: PipelineTree['activities'] = {};
    const flows: PipelineTree['flows'] = {
      f0: { id: 'f0', source: 's', target: 'pg', is_default: false },
      fz: { id: 'fz', source: 'cg', target: 'e', is_default: false },
    };
    for (let i = 0; i < n; i++) {
      flows[`in${i}`] = { id: `in${i}`, source: 'pg', target: `b${i}`, is_default: false };
      flows[`out${i}`] = { id: `out${i}`, source: `b${i}`, target: 'cg', is_default: false };
      acts[`b${i}`] = { id: `b${i}`, type: 'ServiceActivity', incoming: [`in${i}`], outgoing: `out${i}`, component: { code: 'noop', inputs: {} } };
    }
    const tree: PipelineTree = {
      id: 'wide', start_event: { id: 's', type: 'EmptyStartEvent', incoming: '', outgoing: 'f0' },
      end_event: { id: 'e', type: 'EmptyEndEvent', incoming: ['fz'], outgoing: '' }, activities: acts,
      gateways: {
        pg: { id: 'pg', type: 'ParallelGateway', incoming: ['f0'], outgoing: Object.keys(flows).filter((f) => f.startsWith('in')) },
        cg: { id: 'cg', type: 'ConvergeGateway', incoming: Object.keys(flows).filter((f) => f.startsWith('out')), outgoing: 'fz' },
      },
      flows, data: { inputs: {}, outputs: [] },
    };
    const sim = simulate(tree);
    expect(sim.run.state).toBe('FINISHED');
    expect(sim.nodes.get('cg')).toMatchObject({ state: 'FINISHED', version: 1 });
    expect([...sim.processes.values()].filter((p) => p.state !== 'DONE')).toEqual([]);
  });
});
