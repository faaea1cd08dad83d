import { scopeFromRecord } from '../expressions';
import type { PipelineTree, ResultBinding, ServiceActivity } from '../model/tree.types';
import { validateTree } from '../model/validate-tree';
import { EngineSimulator, type Behaviour } from './engine-simulator.spec-helper';
import { castResult, evaluateResults } from './results';

describe('evaluateResults', () => {
  const scope = scopeFromRecord({ base: 10, name: 'bob', add_value: 999 });
  const run = (bindings: ResultBinding[], outputs: Record<string, unknown>) =>
    evaluateResults(bindings, outputs, scope);

  it.each<[string, unknown, Record<string, unknown>, unknown]>([
    ['a lone ${k} is the output value itself', '${add_value}', { add_value: 3 }, 3],
    ['arithmetic on the output value', '${add_value}+1', { add_value: 3 }, 4],
    ['outputs win over process variables', '${add_value} * 2', { add_value: 3 }, 6],
    ['falls back to process variables', '${base} + ${add_value}', { add_value: 1 }, 11],
    ['+ joins strings', '${name} + "-" + ${n}', { n: 7 }, 'bob-7'],
    [
      'return_value is the only value of a one-key object',
      '${return_value}',
      { subtraction_value: 20 },
      20,
    ],
    [
      'return_value is the object when it has several keys',
      '${return_value}',
      { a: 1, b: 2 },
      { a: 1, b: 2 },
    ],
    [
      'text without ${ stays text, even if it reads like an expression',
      'add_value + 1',
      { add_value: 1 },
      'add_value + 1',
    ],
    ['a string without ${ is a literal', 'plain text', {}, 'plain text'],
    ['a non-string is taken as written', 42, {}, 42],
  ])('%s', (_label, value, outputs, expected) => {
    expect(run([{ variable: 'v', value }], outputs)).toEqual({
      ok: true,
      values: [{ variable: 'v', value: expected }],
    });
  });

  it('lets a later binding read an earlier one', () => {
    const r = run(
      [
        { variable: 'x', value: '${add_value}', type: 'int' },
        { variable: 'y', value: '${x} * 10' },
      ],
      { add_value: '4' },
    );
    expect(r).toEqual({
      ok: true,
      values: [
        { variable: 'x', value: 4 },
        { variable: 'y', value: 40 },
      ],
    });
  });

  it('fails with the reason when a value cannot be cast', () => {
    expect(run([{ variable: 'n', value: '${v}', type: 'int' }], { v: 'abc' })).toEqual({
      ok: false,
      error: `result 'n': cannot cast "abc" to int`,
    });
  });

  it('fails with the reason when an expression reads an undefined variable', () => {
    const r = run([{ variable: 'n', value: '${missing}+1' }], {});
    expect(r.ok).toBe(false);
    expect(!r.ok && r.error).toMatch(/^result 'n': .*missing/);
  });
});

describe('castResult', () => {
  it.each<[Parameters<typeof castResult>[1], unknown, unknown]>([
    ['int', 5, 5],
    ['int', 5.9, 5],
    ['int', -5.9, -5],
    ['int', ' 42 ', 42],
    ['int', true, 1],
    ['float', 2.5, 2.5],
    ['float', '2.5', 2.5],
    ['float', false, 0],
    ['str', 'x', 'x'],
    ['str', 12, '12'],
    ['str', true, 'true'],
    ['str', null, ''],
    ['str', { a: [1] }, '{"a":[1]}'],
    ['dict', { a: 1 }, { a: 1 }],
    ['dict', '{"a":1}', { a: 1 }],
    ['list', [1, 2], [1, 2]],
    ['list', '[1,2]', [1, 2]],
    ['bool', true, true],
    ['bool', 0, false],
    ['bool', 'False', false],
    ['bool', '1', true],
  ])('%s(%j) = %j', (type, value, expected) => {
    expect(castResult(value, type)).toEqual({ ok: true, value: expected });
  });

  it.each<[Parameters<typeof castResult>[1], unknown]>([
    ['int', '4.2'],
    ['int', 'abc'],
    ['int', null],
    ['int', [1]],
    ['int', Infinity],
    ['float', ''],
    ['float', 'x'],
    ['float', {}],
    ['dict', [1]],
    ['dict', '[1]'],
    ['dict', 'nope'],
    ['list', { a: 1 }],
    ['list', 'x'],
    ['bool', 'yes'],
    ['bool', 2],
    ['bool', null],
  ])('%s(%j) cannot be cast', (type, value) => {
    const r = castResult(value, type);
    expect(r.ok).toBe(false);
    expect(!r.ok && r.error).toContain(`to ${type}`);
  });
});

