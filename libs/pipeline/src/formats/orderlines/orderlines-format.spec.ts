import type { ExclusiveGateway, PipelineTree, ServiceActivity } from '../../model/tree.types';
import type { ValidationIssue } from '../../model/validation.types';
import { compileDefinition } from '../formats';
import { OrderlinesCompilerBugError } from './orderlines-compiler-bug.error';

type Node = Record<string, unknown>;

const KNOWN = new Set([
  'Test.test_add',
  'Test.test_subtraction',
  'Test.test_multi',
  'noop',
  'echo',
]);
const options = { componentExists: (code: string) => KNOWN.has(code) };

const start = (id: unknown, next: unknown): Node => ({
  task_id: id,
  task_type: 'start',
  method_name: 'start',
  next_id: next,
});
const end = (id: unknown): Node => ({
  task_id: id,
  task_type: 'end',
  method_name: 'end',
  next_id: null,
});
const add = (id: unknown, next: unknown, more: Node = {}): Node => ({
  task_id: id,
  task_name: `add-${String(id)}`,
  task_type: 'common',
  task_module: 'Test',
  method_name: 'test_add',
  method_kwargs: { a: 1, b: 2 },
  next_id: next,
  ...more,
});
const group = (id: unknown, members: unknown[], next: unknown = null): Node => ({
  task_id: id,
  task_type: 'group',
  method_name: 'task_group',
  method_kwargs: { group_ids: members },
  next_id: next,
});
const parallel = (
  id: unknown,
  branches: unknown[],
  next: unknown = null,
  more: Node = {},
): Node => ({
  task_id: id,
  task_type: 'parallel',
  method_name: 'parallel_task',
  method_kwargs: { parallel_task_ids: branches },
  next_id: next,
  ...more,
});
const control = (id: unknown, kwargs: Node): Node => ({
  task_id: id,
  task_type: 'process_control',
  method_name: 'process_control',
  method_kwargs: kwargs,
  next_id: null,
});

function compile(source: unknown) {
  return compileDefinition('orderlines', source, options);
}

function tree(source: unknown): PipelineTree {
  const r = compile(source);
  expect(r.errors).toEqual([]);
  if (!r.valid) throw new Error('invalid');
  return r.tree;
}

function errors(source: unknown): ValidationIssue[] {
  const r = compile(source);
  expect(r.valid).toBe(false);
  return r.errors;
}

const flowsFrom = (t: PipelineTree, id: string) =>
  Object.values(t.flows)
    .filter((f) => f.source === id)
    .map((f) => f.target);
const activity = (t: PipelineTree, id: string) => t.activities[id] as ServiceActivity;

describe('orderlines format: shapes', () => {
  const nodes = [start(1, 2), add(2, 3), end(3)];

  it.each([
    ['{process_info, process_node}', { process_info: { process_name: 'p' }, process_node: nodes }],
    ['{process_info, nodes}', { process_info: { process_name: 'p' }, nodes }],
    [
      '{process_info, task_nodes} (orderlines build adapter)',
      { process_info: { process_name: 'p' }, task_nodes: nodes },
    ],
    ['a bare node array', nodes],
  ])('accepts %s', (_label, source) => {
    const t = tree(source);
    expect(Object.keys(t.activities)).toEqual(['2']);
    expect(t.start_event.id).toBe('1');
    expect(t.end_event.id).toBe('3');
  });

  it('takes task ids as numbers or strings; node ids are their string forms', () => {
    const t = tree([start('s', 7), add(7, 'e'), end('e')]);
    expect(Object.keys(t.activities)).toEqual(['7']);
    expect(flowsFrom(t, 's')).toEqual(['7']);
    expect(flowsFrom(t, '7')).toEqual(['e']);
  });

  it('follows next_id and ignores a wrong prev_id', () => {
    const t = tree([start(1, 2), add(2, 3, { prev_id: 2 }), add(3, 4, { prev_id: 99 }), end(4)]);
    expect([flowsFrom(t, '1'), flowsFrom(t, '2'), flowsFrom(t, '3')]).toEqual([
      ['2'],
      ['3'],
      ['4'],
    ]);
  });

  it('answers process_config.timeout as the timeoutSeconds setting', () => {
    const r = compile({ process_info: { process_config: { timeout: 60 } }, process_node: nodes });
    expect(r.valid && r.settings).toEqual({ timeoutSeconds: 60 });
    const none = compile({ process_info: { process_config: null }, process_node: nodes });
    expect(none.valid && none.settings).toEqual({});
  });
});

