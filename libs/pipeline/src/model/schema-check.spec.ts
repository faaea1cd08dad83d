import { plainToInstance } from 'class-transformer';
import { validateSync, type ValidationError } from 'class-validator';
import { checkJsonShape, checkSchema, MAX_TREE_JSON_DEPTH } from './schema-check';
import { nestedMixTree, TreeBuilder, treeFromEdges } from './tree-generators';
import { PipelineTreeDto, ServiceActivityDto } from './tree-schema.dto';
import type { PipelineTree } from './tree.types';

/** A valid tree using every part of the schema. */
function richTree(): PipelineTree {
  const inner = treeFromEdges(['s_start>s_a1>s_end'], {
    id: 'sp_1',
    start: 's_start',
    end: 's_end',
    flowPrefix: 'sf',
  });
  inner.data.inputs['${res}'] = {
    type: 'splice',
    value: null,
    source_act: 's_a1',
    source_key: 'x',
  };
  inner.data.outputs = ['${res}'];
  const b = new TreeBuilder('rich', { cycleTolerate: true })
    .start()
    .end()
    .activity(
      'a1',
      'echo',
      { x: { type: 'splice', value: '${n + 1}' }, y: { type: 'plain', value: [1, { z: 2 }] } },
      {
        timeout_config: { enable: true, action: 'forced_fail', seconds: 30 },
        events: {
          timer_events: [
            {
              enable: true,
              action: 'bamboo_engine_forced_fail',
              timer_type: 'time_duration',
              defined: 'PT1M',
            },
          ],
        },
        retry: { max: 3, delaySeconds: 1.5, backoff: 2 },
      },
    )
    .gateway('eg_1', 'ExclusiveGateway')
    .gateway('cpg_1', 'ConditionalParallelGateway')
    .gateway('cg_1', 'ConvergeGateway')
    .subProcess('sp_1', inner, { '${m}': { type: 'splice', value: '${n * 2}' } })
    .activity('a2')
    .variable('${n}', { type: 'plain', value: 1 })
    .variable('${lz}', { type: 'lazy', value: 'v', custom_type: 'provider' })
    .variable(
      '${out}',
      { type: 'splice', value: null, source_act: ['a1', 'a2'], source_key: 'x' },
      true,
    );
  b.chain('start', 'a1', 'eg_1');
  b.flow('eg_1', 'cpg_1', { condition: 'n > 0' });
  b.flow('eg_1', 'end', { isDefault: true });
  b.chain('cpg_1', 'sp_1', 'cg_1');
  b.chain('cpg_1', 'a2', 'cg_1');
  b.chain('cg_1', 'end');
  return b.build();
}

/** class-validator on the whole tree, errors flattened the way checkSchema reports them. */
function referencePaths(raw: unknown): string[] {
  const errors = validateSync(plainToInstance(PipelineTreeDto, raw as object));
  const out: string[] = [];
  const walk = (list: ValidationError[], prefix: string[]) => {
    for (const e of list) {
      const segs = e.property === undefined ? prefix : [...prefix, e.property];
      if (e.constraints && Object.keys(e.constraints).length) out.push(segs.join('.'));
      else walk(e.children ?? [], segs);
    }
  };
  walk(errors, []);
  return out.sort();
}

/** Every path in a JSON value, objects and leaves. */
function allPaths(value: unknown, prefix: string[] = [], out: string[][] = []): string[][] {
  if (value !== null && typeof value === 'object') {
    for (const k of Object.keys(value)) {
      out.push([...prefix, k]);
      allPaths((value as Record<string, unknown>)[k], [...prefix, k], out);
    }
  }
  return out;
}

const REPLACEMENTS: unknown[] = [
  undefined,
  null,
  5,
  -1,
  1.5,
  'str',
  '',
  true,
  [],
  ['x'],
  [1],
  {},
  { type: 'plain' },
];

