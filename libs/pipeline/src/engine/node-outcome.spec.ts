import type { PipelineTree, ServiceActivity } from '../model/tree.types';
import { validateTree } from '../model/validate-tree';
import { EngineSimulator, type Behaviour } from './engine-simulator.spec-helper';

/**
 * start → a1 → xg → (ok | ko) → end: the exclusive gateway branches on a1's outcome variable,
 * as orderlines' process control by status compiles.
 */
function branchOnOutcome(a1: Partial<ServiceActivity> = {}): PipelineTree {
  const act = (
    id: string,
    inc: string,
    out: string,
    more: Partial<ServiceActivity> = {},
  ): ServiceActivity => ({
    id,
    type: 'ServiceActivity',
    incoming: [inc],
    outgoing: out,
    component: { code: id, inputs: {} },
    ...more,
  });
  return {
    id: 'root',
    start_event: { id: 's', type: 'EmptyStartEvent', incoming: '', outgoing: 'f0' },
    end_event: { id: 'e', type: 'EmptyEndEvent', incoming: ['f4', 'f5'], outgoing: '' },
    activities: {
      a1: act('a1', 'f0', 'f1', { outcomeVariable: 'a1_outcome', ...a1 }),
      ok: act('ok', 'f2', 'f4'),
      ko: act('ko', 'f3', 'f5'),
    },
    gateways: {
      xg: {
        id: 'xg',
        type: 'ExclusiveGateway',
        incoming: ['f1'],
        outgoing: ['f2', 'f3'],
        conditions: {
          f2: { evaluate: '${a1_outcome} == "finished"' },
          f3: { evaluate: '${a1_outcome} in ("error_ignored", "skipped")' },
        },
      },
    },
    flows: {
      f0: { id: 'f0', source: 's', target: 'a1' },
      f1: { id: 'f1', source: 'a1', target: 'xg' },
      f2: { id: 'f2', source: 'xg', target: 'ok' },
      f3: { id: 'f3', source: 'xg', target: 'ko' },
      f4: { id: 'f4', source: 'ok', target: 'e' },
      f5: { id: 'f5', source: 'ko', target: 'e' },
    },
    data: { inputs: {}, outputs: [] },
  };
}

const a1Fails: Behaviour = (nodeId) =>
  nodeId === 'a1'
    ? { ok: false, outputs: {}, exData: 'boom', finished: true }
    : { ok: true, outputs: {}, finished: true };

function simulate(tree: PipelineTree, behaviour: Behaviour): EngineSimulator {
  const v = validateTree(tree);
  expect(v.errors).toEqual([]);
  return new EngineSimulator(tree, v.converges, {}, behaviour).runToEnd();
}

describe('outcomeVariable', () => {
  it('records `finished` when the component succeeds', () => {
    const sim = simulate(branchOnOutcome(), (_id) => ({ ok: true, outputs: {}, finished: true }));
    expect(sim.context.get('root')).toEqual({ '${a1_outcome}': 'finished' });
    expect([sim.run.state, sim.state('ok'), sim.state('ko')]).toEqual([
      'FINISHED',
      'FINISHED',
      null,
    ]);
  });

  it('records `error_ignored` when the node fails and ignores the error', () => {
    const sim = simulate(branchOnOutcome({ error_ignorable: true }), a1Fails);
    expect(sim.context.get('root')).toEqual({ '${a1_outcome}': 'error_ignored' });
    expect([sim.run.state, sim.state('ok'), sim.state('ko')]).toEqual([
      'FINISHED',
      null,
      'FINISHED',
    ]);
  });

  it('records `skipped` when an operator skips the failed node', () => {
    const sim = simulate(branchOnOutcome(), a1Fails);
    expect(sim.run.state).toBe('FAILED');
    expect(sim.context.get('root')).toEqual({});
    sim.operate({ type: 'skip_node', nodeId: 'a1' });
    sim.runToEnd();
    expect(sim.context.get('root')).toEqual({ '${a1_outcome}': 'skipped' });
    expect([sim.run.state, sim.state('ok'), sim.state('ko')]).toEqual([
      'FINISHED',
      null,
      'FINISHED',
    ]);
  });

  it('writes nothing for an activity without one', () => {
    const tree = branchOnOutcome({ outcomeVariable: undefined });
    const sim = simulate(tree, (_id) => ({ ok: true, outputs: {}, finished: true }));
    expect(sim.context.get('root')).toEqual({});
    // the gateway then reads an undefined variable and fails, saying so
    expect(sim.run.state).toBe('FAILED');
    expect(String(sim.nodes.get('xg')?.exData)).toContain('a1_outcome');
  });

  it('is refused by validation when it is not a variable name', () => {
    const v = validateTree(branchOnOutcome({ outcomeVariable: 'not a name' }));
    expect(v.errors).toEqual([
      expect.objectContaining({ code: 'INVALID_SCHEMA', path: 'activities.a1.outcomeVariable' }),
    ]);
  });
});
