import { treeFromEdges, TreeBuilder, linearTree } from './tree-generators';
import type { PipelineTree, ExclusiveGateway } from './tree.types';
import { validateTree } from './validate-tree';
import type { ValidateOptions, ValidationCode } from './validation.types';
import { MAX_TREE_JSON_DEPTH } from './schema-check';

type Mutable = Record<string, any>;

/** A tree from edges, then changed by `edit` (on a deep copy). */
function tree(
  edges: string[],
  edit?: (t: Mutable) => void,
  options?: Parameters<typeof treeFromEdges>[1],
): Mutable {
  const t = structuredClone(treeFromEdges(edges, options)) as Mutable;
  edit?.(t);
  return t;
}

const LINEAR = ['start>a1>a2>end'];
const PARALLEL = ['start>pg_1', 'pg_1>a1>cg_1', 'pg_1>a2>cg_1', 'cg_1>end'];
const EXCLUSIVE_LOOP = ['start>a1>eg_1', 'eg_1>a1', 'eg_1>end'];

/** A tree whose SubProcess `sp_1` holds `inner` (edges of the nested tree, ids prefixed by the caller). */
function withSub(innerEdges: string[], edit?: (t: Mutable) => void): Mutable {
  const inner = treeFromEdges(innerEdges, {
    id: 'sp_1',
    start: 's_start',
    end: 's_end',
    flowPrefix: 'sf',
  });
  return tree(['start>sp_1>end'], edit, { subProcesses: { sp_1: inner } });
}

interface Case {
  name: string;
  input: unknown;
  options?: ValidateOptions;
  /** Every one of these must be reported (path / nodeId checked when given). */
  expect: Array<{ code: ValidationCode; nodeId?: string; path?: string }>;
  /** None of these codes may be reported. */
  absent?: ValidationCode[];
  /** Exactly these errors (code and nodeId) are reported, nothing else. */
  only?: Array<{ code: ValidationCode; nodeId?: string }>;
}

const deep = (levels: number) => {
  let v: unknown = 1;
  for (let i = 0; i < levels; i++) v = [v];
  return v;
};