describe('orderlines format: common tasks', () => {
  it('runs <task_module>.<method_name> when registered, else <method_name>', () => {
    const t = tree([
      start(1, 2),
      add(2, 3),
      { ...add(3, 4), task_module: 'Elsewhere', method_name: 'noop' },
      end(4),
    ]);
    expect(activity(t, '2').component.code).toBe('Test.test_add');
    expect(activity(t, '3').component.code).toBe('noop');
  });

  it('maps method_kwargs to inputs: splice when a ${} is inside, plain otherwise', () => {
    const t = tree([
      start(1, 2),
      add(2, 3, { method_kwargs: { a: '${x}', b: 2, c: 'text', d: { deep: ['${y}'] }, e: null } }),
      end(3),
    ]);
    expect(activity(t, '2').component.inputs).toEqual({
      a: { type: 'splice', value: '${x}' },
      b: { type: 'plain', value: 2 },
      c: { type: 'plain', value: 'text' },
      d: { type: 'splice', value: { deep: ['${y}'] } },
      e: { type: 'plain', value: null },
    });
    expect(activity(t, '2').name).toBe('add-2');
  });

  it('maps result to result bindings', () => {
    const t = tree([
      start(1, 2),
      add(2, 3, {
        result: [
          { sum: '${add_value}+1', variable_type: 'int', variable_desc: 'd' },
          { raw: '${return_value}' },
        ],
      }),
      end(3),
    ]);
    expect(activity(t, '2').results).toEqual([
      { variable: 'sum', value: '${add_value}+1', type: 'int' },
      { variable: 'raw', value: '${return_value}' },
    ]);
  });

  it.each<[string, Node | null, Partial<ServiceActivity> & Record<string, unknown>]>([
    ['no task_config: raise', null, { error_ignorable: false }],
    ['raise', { task_strategy: 'raise' }, { error_ignorable: false }],
    ['skip → error_ignorable', { task_strategy: 'skip' }, { error_ignorable: true }],
    [
      'ignore (README wording) → error_ignorable',
      { task_strategy: 'ignore' },
      { error_ignorable: true },
    ],
    ['retry: 3 attempts by default', { task_strategy: 'retry' }, { retry: { max: 2 } }],
    [
      'retry_time attempts in all',
      { task_strategy: 'retry', retry_time: 5 },
      { retry: { max: 4 } },
    ],
    ['timeout → running timeout', { timeout: 30 }, { timeout: { runningSeconds: 30 } }],
    [
      'callback → onFailure',
      { callback_module: 'Email', callback_func: 'send', notice_type: 'email' },
      { onFailure: { component: 'Email.send', noticeType: 'email' } },
    ],
    ['callback without a module', { callback_func: 'send' }, { onFailure: { component: 'send' } }],
  ])('task_config %s', (_label, config, expected) => {
    const t = tree([start(1, 2), add(2, 3, { task_config: config }), end(3)]);
    expect(activity(t, '2')).toMatchObject(expected);
    if (!config?.task_strategy || config.task_strategy !== 'retry')
      expect(activity(t, '2').retry).toBeUndefined();
  });
});

