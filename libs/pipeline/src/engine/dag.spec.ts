import * as fs from 'node:fs';
import * as path from 'node:path';
import { dagFormat } from '../formats/dag/dag-format';
import type { PipelineTree } from '../model/tree.types';
import { EngineSimulator, type Behaviour } from './engine-simulator.spec-helper';
import { complete } from './step';

const CONFORMANCE = process.env.CONFORMANCE_DIR ?? path.resolve(__dirname, '../../../../../shared/conformance');
const PROJECT_CONFORMANCE = path.resolve(__dirname, '../../../../test/conformance');

function compile(definition: unknown): PipelineTree {
  const result = dagFormat.compile(definition, {});
  if (!result.valid) throw new Error(JSON.stringify(result.errors));
  return result.tree;
}

/** noop / echo / fail as DESIGN §4 defines them; anything else waits (a callback never comes). */
function standard(sim: () => EngineSimulator): Behaviour {
  return (nodeId, inputs) => {
    const code = sim().tree.activity(nodeId).component.code;
    if (code === 'fail' && inputs.fail !== false) {
      return { ok: false, outputs: { ex_data: inputs.message ?? 'failed' }, exData: inputs.message ?? 'failed', finished: true };
    }
    if (code === 'noop' || code === 'echo' || code === 'fail') return { ok: true, outputs: code === 'echo' ? { ...inputs } : {}, finished: true };
    return { ok: true, outputs: {}, finished: false };
  };
}

function simulate(definition: unknown): EngineSimulator {
  const holder: { sim?: EngineSimulator } = {};
  const sim = new EngineSimulator(compile(definition), {}, {}, standard(() => holder.sim!));
  holder.sim = sim;
  return sim.runToEnd();
}

function dagFixtures(dir: string, label: string): [string, string][] {
  const folder = path.join(dir, 'dag');
  return fs.existsSync(folder)
    ? fs.readdirSync(folder).filter((f) => f.endsWith('.json')).sort().map((f) => [`${label}${f}`, path.join(folder, f)])
    : [];
}

const runnable = [...dagFixtures(CONFORMANCE, ''), ...dagFixtures(PROJECT_CONFORMANCE, 'project/')].filter(([, file]) => {
  const fx = JSON.parse(fs.readFileSync(file, 'utf8'));
  return fx.expect.valid && fx.expect.state;
});

describe('engine core over the DAG conformance fixtures', () => {
  it('finds the fixtures', () => expect(runnable.length).toBeGreaterThan(10));

  it.each(runnable)('%s', (_label, file) => {
    const fx = JSON.parse(fs.readFileSync(file, 'utf8'));
    const sim = simulate(fx.tree);
    expect(sim.run.state).toBe(fx.expect.state);
    for (const [id, state] of Object.entries(fx.expect.nodes ?? {})) expect([id, sim.state(id)]).toEqual([id, state]);
  });
});

describe('DAG scopes in the engine core', () => {
  const noop = (name: string) => ({ name, component: { code: 'noop', inputs: {} } });

  it('records no row for the bounding events: only works appear', () => {
    const sim = simulate({ works: [noop('a'), noop('b')], dags: { b: { dependences: ['a'] } } });
    expect([...sim.nodes.keys()].sort()).toEqual(['a', 'b']);
    expect(sim.run.state).toBe('FINISHED');
    expect(sim.process('p0')?.state).toBe('DONE');
  });

  it('two works settling on the same view conflict on the coordinator: the later one decides again', () => {
    const holder: { sim?: EngineSimulator } = {};
    const sim = new EngineSimulator(
      compile({ works: [noop('a'), noop('b'), noop('join')], dags: { join: { dependences: ['a', 'b'] } } }),
      {},
      {},
      (_id) => ({ ok: true, outputs: {}, finished: true }),
    );
    holder.sim = sim;
    // Start the run and enter both works, without completing them.
    for (let e = sim.pending.shift(); e; e = sim.pending.shift()) {
      if (e.type === 'execute') {
        sim.delayed.push(e);
        continue;
      }
      sim.play(e);
    }
    const [ea, eb] = sim.delayed.splice(0);
    const decide = (e: typeof ea) => {
      if (e.type !== 'execute') throw new Error('expected an execute effect');
      const rec = sim.nodes.get(e.nodeId)!;
      return complete({
        ...sim.slice(rec.processId, [e.nodeId]),
        nodeId: e.nodeId,
        version: e.version,
        outcome: { ok: true, outputs: {}, finished: true, phase: 'execute' },
      });
    };
    const da = decide(ea);
    const db = decide(eb);
    // Each alone sees the other still running: neither starts `join`.
    expect(da.nodes.map((w) => w.record.nodeId)).not.toContain('join');
    expect(db.nodes.map((w) => w.record.nodeId)).not.toContain('join');
    sim.apply(da);
    expect(() => sim.apply(db)).toThrow(/stale process write p0/);
    // Decided again on fresh state, the second settlement starts `join`.
    const again = decide(eb);
    expect(again.nodes.find((w) => w.record.nodeId === 'join')?.record.state).toBe('READY');
  });

  it('an appointed pause on a work not started yet holds it when its rule fires', () => {
    const sim = new EngineSimulator(compile({ works: [noop('a'), noop('b')], dags: { b: { dependences: ['a'] } } }), {}, {}, () => ({
      ok: true,
      outputs: {},
      finished: true,
    }));
    sim.operate({ type: 'pause_node', nodeId: 'b' });
    sim.runToEnd();
    expect(sim.state('a')).toBe('FINISHED');
    expect(sim.state('b')).toBe('SUSPENDED');
    expect(sim.run.state).toBe('RUNNING');
    sim.operate({ type: 'resume_node', nodeId: 'b' });
    sim.runToEnd();
    expect(sim.state('b')).toBe('FINISHED');
    expect(sim.run.state).toBe('FINISHED');
  });

  it('a work paused before it started, then resumed before its rule fired, still starts once', () => {
    const sim = new EngineSimulator(compile({ works: [noop('a'), noop('b')], dags: { b: { dependences: ['a'] } } }), {}, {}, () => ({
      ok: true,
      outputs: {},
      finished: true,
    }));
    sim.operate({ type: 'pause_node', nodeId: 'b' });
    sim.operate({ type: 'resume_node', nodeId: 'b' });
    sim.runToEnd();
    expect(sim.state('b')).toBe('FINISHED');
    expect(sim.events.filter((e) => e.type === 'node_enter' && e.nodeId === 'b')).toHaveLength(1);
    expect(sim.run.state).toBe('FINISHED');
  });
});