const cases: Case[] = [
  // ---------------------------------------------------------------- INVALID_SCHEMA
  { name: 'not an object', input: 'tree', expect: [{ code: 'INVALID_SCHEMA', path: '' }] },
  { name: 'an array', input: [], expect: [{ code: 'INVALID_SCHEMA', path: '' }] },
  {
    name: 'component code missing',
    input: tree(LINEAR, (t) => delete t.activities.a1.component.code),
    expect: [{ code: 'INVALID_SCHEMA', nodeId: 'a1', path: 'activities.a1.component.code' }],
  },
  {
    name: 'activity that is not an object',
    input: tree(LINEAR, (t) => (t.activities.a9 = 'x')),
    expect: [{ code: 'INVALID_SCHEMA', nodeId: 'a9', path: 'activities.a9' }],
  },
  {
    name: 'unknown activity type',
    input: tree(LINEAR, (t) => (t.activities.a1.type = 'ScriptTask')),
    expect: [{ code: 'INVALID_SCHEMA', nodeId: 'a1', path: 'activities.a1.type' }],
  },
  {
    name: 'unknown gateway type',
    input: tree(PARALLEL, (t) => (t.gateways.pg_1.type = 'InclusiveGateway')),
    expect: [{ code: 'INVALID_SCHEMA', nodeId: 'pg_1', path: 'gateways.pg_1.type' }],
  },
  {
    name: 'incoming of the wrong type',
    input: tree(LINEAR, (t) => (t.activities.a2.incoming = 7)),
    expect: [{ code: 'INVALID_SCHEMA', nodeId: 'a2', path: 'activities.a2.incoming' }],
    absent: ['DANGLING_FLOW', 'DEGREE'],
  },
  {
    name: 'start event missing',
    input: tree(LINEAR, (t) => delete t.start_event),
    expect: [{ code: 'INVALID_SCHEMA', path: 'start_event' }],
  },
  {
    name: 'flows not a map',
    input: tree(LINEAR, (t) => (t.flows = [])),
    expect: [{ code: 'INVALID_SCHEMA', path: 'flows' }],
  },
  {
    name: 'flow without target',
    input: tree(LINEAR, (t) => delete t.flows.f2.target),
    expect: [{ code: 'INVALID_SCHEMA', path: 'flows.f2.target' }],
  },
  {
    name: 'bad retry policy',
    input: tree(LINEAR, (t) => (t.activities.a1.retry = { max: -1, delaySeconds: 'soon' })),
    expect: [
      { code: 'INVALID_SCHEMA', nodeId: 'a1', path: 'activities.a1.retry.max' },
      { code: 'INVALID_SCHEMA', nodeId: 'a1', path: 'activities.a1.retry.delaySeconds' },
    ],
  },
  {
    name: 'bad retry backoff and cap (DESIGN §8.3)',
    input: tree(LINEAR, (t) => (t.activities.a1.retry = { max: 2, delaySeconds: 1, backoff: 'linear', maxDelaySeconds: -1 })),
    expect: [
      { code: 'INVALID_SCHEMA', nodeId: 'a1', path: 'activities.a1.retry.backoff' },
      { code: 'INVALID_SCHEMA', nodeId: 'a1', path: 'activities.a1.retry.maxDelaySeconds' },
    ],
  },
  {
    name: 'DESIGN §8.3 retry policy and node timeouts are accepted',
    input: tree(LINEAR, (t) => {
      t.activities.a1.retry = { max: 2, delaySeconds: 1, backoff: 'exponential', maxDelaySeconds: 30 };
      t.activities.a1.timeout = { queueSeconds: 10, runningSeconds: 300 };
      t.activities.a2.retry = { max: 1, delaySeconds: 0.5, backoff: 2 };
      t.activities.a2.timeout = { runningSeconds: 1.5 };
    }),
    expect: [],
  },
  {
    name: 'legacy numeric backoff must be positive',
    input: tree(LINEAR, (t) => (t.activities.a1.retry = { max: 2, backoff: 0 })),
    expect: [{ code: 'INVALID_SCHEMA', nodeId: 'a1', path: 'activities.a1.retry.backoff' }],
  },
  {
    name: 'bad node timeouts (DESIGN §8.3)',
    input: tree(LINEAR, (t) => (t.activities.a1.timeout = { queueSeconds: 0, runningSeconds: 'soon' })),
    expect: [
      { code: 'INVALID_SCHEMA', nodeId: 'a1', path: 'activities.a1.timeout.queueSeconds' },
      { code: 'INVALID_SCHEMA', nodeId: 'a1', path: 'activities.a1.timeout.runningSeconds' },
    ],
  },
  {
    name: 'node timeouts must be an object',
    input: tree(LINEAR, (t) => (t.activities.a1.timeout = 30)),
    expect: [{ code: 'INVALID_SCHEMA', nodeId: 'a1', path: 'activities.a1.timeout' }],
  },
  {
    name: 'bad timeout config',
    input: tree(
      LINEAR,
      (t) => (t.activities.a1.timeout_config = { enable: true, action: 'forced_fail', seconds: 0 }),
    ),
    expect: [
      { code: 'INVALID_SCHEMA', nodeId: 'a1', path: 'activities.a1.timeout_config.seconds' },
    ],
  },
  {
    name: 'bad timer event',
    input: tree(LINEAR, (t) => {
      t.activities.a2.events = {
        timer_events: [
          {
            enable: true,
            action: 'bamboo_engine_forced_fail',
            timer_type: 'time_duration',
            defined: 'PT1M',
          },
          { enable: true, action: 'x', timer_type: 'sometimes', defined: 'PT1M' },
        ],
      };
    }),
    expect: [
      {
        code: 'INVALID_SCHEMA',
        nodeId: 'a2',
        path: 'activities.a2.events.timer_events.1.timer_type',
      },
    ],
  },
  {
    name: 'input variable of unknown type',
    input: tree(LINEAR, (t) => (t.data.inputs['${x}'] = { type: 'magic', value: 1 })),
    expect: [{ code: 'INVALID_SCHEMA', path: 'data.inputs.${x}.type' }],
  },
  {
    name: 'lazy variable without provider',
    input: tree(LINEAR, (t) => (t.data.inputs['${x}'] = { type: 'lazy', value: 1 })),
    expect: [{ code: 'INVALID_SCHEMA', path: 'data.inputs.${x}.custom_type' }],
  },
  {
    name: 'data.outputs key missing from inputs',
    input: tree(LINEAR, (t) => (t.data.outputs = ['${nope}'])),
    expect: [{ code: 'INVALID_SCHEMA', path: 'data.outputs.0' }],
  },
  {
    name: 'source_act naming no node',
    input: tree(
      LINEAR,
      (t) =>
        (t.data.inputs['${r}'] = {
          type: 'splice',
          value: null,
          source_act: 'ghost',
          source_key: 'k',
        }),
    ),
    expect: [{ code: 'INVALID_SCHEMA', path: 'data.inputs.${r}.source_act' }],
  },
  {
    name: 'source_act naming a gateway',
    input: tree(
      PARALLEL,
      (t) =>
        (t.data.inputs['${r}'] = {
          type: 'splice',
          value: null,
          source_act: 'pg_1',
          source_key: 'k',
        }),
    ),
    expect: [{ code: 'INVALID_SCHEMA', path: 'data.inputs.${r}.source_act' }],
  },
  {
    name: 'source_act without source_key',
    input: tree(
      LINEAR,
      (t) => (t.data.inputs['${r}'] = { type: 'splice', value: null, source_act: 'a1' }),
    ),
    expect: [{ code: 'INVALID_SCHEMA', path: 'data.inputs.${r}.source_key' }],
  },
  {
    name: 'source_act naming a node of the parent tree',
    input: withSub(['s_start>inner>s_end'], (t) => {
      t.activities.sp_1.pipeline.data.inputs['${r}'] = {
        type: 'splice',
        value: null,
        source_act: 'sp_1',
        source_key: 'k',
      };
    }),
    expect: [
      {
        code: 'INVALID_SCHEMA',
        nodeId: 'sp_1',
        path: 'activities.sp_1.pipeline.data.inputs.${r}.source_act',
      },
    ],
  },
  {
    name: 'sub-process pipeline id differs from the node id',
    input: withSub(['s_start>inner>s_end'], (t) => (t.activities.sp_1.pipeline.id = 'other')),
    expect: [{ code: 'INVALID_SCHEMA', nodeId: 'sp_1', path: 'activities.sp_1.pipeline.id' }],
  },
  {
    name: 'schema problem inside a nested tree',
    input: withSub(
      ['s_start>inner>s_end'],
      (t) => (t.activities.sp_1.pipeline.activities.inner.component.code = 5),
    ),
    expect: [
      {
        code: 'INVALID_SCHEMA',
        nodeId: 'inner',
        path: 'activities.sp_1.pipeline.activities.inner.component.code',
      },
    ],
  },
  {
    name: 'node id differs from its key',
    input: tree(LINEAR, (t) => (t.activities.a1.id = 'a7')),
    expect: [{ code: 'INVALID_SCHEMA', nodeId: 'a1', path: 'activities.a1.id' }],
  },
  {
    name: 'cycle_tolerate that is not a boolean',
    input: tree(LINEAR, (t) => (t.options = { cycle_tolerate: 'yes' })),
    expect: [{ code: 'INVALID_SCHEMA', path: 'options.cycle_tolerate' }],
  },
  {
    name: 'value nested too deep',
    input: tree(
      LINEAR,
      (t) =>
        (t.activities.a1.component.inputs.x = {
          type: 'plain',
          value: deep(MAX_TREE_JSON_DEPTH + 5),
        }),
    ),
    expect: [{ code: 'INVALID_SCHEMA' }],
  },

  // ---------------------------------------------------------------- DUPLICATE_ID
  {
    name: 'node id reused inside a sub-process',
    input: withSub(['s_start>a1>s_end'], (t) => {
      // root has a node a1 too
      t.activities.a1 = structuredClone(t.activities.sp_1.pipeline.activities.a1);
      t.activities.a1.incoming = [];
      t.activities.a1.outgoing = '';
    }),
    expect: [
      { code: 'DUPLICATE_ID', nodeId: 'a1', path: 'activities.sp_1.pipeline.activities.a1' },
    ],
  },
  {
    name: 'flow id reused in a sub-process',
    input: withSub(['s_start>inner>s_end'], (t) => {
      const sub = t.activities.sp_1.pipeline;
      sub.flows.f1 = { ...sub.flows.sf1, id: 'f1' };
      delete sub.flows.sf1;
      sub.start_event.outgoing = 'f1';
      sub.activities.inner.incoming = ['f1'];
    }),
    expect: [{ code: 'DUPLICATE_ID', path: 'activities.sp_1.pipeline.flows.f1' }],
  },
  {
    name: 'an activity and a gateway with the same id',
    input: tree(
      PARALLEL,
      (t) => (t.gateways.a1 = { id: 'a1', type: 'ConvergeGateway', incoming: [], outgoing: '' }),
    ),
    expect: [{ code: 'DUPLICATE_ID', nodeId: 'a1', path: 'gateways.a1' }],
    absent: ['DEGREE'],
  },
  {
    name: 'a flow with a node id',
    input: tree(LINEAR, (t) => {
      t.flows.a2 = { ...t.flows.f3, id: 'a2' };
      delete t.flows.f3;
      t.activities.a2.outgoing = 'a2';
      t.end_event.incoming = ['a2'];
    }),
    expect: [{ code: 'DUPLICATE_ID', path: 'flows.a2' }],
  },

  // ---------------------------------------------------------------- DANGLING_FLOW
  {
    name: 'flow to a missing node',
    input: tree(LINEAR, (t) => (t.flows.f3.target = 'nowhere')),
    expect: [{ code: 'DANGLING_FLOW', path: 'flows.f3.target' }],
    absent: ['DEGREE', 'UNREACHABLE'],
  },
  {
    name: 'flow from a missing node',
    input: tree(LINEAR, (t) => (t.flows.f3.source = 'nowhere')),
    expect: [{ code: 'DANGLING_FLOW', path: 'flows.f3.source' }],
  },
  {
    name: 'incoming names a missing flow',
    input: tree(LINEAR, (t) => t.activities.a2.incoming.push('f99')),
    expect: [{ code: 'DANGLING_FLOW', nodeId: 'a2', path: 'activities.a2.incoming' }],
  },
  {
    name: 'outgoing names a flow that starts elsewhere',
    input: tree(LINEAR, (t) => (t.activities.a2.outgoing = 'f1')),
    expect: [
      { code: 'DANGLING_FLOW', nodeId: 'a2', path: 'activities.a2.outgoing' },
      { code: 'DANGLING_FLOW', nodeId: 'a2', path: 'flows.f3' },
    ],
  },
  {
    name: 'flow missing from its target incoming',
    input: tree(LINEAR, (t) => (t.end_event.incoming = [])),
    expect: [{ code: 'DANGLING_FLOW', nodeId: 'end', path: 'flows.f3' }],
  },

  // ---------------------------------------------------------------- DEGREE
  {
    name: 'start event with two outgoing flows',
    input: tree(['start>a1>end', 'start>a2>end']),
    expect: [{ code: 'DEGREE', nodeId: 'start', path: 'start_event' }],
  },
  {
    name: 'activity with two outgoing flows',
    input: tree(['start>a1>a2>end', 'a1>end']),
    expect: [{ code: 'DEGREE', nodeId: 'a1' }],
  },
  {
    name: 'activity without incoming flow',
    input: tree(['start>a1>end', 'a2>end']),
    expect: [{ code: 'DEGREE', nodeId: 'a2' }],
    absent: ['UNREACHABLE'],
  },
  {
    name: 'converge gateway with two outgoing flows',
    input: tree(['start>pg_1', 'pg_1>a1>cg_1', 'pg_1>a2>cg_1', 'cg_1>a3>end', 'cg_1>end']),
    expect: [{ code: 'DEGREE', nodeId: 'cg_1' }],
  },
  {
    name: 'parallel gateway without outgoing flow',
    input: tree(['start>eg_1', 'eg_1>a1>end', 'eg_1>pg_1']),
    expect: [{ code: 'DEGREE', nodeId: 'pg_1' }],
  },
  {
    name: 'end event without incoming flow',
    input: tree(['start>a1>a2', 'a2>a1'], (t) => (t.end_event.incoming = [])),
    expect: [{ code: 'DEGREE', nodeId: 'end', path: 'end_event' }],
  },
  {
    name: 'end event with an outgoing flow',
    input: tree(['start>a1>end>a2']),
    expect: [{ code: 'DEGREE', nodeId: 'end' }],
  },

  // ---------------------------------------------------------------- CONNECT_TO_START
  {
    name: 'flow into the start event',
    input: tree(['start>a1>eg_1', 'eg_1>a2>end', 'eg_1>a3>start']),
    expect: [{ code: 'CONNECT_TO_START', nodeId: 'a3', path: 'flows.f6' }],
    absent: ['DEGREE', 'CYCLE', 'DANGLING_FLOW'],
  },
  {
    name: 'flow into the start event of a sub-process',
    input: withSub(['s_start>inner>eg_9', 'eg_9>s_end', 'eg_9>s_start']),
    expect: [{ code: 'CONNECT_TO_START', nodeId: 'eg_9' }],
  },

  // ---------------------------------------------------------------- CYCLE
  {
    name: 'loop through an exclusive gateway',
    input: tree(EXCLUSIVE_LOOP),
    expect: [{ code: 'CYCLE', nodeId: 'a1' }],
  },
  {
    name: 'loop allowed by options.cycleTolerate',
    input: tree(EXCLUSIVE_LOOP),
    options: { cycleTolerate: true },
    expect: [],
  },
  {
    name: 'loop allowed by tree.options.cycle_tolerate',
    input: tree(EXCLUSIVE_LOOP, undefined, { cycleTolerate: true }),
    expect: [],
  },
  {
    name: 'options.cycleTolerate overrides the tree',
    input: tree(EXCLUSIVE_LOOP, undefined, { cycleTolerate: true }),
    options: { cycleTolerate: false },
    expect: [{ code: 'CYCLE' }],
  },
  {
    name: 'a sub-process inherits the tolerance of its parent',
    input: withSub(
      ['s_start>inner>eg_9', 'eg_9>inner', 'eg_9>s_end'],
      (t) => (t.options = { cycle_tolerate: true }),
    ),
    expect: [],
  },
  {
    name: 'loop without an exclusive gateway, even with tolerance',
    input: tree(['start>cg_1>a1>a2>pg_1', 'pg_1>cg_1', 'pg_1>end']),
    options: { cycleTolerate: true },
    expect: [{ code: 'CYCLE', nodeId: 'cg_1' }],
  },
  {
    name: 'loop with no way out',
    input: tree(['start>eg_0', 'eg_0>end', 'eg_0>a1>eg_1', 'eg_1>a2>eg_1']),
    options: { cycleTolerate: true },
    expect: [{ code: 'CYCLE', nodeId: 'eg_1' }],
    absent: ['CONVERGE_MISMATCH'],
  },

  // ---------------------------------------------------------------- CONVERGE_MISMATCH
  {
    name: 'parallel branch running to the end',
    input: tree(['start>pg_1', 'pg_1>a1>cg_1>end', 'pg_1>a2>end']),
    expect: [{ code: 'CONVERGE_MISMATCH', nodeId: 'pg_1' }],
  },
  {
    name: 'parallel branches meeting at an exclusive gateway',
    input: tree(['start>pg_1', 'pg_1>a1>eg_1', 'pg_1>a2>eg_1', 'eg_1>a3>end', 'eg_1>end']),
    expect: [{ code: 'CONVERGE_MISMATCH', nodeId: 'pg_1' }],
  },
  {
    name: 'nested parallel without converge shares the outer one',
    input: tree([
      'start>pg_1',
      'pg_1>a1>cg_1',
      'pg_1>pg_2',
      'pg_2>a2>cg_1',
      'pg_2>a3>cg_1',
      'cg_1>end',
    ]),
    expect: [{ code: 'CONVERGE_MISMATCH', nodeId: 'cg_1' }],
    absent: ['STREAM'],
  },
  {
    name: 'exclusive gateway in a branch escaping to the end',
    input: tree([
      'start>pg_1',
      'pg_1>a1>cg_1',
      'pg_1>eg_1',
      'eg_1>a2>cg_1',
      'eg_1>end',
      'cg_1>end',
    ]),
    // the exclusive gateway is at fault (bamboo blames it too), not the parallel one
    expect: [{ code: 'CONVERGE_MISMATCH', nodeId: 'eg_1', path: 'gateways.eg_1' }],
    only: [{ code: 'CONVERGE_MISMATCH', nodeId: 'eg_1' }],
  },
  {
    name: 'conditional parallel gateway in a sub-process',
    input: withSub(['s_start>cpg_9', 'cpg_9>x1>s_end', 'cpg_9>x2>s_end']),
    expect: [
      {
        code: 'CONVERGE_MISMATCH',
        nodeId: 'cpg_9',
        path: 'activities.sp_1.pipeline.gateways.cpg_9',
      },
    ],
  },

  {
    name: 'nested parallel gateway escaping to the end: only the nested one is at fault',
    input: tree([
      'start>pg_1',
      'pg_1>a1>cg_1',
      'pg_1>pg_2',
      'pg_2>a2>cg_1',
      'pg_2>a3>end',
      'cg_1>end',
    ]),
    expect: [{ code: 'CONVERGE_MISMATCH', nodeId: 'pg_2' }],
    only: [{ code: 'CONVERGE_MISMATCH', nodeId: 'pg_2' }],
  },
  {
    name: 'exclusive gateway escaping from a nested parallel block',
    input: tree([
      'start>pg_1',
      'pg_1>a1>cg_1',
      'pg_1>pg_2',
      'pg_2>b1>cg_2',
      'pg_2>eg_1',
      'eg_1>b2>cg_2',
      'eg_1>end',
      'cg_2>cg_1',
      'cg_1>end',
    ]),
    expect: [{ code: 'CONVERGE_MISMATCH', nodeId: 'eg_1' }],
    only: [{ code: 'CONVERGE_MISMATCH', nodeId: 'eg_1' }],
  },
  {
    name: 'exclusive gateway whose branches meet two converges',
    input: tree(['start>eg_1', 'eg_1>a1>cg_1>end', 'eg_1>a2>cg_2>end']),
    expect: [{ code: 'CONVERGE_MISMATCH', nodeId: 'eg_1', path: 'gateways.eg_1' }],
    only: [{ code: 'CONVERGE_MISMATCH', nodeId: 'eg_1' }],
  },
  {
    name: 'exclusive gateway with one converging branch and one to the end, outside parallel blocks',
    input: tree(['start>eg_1', 'eg_1>a1>cg_1>end', 'eg_1>end']),
    expect: [],
  },
  {
    name: 'exclusive gateway whose branches meet two converges, in a loop body',
    input: tree([
      'start>a1>eg_0',
      'eg_0>end',
      'eg_0>eg_1',
      'eg_1>x1>cg_1',
      'eg_1>x2>cg_2',
      'cg_1>a1',
      'cg_2>a1',
    ]),
    options: { cycleTolerate: true },
    expect: [{ code: 'CONVERGE_MISMATCH', nodeId: 'eg_1' }],
    only: [{ code: 'CONVERGE_MISMATCH', nodeId: 'eg_1' }],
  },
  {
    name: 'parallel block in a loop body',
    input: tree(['start>a1>eg_1', 'eg_1>end', 'eg_1>pg_2', 'pg_2>x1>cg_2', 'pg_2>x2>cg_2', 'cg_2>a1']),
    options: { cycleTolerate: true },
    expect: [],
  },
  {
    name: 'exclusive loop inside a parallel branch',
    input: tree(['start>pg_1', 'pg_1>b1>eg_1', 'eg_1>b1', 'eg_1>cg_1', 'pg_1>b2>cg_1', 'cg_1>end']),
    options: { cycleTolerate: true },
    expect: [],
  },
  {
    name: 'parallel branches that only loop back',
    input: tree(['start>a0>eg_0', 'eg_0>end', 'eg_0>pg_1', 'pg_1>a1>a0', 'pg_1>a2>a0']),
    options: { cycleTolerate: true },
    expect: [{ code: 'CONVERGE_MISMATCH', nodeId: 'pg_1' }],
    only: [{ code: 'CONVERGE_MISMATCH', nodeId: 'pg_1' }],
  },

  // ---------------------------------------------------------------- STREAM
  {
    name: 'parallel branches merging at an activity',
    input: tree(['start>pg_1', 'pg_1>a1>a3', 'pg_1>a2>a3', 'a3>cg_1>end']),
    // bamboo: cg_1 is entered by fewer flows than pg_1 has branches
    expect: [
      { code: 'STREAM', nodeId: 'a3', path: 'activities.a3' },
      { code: 'CONVERGE_MISMATCH', nodeId: 'pg_1', path: 'gateways.pg_1' },
    ],
  },
  {
    name: 'exclusive gateway jumping into a sibling branch',
    input: tree([
      'start>pg_1',
      'pg_1>a1>cg_1',
      'pg_1>a2>eg_1',
      'eg_1>a1',
      'eg_1>a3>cg_1',
      'cg_1>end',
    ]),
    expect: [{ code: 'STREAM', nodeId: 'a1' }],
  },
  {
    name: 'loop from after the converge back into a branch',
    input: tree(['start>pg_1', 'pg_1>a1>cg_1', 'pg_1>a2>cg_1', 'cg_1>eg_1', 'eg_1>a1', 'eg_1>end']),
    options: { cycleTolerate: true },
    expect: [{ code: 'STREAM', nodeId: 'a1' }],
  },
  {
    name: 'loop from inside a branch back to its own fork',
    input: tree([
      'start>pg_1',
      'pg_1>a1>eg_1',
      'eg_1>pg_1',
      'eg_1>cg_1',
      'pg_1>a2>cg_1',
      'cg_1>end',
    ]),
    options: { cycleTolerate: true },
    expect: [{ code: 'STREAM', nodeId: 'pg_1' }],
  },
  {
    name: 'converge entered from a nested branch of another block',
    input: tree([
      'start>pg_1',
      'pg_1>pg_2',
      'pg_2>a1>cg_2',
      'pg_2>a2>cg_2',
      'cg_2>cg_1',
      'pg_1>a3>eg_1',
      'eg_1>cg_2',
      'eg_1>cg_1',
      'cg_1>end',
    ]),
    expect: [{ code: 'STREAM', nodeId: 'cg_2' }],
  },

  // ---------------------------------------------------------------- UNREACHABLE
  {
    name: 'nodes behind a node without incoming flow',
    input: tree(['start>a1>end', 'a2>a3>end']),
    expect: [
      { code: 'DEGREE', nodeId: 'a2' },
      { code: 'UNREACHABLE', nodeId: 'a3', path: 'activities.a3' },
    ],
  },
  {
    name: 'an isolated activity',
    input: tree(['start>a1>end'], (t) => {
      t.activities.a2 = { ...t.activities.a1, id: 'a2', name: 'a2', incoming: [], outgoing: '' };
    }),
    expect: [
      { code: 'DEGREE', nodeId: 'a2' },
      { code: 'UNREACHABLE', nodeId: 'a2', path: 'activities.a2' },
    ],
  },
  {
    name: 'an island loop',
    input: tree(['start>a1>end', 'a2>eg_1', 'eg_1>a2', 'eg_1>end']),
    options: { cycleTolerate: true },
    expect: [
      { code: 'UNREACHABLE', nodeId: 'a2' },
      { code: 'UNREACHABLE', nodeId: 'eg_1' },
    ],
  },

  // ---------------------------------------------------------------- UNKNOWN_COMPONENT
  {
    name: 'component not registered',
    input: tree(LINEAR, (t) => (t.activities.a2.component.code = 'nope')),
    options: { componentExists: (code) => code === 'noop' },
    expect: [{ code: 'UNKNOWN_COMPONENT', nodeId: 'a2', path: 'activities.a2.component.code' }],
  },
  {
    name: 'component version not registered, inside a sub-process',
    input: withSub(
      ['s_start>inner>s_end'],
      (t) => (t.activities.sp_1.pipeline.activities.inner.component.version = '2'),
    ),
    options: { componentExists: (_code, version) => version === undefined },
    expect: [
      {
        code: 'UNKNOWN_COMPONENT',
        nodeId: 'inner',
        path: 'activities.sp_1.pipeline.activities.inner.component.code',
      },
    ],
  },
  {
    name: 'no componentExists, no check',
    input: tree(LINEAR, (t) => (t.activities.a2.component.code = 'nope')),
    expect: [],
  },

  // ---------------------------------------------------------------- INVALID_EXPRESSION
  {
    name: 'condition that does not parse',
    input: tree(
      ['start>eg_1', 'eg_1>a1>end', 'eg_1>a2>end'],
      (t) => (t.gateways.eg_1.conditions.f2.evaluate = '1 =='),
    ),
    expect: [
      { code: 'INVALID_EXPRESSION', nodeId: 'eg_1', path: 'gateways.eg_1.conditions.f2.evaluate' },
    ],
  },
  {
    name: 'condition keyed by a flow that does not leave the gateway',
    input: tree(
      ['start>eg_1', 'eg_1>a1>end', 'eg_1>a2>end'],
      (t) => (t.gateways.eg_1.conditions.f3 = { evaluate: '1 == 1' }),
    ),
    expect: [{ code: 'INVALID_EXPRESSION', nodeId: 'eg_1', path: 'gateways.eg_1.conditions.f3' }],
  },
  {
    name: 'default flow that does not leave the gateway',
    input: tree(
      ['start>cpg_1', 'cpg_1>a1>cg_1', 'cpg_1>a2>cg_1', 'cg_1>end'],
      (t) => (t.gateways.cpg_1.default_condition = { flow_id: 'f1' }),
    ),
    expect: [
      {
        code: 'INVALID_EXPRESSION',
        nodeId: 'cpg_1',
        path: 'gateways.cpg_1.default_condition.flow_id',
      },
    ],
  },
  {
    name: 'splice component input with a broken template',
    input: tree(
      LINEAR,
      (t) => (t.activities.a1.component.inputs.x = { type: 'splice', value: 'a ${b +} c' }),
    ),
    expect: [
      { code: 'INVALID_EXPRESSION', nodeId: 'a1', path: 'activities.a1.component.inputs.x.value' },
    ],
  },
  {
    name: 'plain component input is not a template',
    input: tree(
      LINEAR,
      (t) => (t.activities.a1.component.inputs.x = { type: 'plain', value: 'a ${b +} c' }),
    ),
    expect: [],
  },
  {
    name: 'splice variable with a broken template',
    input: tree(LINEAR, (t) => (t.data.inputs['${v}'] = { type: 'splice', value: '${(}' })),
    expect: [{ code: 'INVALID_EXPRESSION', path: 'data.inputs.${v}.value' }],
  },
  {
    name: 'sub-process param with a broken template',
    input: withSub(
      ['s_start>inner>s_end'],
      (t) => (t.activities.sp_1.params = { '${m}': { type: 'splice', value: '${n *}' } }),
    ),
    expect: [
      { code: 'INVALID_EXPRESSION', nodeId: 'sp_1', path: 'activities.sp_1.params.${m}.value' },
    ],
  },

  // ---------------------------------------------------------------- valid, bamboo-lenient
  {
    name: 'bamboo extras and lenient incoming/outgoing',
    input: tree(PARALLEL, (t) => {
      t.activities.a1.stage_name = 'stage 1';
      t.activities.a1.labels = [];
      t.gateways.pg_1.converge_gateway_id = 'cg_1';
      t.activities.a2.incoming = t.activities.a2.incoming[0];
      t.some_top_level_extra = { anything: true };
      t.activities.a1.component.inputs.k = { type: 'splice', value: '${x + 1}', hook: false };
      t.data.inputs['${x}'] = { type: 'plain', value: 1, is_param: false };
      t.data.inputs['${lz}'] = { type: 'lazy', value: 'v', custom_type: 'ip_selector' };
      t.data.inputs['${out}'] = { type: 'splice', value: null, source_act: 'a1', source_key: 'k' };
      t.data.outputs = ['${out}'];
    }),
    expect: [],
  },
];