describe('orderlines format: groups and parallel nodes', () => {
  it('runs a group’s tasks in list order, then its next_id', () => {
    const t = tree([start(1, 5), group(5, [3, 2], 4), add(2, null), add(3, null), end(4)]);
    expect([flowsFrom(t, '1'), flowsFrom(t, '3'), flowsFrom(t, '2')]).toEqual([
      ['3'],
      ['2'],
      ['4'],
    ]);
    expect(t.activities['5']).toBeUndefined();
  });

  it('forks a branch per listed task or group and joins them before next_id', () => {
    const t = tree([
      start(1, 10),
      parallel(10, [11, 14], 20, { task_config: { runner: 'process' } }),
      group(11, [12, 13]),
      add(12, null),
      add(13, null),
      add(14, null),
      end(20),
    ]);
    expect(t.gateways['10']).toMatchObject({ type: 'ParallelGateway' });
    expect(t.gateways['10.join']).toMatchObject({ type: 'ConvergeGateway' });
    expect(flowsFrom(t, '10').sort()).toEqual(['12', '14']);
    expect([flowsFrom(t, '12'), flowsFrom(t, '13'), flowsFrom(t, '14')]).toEqual([
      ['13'],
      ['10.join'],
      ['10.join'],
    ]);
    expect(flowsFrom(t, '10.join')).toEqual(['20']);
    const r = compile([
      start(1, 10),
      parallel(10, [11, 14], 20),
      group(11, [12, 13]),
      add(12, null),
      add(13, null),
      add(14, null),
      end(20),
    ]);
    expect(r.valid && r.converges).toEqual({ '10': '10.join' });
  });

  it('ignores the next_id of tasks inside a group or parallel node', () => {
    const t = tree([
      start(1, 10),
      parallel(10, [11], 20),
      group(11, [12], 20),
      add(12, 20),
      end(20),
    ]);
    expect(flowsFrom(t, '12')).toEqual(['10.join']);
  });

  it('never gives a synthetic node a task id', () => {
    const t = tree([
      start('process', 10),
      parallel(10, ['flow.1'], '10.join'),
      add('flow.1', null),
      { ...add('10.join', 'e') },
      end('e'),
    ]);
    expect(t.id).not.toBe('process');
    expect(t.activities['10.join']).toBeDefined();
    const join = Object.values(t.gateways).find((g) => g.type === 'ConvergeGateway')!;
    expect(join.id).not.toBe('10.join');
    expect(t.flows['flow.1']).toBeUndefined();
    expect(flowsFrom(t, join.id)).toEqual(['10.join']);
  });
});

describe('orderlines format: process control', () => {
  it('by status: the status task records its outcome, the gateway branches on it', () => {
    const t = tree([
      start(1, 2),
      add(2, 3),
      control(3, {
        conditions: 2,
        expression: { success: { task_id: 4 }, failure: { task_id: 5 } },
      }),
      add(4, 6),
      add(5, null),
      end(6),
    ]);
    expect(activity(t, '2').outcomeVariable).toBe('__status_2');
    const gw = t.gateways['3'] as ExclusiveGateway;
    expect(gw.type).toBe('ExclusiveGateway');
    const byTarget = Object.fromEntries(
      Object.entries(gw.conditions).map(([flow, c]) => [t.flows[flow].target, c.evaluate]),
    );
    expect(byTarget).toEqual({
      '4': '${__status_2} == "finished"',
      '5': '${__status_2} in ("error_ignored", "skipped")',
    });
    expect(gw.default_condition).toBeUndefined();
    expect(flowsFrom(t, '5')).toEqual(['6']);
  });

  it('by value: the first name whose every clause holds wins; names leading to one task share a flow', () => {
    const t = tree([
      start(1, 2),
      add(2, 3),
      control(3, {
        conditions: [
          {
            A: [
              { condition: '${x}', target: 10, sign: '>' },
              { condition: '${x}', target: 'a"b', sign: '=' },
            ],
          },
          { B: [{ condition: 'v ${x}', target: true, sign: '<=' }] },
          { C: [] },
        ],
        expression: { A: { task_id: 4 }, B: { task_id: 5 }, C: { task_id: 4 } },
      }),
      add(4, null),
      add(5, null),
      end(6),
    ]);
    const gw = t.gateways['3'] as ExclusiveGateway;
    const byTarget = Object.fromEntries(
      Object.entries(gw.conditions).map(([flow, c]) => [t.flows[flow].target, c.evaluate]),
    );
    const a = '(${x}) > 10 and (${x}) == "a\\"b"';
    const b = '"v ${x}" <= true';
    expect(byTarget).toEqual({
      '4': `(${a}) or ((true) and not ((${a}) or (${b})))`,
      '5': `(${b}) and not ((${a}))`,
    });
  });
});

