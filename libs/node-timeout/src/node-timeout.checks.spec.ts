import { linearTree, treeFromEdges, validateTree, type Activity } from '@app/pipeline';
import { nodeTimeoutChecks } from './node-timeout.checks';

const KNOWN = ['forced_fail', 'forced_fail_and_skip'];
const node = (timeout_config: unknown, type = 'ServiceActivity'): Activity =>
  ({ id: 'a1', type, timeout_config }) as unknown as Activity;
const ok = { enable: true, action: 'forced_fail', seconds: 30 };

describe('nodeTimeoutChecks', () => {
  const check = nodeTimeoutChecks(KNOWN);

  it('accepts good configs, enabled or not, fractions of seconds, and nodes without one', () => {
    expect(check(node(ok), 'activities.a1')).toEqual([]);
    expect(
      check(node({ ...ok, enable: false, action: 'forced_fail_and_skip', seconds: 0.5 }), 'x'),
    ).toEqual([]);
    expect(check(node(undefined), 'activities.a1')).toEqual([]);
    expect(check(node(null), 'activities.a1')).toEqual([]);
    expect(check(node({ seconds: -1 }, 'SubProcess'), 'activities.a1')).toEqual([]);
  });

  it.each([
    [
      { ...ok, seconds: 0 },
      'INVALID_TIMER',
      'seconds',
      /seconds must be a number greater than 0 \(got 0\)/,
    ],
    [{ ...ok, seconds: -5 }, 'INVALID_TIMER', 'seconds', /greater than 0/],
    [{ ...ok, seconds: '10' }, 'INVALID_TIMER', 'seconds', /\(got "10"\)/],
    [{ ...ok, seconds: Number.POSITIVE_INFINITY }, 'INVALID_TIMER', 'seconds', /greater than 0/],
    [{ enable: true, action: 'forced_fail' }, 'INVALID_TIMER', 'seconds', /\(got nothing\)/],
    [{ ...ok, enable: 'true' }, 'INVALID_TIMER', 'enable', /enable must be true or false/],
    [{ ...ok, action: '' }, 'INVALID_TIMER', 'action', /action must be a non-empty string/],
    [
      { ...ok, action: 'explode' },
      'UNKNOWN_ACTION',
      'action',
      /unknown action 'explode' \(known: forced_fail, forced_fail_and_skip\)/,
    ],
  ])('reports %j as %s at .%s', (config, code, field, message) => {
    expect(check(node(config), 'activities.sp.pipeline.activities.a1')).toEqual([
      {
        code,
        nodeId: 'a1',
        path: `activities.sp.pipeline.activities.a1.timeout_config.${field}`,
        message: expect.stringMatching(message),
      },
    ]);
  });

  it('reports a config that is not an object', () => {
    expect(check(node(30), 'activities.a1')).toEqual([
      {
        code: 'INVALID_TIMER',
        nodeId: 'a1',
        path: 'activities.a1.timeout_config',
        message: "timeout_config of node 'a1' must be an object",
      },
    ]);
  });

  it('reports every problem of a config', () => {
    const issues = check(node({ enable: 1, action: 'nope', seconds: 0 }), 'p');
    expect(issues.map((i) => i.path)).toEqual([
      'p.timeout_config.enable',
      'p.timeout_config.seconds',
      'p.timeout_config.action',
    ]);
  });

  it('takes a lookup function (e.g. the strategy registry) instead of a list', () => {
    const byLookup = nodeTimeoutChecks((name) => name === 'custom');
    expect(byLookup(node({ ...ok, action: 'custom' }), 'p')).toEqual([]);
    expect(byLookup(node(ok), 'p')[0].message).toMatch(/unknown action 'forced_fail'$/);
  });

  it('runs inside validateTree, nested trees included', () => {
    const sub = linearTree(1, { id: 'sp_1', prefix: 'sp_1_' });
    (sub.activities.sp_1_a1 as { timeout_config?: unknown }).timeout_config = {
      ...ok,
      action: 'nope',
    };
    const tree = treeFromEdges(['start>a1>sp_1>end'], { subProcesses: { sp_1: sub } });
    (tree.activities.a1 as { timeout_config?: unknown }).timeout_config = ok;
    const result = validateTree(tree, { extraChecks: [nodeTimeoutChecks(KNOWN)] });
    expect(result.errors).toEqual([
      expect.objectContaining({
        code: 'UNKNOWN_ACTION',
        nodeId: 'sp_1_a1',
        path: 'activities.sp_1.pipeline.activities.sp_1_a1.timeout_config.action',
      }),
    ]);
  });
});