describe('validateTree', () => {
  it.each(cases.map((c) => [c.name, c] as const))('%s', (_name, c) => {
    const result = validateTree(c.input, c.options);
    for (const want of c.expect) {
      const found = result.errors.find(
        (e) =>
          e.code === want.code &&
          (want.nodeId === undefined || e.nodeId === want.nodeId) &&
          (want.path === undefined || e.path === want.path),
      );
      if (!found)
        throw new Error(
          `expected ${JSON.stringify(want)} in ${JSON.stringify(result.errors, null, 2)}`,
        );
    }
    if (c.expect.length === 0) expect(result.errors).toEqual([]);
    expect(result.valid).toBe(c.expect.length === 0);
    for (const code of c.absent ?? [])
      expect(result.errors.filter((e) => e.code === code)).toEqual([]);
    if (c.only)
      expect(result.errors.map((e) => ({ code: e.code, nodeId: e.nodeId }))).toEqual(c.only);
    for (const e of result.errors) {
      expect(typeof e.message).toBe('string');
      expect(e.message.length).toBeGreaterThan(10);
      expect(typeof e.path).toBe('string');
    }
  });

  it('does not modify its input', () => {
    const t = tree(PARALLEL, (x) => (x.activities.a1.component.code = 5));
    const copy = structuredClone(t);
    validateTree(t, { componentExists: () => false, cycleTolerate: true });
    expect(t).toEqual(copy);
  });

  it('reports problems of different kinds together', () => {
    const t = tree(['start>a1>a2>end', 'start>a3>end'], (x) => {
      x.activities.a1.component.code = '';
      x.activities.a2.component.inputs.q = { type: 'splice', value: '${q +}' };
    });
    const codes = validateTree(t, { componentExists: (c) => c === 'noop' }).errors.map(
      (e) => e.code,
    );
    expect(codes).toEqual(
      expect.arrayContaining(['INVALID_SCHEMA', 'DEGREE', 'INVALID_EXPRESSION']),
    );
  });

  it('still checks the parent graph when a nested tree is broken, and skips only the broken tree', () => {
    const t = withSub(['s_start>inner>s_end'], (x) => {
      delete x.activities.sp_1.pipeline.flows.sf1.target;
      x.end_event.incoming = [];
    });
    const errors = validateTree(t).errors;
    expect(errors).toEqual(
      expect.arrayContaining([
        expect.objectContaining({
          code: 'INVALID_SCHEMA',
          path: 'activities.sp_1.pipeline.flows.sf1.target',
        }),
        expect.objectContaining({ code: 'DANGLING_FLOW', path: 'flows.f2' }),
      ]),
    );
    expect(
      errors.filter(
        (e) => e.path.startsWith('activities.sp_1.pipeline') && e.code !== 'INVALID_SCHEMA',
      ),
    ).toEqual([]);
  });

  describe('extraChecks', () => {
    it('is called for every activity, nested ones included, with its path', () => {
      const seen: string[] = [];
      const t = withSub(['s_start>inner>s_end']);
      const result = validateTree(t, {
        extraChecks: [
          (node, path) => {
            seen.push(`${node.id}@${path}`);
            return node.id === 'inner'
              ? [
                  {
                    code: 'INVALID_TIMER',
                    nodeId: node.id,
                    path: `${path}.events`,
                    message: 'bad timer',
                  },
                ]
              : [];
          },
        ],
      });
      expect(seen.sort()).toEqual([
        'inner@activities.sp_1.pipeline.activities.inner',
        'sp_1@activities.sp_1',
      ]);
      expect(result.valid).toBe(false);
      expect(result.errors).toEqual([
        {
          code: 'INVALID_TIMER',
          nodeId: 'inner',
          path: 'activities.sp_1.pipeline.activities.inner.events',
          message: 'bad timer',
        },
      ]);
    });

    it('is not called for a node whose own shape is broken', () => {
      const seen: string[] = [];
      const t = tree(LINEAR, (x) => (x.activities.a1.timeout_config = { enable: 'yes' }));
      validateTree(t, { extraChecks: [(node) => (seen.push(node.id), [])] });
      expect(seen).toEqual(['a2']);
    });
  });

  describe('converges', () => {
    it('maps nested parallel and conditional parallel gateways, sub-processes included', () => {
      const inner = treeFromEdges(['s_start>s_pg', 's_pg>x1>s_cg', 's_pg>x2>s_cg', 's_cg>s_end'], {
        id: 'sp_1',
        start: 's_start',
        end: 's_end',
        flowPrefix: 'sf',
      });
      const t = treeFromEdges(
        [
          'start>pg_1',
          'pg_1>cpg_2',
          'cpg_2>a1>cg_2',
          'cpg_2>pg_3',
          'pg_3>a2>cg_3',
          'pg_3>eg_1',
          'eg_1>a3>cg_3',
          'eg_1>cg_3',
          'cg_3>cg_2',
          'cg_2>cg_1',
          'pg_1>sp_1>cg_1',
          'pg_1>cg_1',
          'cg_1>end',
        ],
        { subProcesses: { sp_1: inner } },
      );
      const result = validateTree(t);
      expect(result.errors).toEqual([]);
      expect(result.converges).toEqual({ pg_1: 'cg_1', cpg_2: 'cg_2', pg_3: 'cg_3', s_pg: 's_cg' });
    });

    it('is left out for a gateway that did not match', () => {
      const result = validateTree(tree(['start>pg_1', 'pg_1>a1>cg_1>end', 'pg_1>a2>end']));
      expect(result.converges).toEqual({});
    });
  });

  it('handles a 10,000-node chain without recursion', () => {
    const result = validateTree(linearTree(10_000));
    expect(result).toEqual({ valid: true, errors: [], converges: {} });
  });

  it('sees start and end from a builder with explicit flows', () => {
    const b = new TreeBuilder('t').start().end().activity('a1').gateway('eg_1', 'ExclusiveGateway');
    b.chain('start', 'a1', 'eg_1');
    b.flow('eg_1', 'end', { condition: 'x > 1' });
    b.flow('eg_1', 'a1', { isDefault: true });
    const t: PipelineTree = b.build();
    expect((t.gateways.eg_1 as ExclusiveGateway).default_condition).toEqual({ flow_id: 'f4' });
    expect(validateTree(t, { cycleTolerate: true }).errors).toEqual([]);
  });
});
