import type { NodeRecord, PipelineTree } from '@app/pipeline';
import type { NodeTimeoutStrategyRegistry } from '../strategies/node-timeout-strategy-registry.service';
import type { TimedOutNode } from '../strategies/node-timeout-strategy';
import { NodeTimeoutKind } from './node-timeout.kind';

const act = (id: string, extra: Record<string, unknown> = {}) => ({
  id,
  type: 'ServiceActivity',
  name: id,
  incoming: [],
  outgoing: '',
  component: { code: 'noop', inputs: {} },
  ...extra,
});

/** Only what `register` reads: activities, nested sub-process trees. */
const tree = {
  id: 'p',
  activities: {
    a: act('a', { timeout_config: { enable: true, action: 'forced_fail', seconds: 1.5 } }),
    off: act('off', { timeout_config: { enable: false, action: 'forced_fail', seconds: 1 } }),
    none: act('none'),
    sub: {
      id: 'sub',
      type: 'SubProcess',
      pipeline: {
        id: 'sub',
        activities: {
          inner: act('inner', { timeout_config: { enable: true, action: 'custom', seconds: 60 } }),
        },
      },
    },
  },
} as unknown as PipelineTree;

describe('NodeTimeoutKind', () => {
  const handled: TimedOutNode[] = [];
  const registry = {
    has: (name: string) => ['forced_fail', 'custom'].includes(name),
    get: () => ({
      dealWithTimeoutNode: async (node: TimedOutNode) => {
        handled.push(node);
        return { result: true, message: '' };
      },
    }),
  } as unknown as NodeTimeoutStrategyRegistry;
  const kind = new NodeTimeoutKind(registry);

  it('registers the enabled timeouts of the whole tree, sub-processes included', () => {
    const timers = kind.register('run-1', tree);
    expect([...timers.keys()].sort()).toEqual(['a', 'inner']);
    const [a] = timers.get('a')!;
    expect(a).toMatchObject({ index: 1, action: 'forced_fail', seconds: 1.5 });
    expect(a.firstDue(10_000)).toBe(11_500);
    expect(a.occurrence(11_500, 10_000)).toBe(1);
    expect(a.nextDue(11_500, 1)).toBeNull();
  });

  it('fires the configured strategy with the node, its version and due time; skips an unregistered one', async () => {
    const [a] = kind.register('run-1', tree).get('a')!;
    const node = { scopeId: 'p' } as NodeRecord;
    await kind.fire({
      runId: 'run-1',
      nodeId: 'a',
      version: 3,
      timer: a,
      dueAt: 11_500,
      firedCount: 1,
      node,
    });
    expect(handled).toEqual([
      { runId: 'run-1', nodeId: 'a', version: 3, seconds: 1.5, dueAt: 11_500 },
    ]);
    const gone = { ...a, action: 'removed_since' };
    await kind.fire({
      runId: 'run-1',
      nodeId: 'a',
      version: 3,
      timer: gone,
      dueAt: 11_500,
      firedCount: 1,
      node,
    });
    expect(handled).toHaveLength(1);
  });
});