describe('checkSchema', () => {
  it('accepts the rich tree, like class-validator', () => {
    const t = richTree();
    expect(checkSchema(t)).toEqual([]);
    expect(referencePaths(t)).toEqual([]);
  });

  it('accepts generated trees', () => {
    expect(checkSchema(nestedMixTree({ nodes: 500, loops: true }).tree)).toEqual([]);
  });

  it('finds exactly what class-validator finds, for every field replaced by every kind of value', () => {
    const base = richTree();
    const paths = allPaths(base);
    let compared = 0;
    let withProblems = 0;
    for (const p of paths) {
      for (const replacement of REPLACEMENTS) {
        const t = structuredClone(base) as unknown as Record<string, unknown>;
        let holder = t as Record<string, unknown>;
        for (const k of p.slice(0, -1)) holder = holder[k] as Record<string, unknown>;
        const key = p[p.length - 1];
        if (replacement === undefined) delete holder[key];
        else holder[key] = structuredClone(replacement);
        const fast = checkSchema(t)
          .map((x) => x.path)
          .sort();
        const reference = referencePaths(t);
        if (JSON.stringify(fast) !== JSON.stringify(reference)) {
          throw new Error(
            `${p.join('.')} := ${JSON.stringify(replacement)}: fast ${JSON.stringify(fast)} vs class-validator ${JSON.stringify(reference)}`,
          );
        }
        compared++;
        if (fast.length) withProblems++;
      }
    }
    expect(compared).toBeGreaterThan(1000);
    expect(withProblems).toBeGreaterThan(compared / 3);
  });

  it('gives the innermost node id and readable messages', () => {
    const t = richTree() as unknown as Record<string, any>;
    t.activities.sp_1.pipeline.activities.s_a1.component.code = 5;
    t.activities.a1.retry.max = 'many';
    delete t.flows.f1.source;
    const problems = checkSchema(t);
    expect(problems).toEqual(
      expect.arrayContaining([
        {
          path: 'activities.sp_1.pipeline.activities.s_a1.component.code',
          segments: ['activities', 'sp_1', 'pipeline', 'activities', 's_a1', 'component', 'code'],
          nodeId: 's_a1',
          message: 'activities.sp_1.pipeline.activities.s_a1.component.code: code must be a string',
        },
        expect.objectContaining({
          path: 'activities.a1.retry.max',
          nodeId: 'a1',
          message: 'activities.a1.retry.max: max must be an integer number',
        }),
        expect.objectContaining({
          path: 'flows.f1.source',
          nodeId: undefined,
          message: 'flows.f1.source is required',
        }),
      ]),
    );
  });

  it('checks a single DTO class too', () => {
    expect(
      checkSchema(
        { id: 'a', type: 'ServiceActivity', incoming: [], outgoing: '' },
        ServiceActivityDto,
      ),
    ).toEqual([expect.objectContaining({ path: 'component', message: 'component is required' })]);
  });
});

describe('checkJsonShape', () => {
  const nest = (levels: number) => {
    let v: unknown = {};
    for (let i = 0; i < levels; i++) v = { k: v };
    return v;
  };

  it('accepts nesting up to the limit', () => {
    expect(checkJsonShape(nest(MAX_TREE_JSON_DEPTH - 1))).toBeUndefined();
  });

  it('refuses deeper nesting with the path', () => {
    const problem = checkJsonShape({ a: [nest(MAX_TREE_JSON_DEPTH)] });
    expect(problem?.segments.slice(0, 3)).toEqual(['a', '0', 'k']);
    expect(problem?.message).toMatch(/deeper than/);
  });

  it('refuses an object that contains itself', () => {
    const a: Record<string, unknown> = { x: 1 };
    a.self = a;
    expect(checkJsonShape({ a })?.message).toMatch(/deeper than .* contains itself/);
  });

  it('accepts shared (non-circular) objects', () => {
    const shared = { type: 'plain', value: 1 };
    expect(checkJsonShape({ a: shared, b: shared, c: [shared, shared] })).toBeUndefined();
  });
});
