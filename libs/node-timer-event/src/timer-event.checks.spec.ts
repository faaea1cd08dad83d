import {
  linearTree,
  treeFromEdges,
  validateTree,
  type Activity,
  type PipelineTree,
} from '@app/pipeline';
import { nodeTimerEventChecks } from './timer-event.checks';

const KNOWN = ['bamboo_engine_forced_fail', 'bamboo_engine_forced_fail_and_skip', 'example'];
const node = (events: unknown, type = 'ServiceActivity'): Activity =>
  ({ id: 'a1', type, events }) as unknown as Activity;
const ok = { enable: true, action: 'example', timer_type: 'time_duration', defined: 'PT10M' };

describe('nodeTimerEventChecks', () => {
  const check = nodeTimerEventChecks(KNOWN);

  it('accepts good events of every timer type, enabled or not, and nodes without events', () => {
    const events = {
      timer_events: [
        ok,
        { ...ok, enable: false, timer_type: 'time_cycle', defined: 'R/PT1H' },
        { ...ok, timer_type: 'time_date', defined: '2019-10-02T08:09:40+02:00[Europe/Berlin]' },
        { ...ok, timer_type: 'time_cycle', defined: 'R5/2030-01-01T00:00:00Z/P1D' },
      ],
    };
    expect(check(node(events), 'activities.a1')).toEqual([]);
    expect(check(node(undefined), 'activities.a1')).toEqual([]);
    expect(check(node(null), 'activities.a1')).toEqual([]);
    expect(check(node({}), 'activities.a1')).toEqual([]);
    expect(check(node({ timer_events: [] }), 'activities.a1')).toEqual([]);
  });

  it('ignores sub-processes (only ServiceActivities carry timer events)', () => {
    expect(check(node({ timer_events: [{}] }, 'SubProcess'), 'activities.a1')).toEqual([]);
  });

  it.each([
    [{ ...ok, defined: 'soon' }, 'INVALID_TIMER', 'defined', /not an ISO 8601 duration/],
    [
      { ...ok, timer_type: 'time_cycle', defined: 'R0/PT1M' },
      'INVALID_TIMER',
      'defined',
      /at least 1/,
    ],
    [
      { ...ok, timer_type: 'time_date', defined: '2019-10-02T08:09:40' },
      'INVALID_TIMER',
      'defined',
      /names no instant/,
    ],
    [{ ...ok, defined: 42 }, 'INVALID_TIMER', 'defined', /defined must be a string/],
    [
      { ...ok, timer_type: 'sometimes' },
      'INVALID_TIMER',
      'timer_type',
      /timer_type must be one of/,
    ],
    [{ ...ok, enable: 'yes' }, 'INVALID_TIMER', 'enable', /enable must be true or false/],
    [{ ...ok, action: '' }, 'INVALID_TIMER', 'action', /action must be a non-empty string/],
    [{ ...ok, action: 7 }, 'INVALID_TIMER', 'action', /action must be a non-empty string/],
    [
      { ...ok, action: 'forced_fail' },
      'UNKNOWN_ACTION',
      'action',
      /unknown action 'forced_fail' \(known: bamboo_engine_forced_fail, bamboo_engine_forced_fail_and_skip, example\)/,
    ],
  ])('reports %j as %s at .%s', (event, code, field, message) => {
    const issues = check(
      node({ timer_events: [ok, event] }),
      'activities.sp.pipeline.activities.a1',
    );
    expect(issues).toEqual([
      {
        code,
        nodeId: 'a1',
        path: `activities.sp.pipeline.activities.a1.events.timer_events.1.${field}`,
        message: expect.stringMatching(message),
      },
    ]);
    expect(issues[0].message).toContain("timer event 1 of node 'a1'");
  });

  it('reports every problem of an event', () => {
    const issues = check(
      node({
        timer_events: [{ enable: 1, action: 'nope', timer_type: 'time_cycle', defined: 'R/P' }],
      }),
      'activities.a1',
    );
    expect(issues.map((i) => [i.code, i.path])).toEqual([
      ['INVALID_TIMER', 'activities.a1.events.timer_events.0.enable'],
      ['INVALID_TIMER', 'activities.a1.events.timer_events.0.defined'],
      ['UNKNOWN_ACTION', 'activities.a1.events.timer_events.0.action'],
    ]);
  });

  it.each([
    ['a list', [], 'activities.a1.events', /events of node 'a1' must be an object/],
    [
      'timer_events not a list',
      { timer_events: {} },
      'activities.a1.events.timer_events',
      /must be a list/,
    ],
    [
      'an event not an object',
      { timer_events: ['PT1M'] },
      'activities.a1.events.timer_events.0',
      /must be an object/,
    ],
  ])('reports a malformed shape (%s) as INVALID_TIMER', (_label, events, path, message) => {
    expect(check(node(events), 'activities.a1')).toEqual([
      { code: 'INVALID_TIMER', nodeId: 'a1', path, message: expect.stringMatching(message) },
    ]);
  });

  it('takes a lookup function (e.g. the action registry) instead of a list', () => {
    const byLookup = nodeTimerEventChecks((name) => name.startsWith('x_'));
    expect(byLookup(node({ timer_events: [{ ...ok, action: 'x_1' }] }), 'p')).toEqual([]);
    const [issue] = byLookup(node({ timer_events: [ok] }), 'p');
    expect(issue.code).toBe('UNKNOWN_ACTION');
    expect(issue.message).toMatch(/unknown action 'example'$/);
  });

  it('says when no action is registered', () => {
    const [issue] = nodeTimerEventChecks([])(node({ timer_events: [ok] }), 'p');
    expect(issue.message).toMatch(/\(no action is registered\)$/);
  });

  it('runs inside validateTree, nested trees included, with the tree paths', () => {
    const sub = linearTree(1, { id: 'sp_1', prefix: 'sp_1_' });
    (sub.activities.sp_1_a1 as { events?: unknown }).events = {
      timer_events: [{ ...ok, timer_type: 'time_cycle', defined: 'every minute' }],
    };
    const tree: PipelineTree = treeFromEdges(['start>a1>sp_1>end'], {
      subProcesses: { sp_1: sub },
    });
    (tree.activities.a1 as { events?: unknown }).events = {
      timer_events: [{ ...ok, action: 'nope' }],
    };
    const result = validateTree(tree, { extraChecks: [nodeTimerEventChecks(KNOWN)] });
    expect(result.valid).toBe(false);
    expect(result.errors.map((e) => [e.code, e.nodeId, e.path])).toEqual(
      expect.arrayContaining([
        ['UNKNOWN_ACTION', 'a1', 'activities.a1.events.timer_events.0.action'],
        [
          'INVALID_TIMER',
          'sp_1_a1',
          'activities.sp_1.pipeline.activities.sp_1_a1.events.timer_events.0.defined',
        ],
      ]),
    );
    expect(result.errors).toHaveLength(2);
  });
});