describe('orderlines format: validation', () => {
  const base = (...more: Node[]) => [start(1, 2), add(2, 3), end(3), ...more];
  const find = (list: ValidationIssue[], code: string, nodeId?: string) =>
    list.filter((e) => e.code === code && (nodeId === undefined || e.nodeId === nodeId));

  it.each<[string, unknown, { code: string; nodeId?: string; path: string }]>([
    ['not an object or array', 'nonsense', { code: 'INVALID_SCHEMA', path: '' }],
    ['no node list', { process_info: {} }, { code: 'INVALID_SCHEMA', path: 'process_node' }],
    [
      'a node list that is not an array',
      { process_node: {} },
      { code: 'INVALID_SCHEMA', path: 'process_node' },
    ],
    [
      'a node that is not an object',
      { process_node: [...base(), 5] },
      { code: 'INVALID_SCHEMA', path: 'process_node[3]' },
    ],
    [
      'a missing task_id',
      { nodes: [...base(), { task_type: 'common' }] },
      { code: 'INVALID_SCHEMA', path: 'nodes[3].task_id' },
    ],
    [
      'an unknown task_type',
      [start(1, 2), { ...add(2, 3), task_type: 'loop' }, end(3)],
      { code: 'INVALID_SCHEMA', nodeId: '2', path: '[1].task_type' },
    ],
    [
      'a common task without method_name',
      [start(1, 2), { ...add(2, 3), method_name: undefined }, end(3)],
      { code: 'INVALID_SCHEMA', nodeId: '2', path: '[1].method_name' },
    ],
    [
      'a bad next_id type',
      [start(1, 2), add(2, { id: 3 }), end(3)],
      { code: 'INVALID_SCHEMA', nodeId: '2', path: '[1].next_id' },
    ],
    [
      'a bad task_strategy',
      [start(1, 2), add(2, 3, { task_config: { task_strategy: 'panic' } }), end(3)],
      { code: 'INVALID_SCHEMA', nodeId: '2', path: '[1].task_config.task_strategy' },
    ],
    [
      'a bad retry_time',
      [start(1, 2), add(2, 3, { task_config: { task_strategy: 'retry', retry_time: 0 } }), end(3)],
      { code: 'INVALID_SCHEMA', nodeId: '2', path: '[1].task_config.retry_time' },
    ],
    [
      'a bad timeout',
      [start(1, 2), add(2, 3, { task_config: { timeout: -1 } }), end(3)],
      { code: 'INVALID_SCHEMA', nodeId: '2', path: '[1].task_config.timeout' },
    ],
    [
      'a bad runner',
      [
        start(1, 10),
        parallel(10, [2], 3, { task_config: { runner: 'threads' } }),
        add(2, null),
        end(3),
      ],
      { code: 'INVALID_SCHEMA', nodeId: '10', path: '[1].task_config.runner' },
    ],
    [
      'a bad process timeout',
      { process_info: { process_config: { timeout: 'soon' } }, process_node: base() },
      { code: 'INVALID_SCHEMA', path: 'process_info.process_config.timeout' },
    ],
    [
      'a bad variable_type',
      [
        start(1, 2),
        add(2, 3, { result: [{ v: '${add_value}', variable_type: 'number' }] }),
        end(3),
      ],
      { code: 'INVALID_SCHEMA', nodeId: '2', path: '[1].result[0].variable_type' },
    ],
    [
      'a result naming two variables',
      [start(1, 2), add(2, 3, { result: [{ v: 1, w: 2 }] }), end(3)],
      { code: 'INVALID_SCHEMA', nodeId: '2', path: '[1].result[0]' },
    ],
    [
      'a result on a group',
      [start(1, 5), { ...group(5, [2], 3), result: [] }, add(2, null), end(3)],
      { code: 'INVALID_SCHEMA', nodeId: '5', path: '[1].result' },
    ],
    [
      'a result that does not parse',
      [start(1, 2), add(2, 3, { result: [{ v: '${add_value} +' }] }), end(3)],
      { code: 'INVALID_EXPRESSION', nodeId: '2', path: '[1].result[0].v' },
    ],
    [
      'an argument that does not parse',
      [start(1, 2), add(2, 3, { method_kwargs: { a: '${(}' } }), end(3)],
      { code: 'INVALID_EXPRESSION', nodeId: '2', path: '[1].method_kwargs.a' },
    ],
    [
      'an empty group',
      [start(1, 5), group(5, [], 3), end(3)],
      { code: 'INVALID_SCHEMA', nodeId: '5', path: '[1].method_kwargs.group_ids' },
    ],
    [
      'a group of a group',
      [start(1, 5), group(5, [6], 3), group(6, [2]), add(2, null), end(3)],
      { code: 'INVALID_SCHEMA', nodeId: '5', path: '[1].method_kwargs.group_ids[0]' },
    ],
    [
      'a task in two groups',
      [start(1, 5), group(5, [2], 6), group(6, [2], 3), add(2, null), end(3)],
      { code: 'INVALID_SCHEMA', nodeId: '2', path: '[3].task_id' },
    ],
    [
      'a next_id into a group member',
      [start(1, 5), group(5, [2], 3), add(2, null), end(3), add(7, 2)],
      { code: 'INVALID_SCHEMA', nodeId: '7', path: '[4].next_id' },
    ],
    [
      'a bad sign',
      [
        start(1, 2),
        add(2, 3),
        control(3, {
          conditions: [{ A: [{ condition: 1, target: 1, sign: '==' }] }],
          expression: { A: { task_id: 4 } },
        }),
        end(4),
      ],
      { code: 'INVALID_SCHEMA', nodeId: '3', path: '[2].method_kwargs.conditions[0].A[0].sign' },
    ],
    [
      'a condition without a branch',
      [start(1, 2), add(2, 3), control(3, { conditions: [{ A: [] }], expression: {} }), end(4)],
      { code: 'INVALID_SCHEMA', nodeId: '3', path: '[2].method_kwargs.expression.A' },
    ],
    [
      'a status of a group',
      [
        start(1, 5),
        group(5, [2], 3),
        add(2, null),
        control(3, { conditions: 5, expression: { success: { task_id: 4 } } }),
        end(4),
      ],
      { code: 'INVALID_SCHEMA', nodeId: '3', path: '[3].method_kwargs.conditions' },
    ],
    [
      'a status branch that is not success / failure',
      [
        start(1, 2),
        add(2, 3),
        control(3, {
          conditions: 2,
          expression: { success: { task_id: 4 }, maybe: { task_id: 4 } },
        }),
        end(4),
      ],
      { code: 'INVALID_SCHEMA', nodeId: '3', path: '[2].method_kwargs.expression.maybe' },
    ],
    [
      'an unknown next_id',
      [start(1, 2), add(2, 9), end(3)],
      { code: 'UNKNOWN_TASK', nodeId: '2', path: '[1].next_id' },
    ],
    [
      'an unknown group member',
      [start(1, 5), group(5, [2, 9], 3), add(2, null), end(3)],
      { code: 'UNKNOWN_TASK', nodeId: '5', path: '[1].method_kwargs.group_ids[1]' },
    ],
    [
      'an unknown parallel branch',
      [start(1, 5), parallel(5, [9], 3), end(3)],
      { code: 'UNKNOWN_TASK', nodeId: '5', path: '[1].method_kwargs.parallel_task_ids[0]' },
    ],
    [
      'an unknown branch target',
      [
        start(1, 2),
        add(2, 3),
        control(3, { conditions: 2, expression: { success: { task_id: 9 } } }),
        end(4),
      ],
      { code: 'UNKNOWN_TASK', nodeId: '3', path: '[2].method_kwargs.expression.success.task_id' },
    ],
    [
      'conditions naming no task',
      [
        start(1, 2),
        add(2, 3),
        control(3, { conditions: 'success', expression: { success: { task_id: 4 } } }),
        end(4),
      ],
      { code: 'UNKNOWN_TASK', nodeId: '3', path: '[2].method_kwargs.conditions' },
    ],
    [
      'a duplicate id',
      [start(1, 2), add(2, 3), add(2, 3), end(3)],
      { code: 'DUPLICATE_ID', nodeId: '2', path: '[2].task_id' },
    ],
    [
      'a duplicate id across number and string',
      [start(1, 2), add(2, 3), add('2', 3), end(3)],
      { code: 'DUPLICATE_ID', nodeId: '2', path: '[2].task_id' },
    ],
    ['no start', [add(2, 3), end(3)], { code: 'DEGREE', path: '' }],
    ['two ends', [...base(), end(4)], { code: 'DEGREE', nodeId: '4', path: '[3].task_type' }],
    [
      'a start leading nowhere',
      [start(1, null), end(3)],
      { code: 'DEGREE', nodeId: '1', path: '[0].next_id' },
    ],
    [
      'an end leading on',
      [start(1, 3), { ...end(3), next_id: 1 }],
      { code: 'DEGREE', nodeId: '3', path: '[1].next_id' },
    ],
    [
      'a task nothing leads to',
      base(add(7, 3)),
      { code: 'DEGREE', nodeId: '7', path: '[3].task_id' },
    ],
    [
      'a link back to the start',
      [start(1, 2), add(2, 1), end(3)],
      { code: 'CONNECT_TO_START', nodeId: '2', path: '[1].next_id' },
    ],
    [
      'a loop',
      [start(1, 2), add(2, 4), add(4, 2), end(3)],
      { code: 'CYCLE', nodeId: '2', path: '[1].next_id' },
    ],
    [
      'a task leading to itself',
      [start(1, 2), add(2, 2), end(3)],
      { code: 'CYCLE', nodeId: '2', path: '[1].next_id' },
    ],
    [
      'a loop through a process control',
      [
        start(1, 2),
        add(2, 3),
        control(3, {
          conditions: 2,
          expression: { success: { task_id: 2 }, failure: { task_id: 4 } },
        }),
        end(4),
      ],
      { code: 'CYCLE', nodeId: '2', path: '[1].next_id' },
    ],
    [
      'an unknown component',
      [start(1, 2), { ...add(2, 3), task_module: 'AddTest' }, end(3)],
      { code: 'UNKNOWN_COMPONENT', nodeId: '2', path: '[1].method_name' },
    ],
  ])('%s', (_label, source, want) => {
    expect(errors(source)).toContainEqual(expect.objectContaining(want));
  });

  it('lists every problem, not only the first', () => {
    const list = errors([
      start(1, 2),
      add(2, 9),
      add(2, 3),
      { ...add(3, 4), task_module: 'X', method_name: 'nope' },
      add(5, 4, { task_config: { task_strategy: 'panic' } }),
      end(4),
    ]);
    expect(list.map((e) => `${e.code} ${e.nodeId ?? ''}`).sort()).toEqual(
      [
        'DEGREE 5',
        'DEGREE 3',
        'DUPLICATE_ID 2',
        'INVALID_SCHEMA 5',
        'UNKNOWN_COMPONENT 3',
        'UNKNOWN_TASK 2',
      ].sort(),
    );
    expect(find(list, 'UNKNOWN_COMPONENT', '3')[0].message).toBe(
      "task 3: no component 'X.nope' or 'nope' is registered",
    );
  });

  it('without a component registry, takes <task_module>.<method_name> unchecked', () => {
    const r = compileDefinition(
      'orderlines',
      [start(1, 2), { ...add(2, 3), task_module: 'Any' }, end(3)],
      {},
    );
    expect(r.valid && (r.tree.activities['2'] as ServiceActivity).component.code).toBe(
      'Any.test_add',
    );
  });
});

describe('OrderlinesCompilerBugError', () => {
  it('names what validation found in the internal tree', () => {
    const e = new OrderlinesCompilerBugError([
      { code: 'DEGREE', nodeId: 'x', path: 'p', message: 'bad' },
    ]);
    expect(e.code).toBe('ORDERLINES_COMPILER_BUG');
    expect(e.message).toContain('DEGREE x bad');
    expect(e.issues).toHaveLength(1);
  });
});