/** start → a1 → a2 → end; a1 carries `extra`. */
function chain(extra: Partial<ServiceActivity>): PipelineTree {
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
    end_event: { id: 'e', type: 'EmptyEndEvent', incoming: ['f2'], outgoing: '' },
    activities: {
      a1: act('a1', 'f0', 'f1', extra),
      a2: act('a2', 'f1', 'f2', {
        component: { code: 'a2', inputs: { n: { type: 'splice', value: '${sum}' } } },
      }),
    },
    gateways: {},
    flows: {
      f0: { id: 'f0', source: 's', target: 'a1' },
      f1: { id: 'f1', source: 'a1', target: 'a2' },
      f2: { id: 'f2', source: 'a2', target: 'e' },
    },
    data: { inputs: {}, outputs: [] },
  };
}

function simulate(tree: PipelineTree, behaviour: Behaviour): EngineSimulator {
  const v = validateTree(tree);
  expect(v.errors).toEqual([]);
  return new EngineSimulator(tree, v.converges, {}, behaviour).runToEnd();
}

describe('result bindings in the engine', () => {
  const adds: Behaviour = (nodeId, inputs) =>
    nodeId === 'a1'
      ? { ok: true, outputs: { add_value: 2 }, finished: true }
      : { ok: true, outputs: { got: inputs.n }, finished: true };

  it('sets the variables in the node scope when it finishes, readable by the next node', () => {
    const sim = simulate(
      chain({ results: [{ variable: 'sum', value: '${add_value}+1', type: 'int' }] }),
      adds,
    );
    expect(sim.run.state).toBe('FINISHED');
    expect(sim.context.get('root')).toMatchObject({ '${sum}': 3 });
    expect(sim.nodes.get('a2')?.outputs).toEqual({ got: 3 });
  });

  it('fails the node with the reason when a result cannot be cast', () => {
    const sim = simulate(
      chain({ results: [{ variable: 'sum', value: '${add_value}', type: 'dict' }] }),
      adds,
    );
    expect(sim.run.state).toBe('FAILED');
    expect(sim.nodes.get('a1')).toMatchObject({
      state: 'FAILED',
      exData: "result 'sum': cannot cast 2 to dict",
    });
    expect(sim.state('a2')).toBeNull();
    expect(sim.context.get('root')).not.toHaveProperty('${sum}');
  });

  it('retries a node whose result failed under its retry policy', () => {
    let calls = 0;
    const sim = simulate(
      chain({
        results: [{ variable: 'sum', value: '${add_value}', type: 'int' }],
        retry: { max: 2 },
      }),
      (nodeId) =>
        nodeId === 'a1'
          ? { ok: true, outputs: { add_value: ++calls < 2 ? 'x' : '7' }, finished: true }
          : { ok: true, outputs: {}, finished: true },
    );
    expect(sim.run.state).toBe('FINISHED');
    expect(sim.nodes.get('a1')).toMatchObject({ state: 'FINISHED', retries: 1 });
    expect(sim.context.get('root')).toMatchObject({ '${sum}': 7 });
  });

  it('sets nothing when the node fails with its error ignored', () => {
    const sim = simulate(
      chain({ results: [{ variable: 'sum', value: 1 }], error_ignorable: true }),
      (nodeId) =>
        nodeId === 'a1'
          ? { ok: false, outputs: {}, exData: 'boom', finished: true }
          : { ok: true, outputs: {}, finished: true },
    );
    expect(sim.run.state).toBe('FINISHED');
    expect(sim.context.get('root')).not.toHaveProperty('${sum}');
  });

  it('is refused by validation when a result value does not parse', () => {
    const v = validateTree(chain({ results: [{ variable: 'sum', value: '${add_value} +' }] }));
    expect(v.errors).toEqual([
      expect.objectContaining({
        code: 'INVALID_EXPRESSION',
        nodeId: 'a1',
        path: 'activities.a1.results.0.value',
      }),
    ]);
  });

  it('is refused by validation when a binding is malformed', () => {
    const tree = chain({ results: [{ variable: '1bad', value: 1, type: 'number' as never }] });
    const codes = validateTree(tree).errors.map((e) => [e.code, e.path]);
    expect(codes).toEqual(
      expect.arrayContaining([
        ['INVALID_SCHEMA', 'activities.a1.results.0.variable'],
        ['INVALID_SCHEMA', 'activities.a1.results.0.type'],
      ]),
    );
  });
});
