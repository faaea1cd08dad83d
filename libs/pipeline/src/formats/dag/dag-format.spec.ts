import { compileDag } from '../../engine/compiled-tree';
import { dagFormat, findCycles } from './dag-format';

const exists = (code: string) => ['noop', 'fail', 'echo', 'external_task', 'http_request'].includes(code);
const compile = (definition: unknown) => dagFormat.compile(definition, { componentExists: exists });
const codes = (definition: unknown) => {
  const r = compile(definition);
  return r.valid ? [] : r.errors.map((e) => ({ code: e.code, nodeId: e.nodeId, path: e.path }));
};

describe('DAG format compiler', () => {
  it("builds Termite's example unchanged: names become external tasks, objects name components", () => {
    const r = compile({
      works: [
        'submit',
        'trace',
        {
          name: 'notify',
          component: { code: 'http_request', inputs: { url: 'http://example.test/${run}' } },
          retry: { max: 2, delaySeconds: 1 },
        },
      ],
      dags: { trace: { dependences: ['submit'], trigger_rule: 'all_success' }, notify: { dependences: ['trace'], trigger_rule: 'all_done' } },
      max_scheduler_count: 1000,
      scheduler_mode: 'fifo',
    });
    if (!r.valid) throw new Error(JSON.stringify(r.errors));
    expect(r.settings).toEqual({ maxConcurrentRuns: 1000, queueMode: 'fifo' });
    expect(r.tree.activities.submit).toMatchObject({
      type: 'ServiceActivity',
      component: { code: 'external_task', inputs: { topic: { type: 'plain', value: 'submit' } } },
    });
    expect(r.tree.activities.notify).toMatchObject({
      component: { code: 'http_request', inputs: { url: { type: 'splice', value: 'http://example.test/${run}' } } },
      retry: { max: 2, delaySeconds: 1 },
    });
    expect(r.tree.dag?.works).toEqual({
      submit: { upstream: [], trigger_rule: 'all_success' },
      trace: { upstream: ['submit'], trigger_rule: 'all_success' },
      notify: { upstream: ['trace'], trigger_rule: 'all_done' },
    });
    expect(r.tree.flows).toEqual({});
  });

  it('keeps the bounding events clear of work names', () => {
    const r = compile({ works: ['__start__', '__end__', 'dag'] });
    if (!r.valid) throw new Error('invalid');
    expect(r.tree.start_event.id).toBe('__start__1');
    expect(r.tree.end_event.id).toBe('__end__1');
    expect(['__start__', '__end__', 'dag']).not.toContain(r.tree.id);
  });

  it.each([
    ['not an object', [], [{ code: 'INVALID_SCHEMA', path: '' }]],
    ['no works', { dags: {} }, [{ code: 'INVALID_SCHEMA', path: 'works' }]],
    ['empty works', { works: [] }, [{ code: 'INVALID_SCHEMA', path: 'works' }]],
    ['a bad work', { works: [3, { component: { code: 'noop' } }] }, [
      { code: 'INVALID_SCHEMA', path: 'works[0]' },
      { code: 'INVALID_SCHEMA', path: 'works[1].name' },
    ]],
    ['a duplicate', { works: ['a', 'a'] }, [{ code: 'DUPLICATE_ID', nodeId: 'a', path: 'works[1]' }]],
    ['an unknown component', { works: [{ name: 'x', component: { code: 'nope', inputs: {} } }] }, [
      { code: 'UNKNOWN_COMPONENT', nodeId: 'x', path: 'works[0].component.code' },
    ]],
    ['a bad retry policy', { works: [{ name: 'x', component: { code: 'noop' }, retry: { max: -1 } }] }, [
      { code: 'INVALID_SCHEMA', nodeId: 'x', path: 'works[0].retry.max' },
    ]],
    ['an unknown work key', { works: [{ name: 'x', component: { code: 'noop' }, colour: 'red' }] }, [
      { code: 'INVALID_SCHEMA', nodeId: 'x', path: 'works[0].colour' },
    ]],
    ['an unknown dependence and a dags key that is no work', { works: ['a'], dags: { a: { dependences: ['ghost'] }, b: {} } }, [
      { code: 'UNKNOWN_DEPENDENCE', nodeId: 'a', path: 'dags.a.dependences[0]' },
      { code: 'UNKNOWN_DEPENDENCE', nodeId: 'b', path: 'dags.b' },
    ]],
    ['an unknown rule', { works: ['a', 'b'], dags: { b: { dependences: ['a'], trigger_rule: 'sometimes' } } }, [
      { code: 'INVALID_TRIGGER_RULE', nodeId: 'b', path: 'dags.b.trigger_rule' },
    ]],
    ['bad settings', { works: ['a'], max_scheduler_count: 0, scheduler_mode: 'random', extra: 1 }, [
      { code: 'INVALID_SCHEMA', path: 'max_scheduler_count' },
      { code: 'INVALID_SCHEMA', path: 'scheduler_mode' },
      { code: 'INVALID_SCHEMA', path: 'extra' },
    ]],
    ['a cycle', { works: ['a', 'b', 'c'], dags: { a: { dependences: ['c'] }, b: { dependences: ['a'] }, c: { dependences: ['b'] } } }, [
      { code: 'CYCLE', nodeId: 'a', path: 'dags.a.dependences' },
    ]],
    ['a work depending on itself', { works: ['a'], dags: { a: { dependences: ['a'] } } }, [
      { code: 'CYCLE', nodeId: 'a', path: 'dags.a.dependences' },
    ]],
  ] as const)('refuses %s, naming every problem', (_what, definition, expected) => {
    expect(codes(definition)).toEqual(expected.map((e) => ({ nodeId: undefined, ...e })));
  });

  it('names the works on each cycle', () => {
    const specs = new Map([
      ['a', { upstream: ['b'], trigger_rule: 'all_success' }],
      ['b', { upstream: ['a'], trigger_rule: 'all_success' }],
      ['c', { upstream: ['a'], trigger_rule: 'all_success' }],
      ['d', { upstream: ['e'], trigger_rule: 'all_success' }],
      ['e', { upstream: ['d'], trigger_rule: 'all_success' }],
    ]);
    const issues = findCycles(['a', 'b', 'c', 'd', 'e'], specs);
    expect(issues.map((i) => i.message)).toEqual([
      "works 'a', 'b' depend on each other in a cycle",
      "works 'd', 'e' depend on each other in a cycle",
    ]);
  });

  it('checks 10,000 works in a chain quickly and without recursion', () => {
    const n = 10_000;
    const works = Array.from({ length: n }, (_, i) => `w${i}`);
    const dags = Object.fromEntries(works.slice(1).map((w, i) => [w, { dependences: [works[i]] }]));
    const r = compile({ works, dags });
    expect(r.valid).toBe(true);
    if (!r.valid) return;
    const dag = compileDag(r.tree.dag!.works);
    expect(dag.order[0]).toBe('w0');
    expect(dag.leaves).toEqual([`w${n - 1}`]);
  });
});
