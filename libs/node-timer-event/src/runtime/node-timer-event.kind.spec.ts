import type { NodeRecord, PipelineTree, RunStore } from '@app/pipeline';
import type { ActionRegistry } from '../actions/action-registry.service';
import type { BaseAction, TimerActionEvent } from '../actions/base-action';
import { DEFAULT_NODE_TIMER_EVENT_SETTINGS } from '../node-timer-event.settings';
import { NodeTimerEventKind } from './node-timer-event.kind';

const act = (id: string, events: unknown[]) => ({
  id,
  type: 'ServiceActivity',
  name: id,
  incoming: [],
  outgoing: '',
  component: { code: 'noop', inputs: {} },
  events: { timer_events: events },
});
const ev = (timer_type: string, defined: string, enable = true) => ({
  enable,
  action: 'example',
  timer_type,
  defined,
});

const tree = {
  id: 'p',
  activities: {
    a: act('a', [
      ev('time_duration', 'PT1S', false),
      ev('time_cycle', 'R3/PT2S'),
      ev('time_date', '2019-10-01T12:00:00Z'),
    ]),
    sub: {
      id: 'sub',
      type: 'SubProcess',
      pipeline: { id: 'sub', activities: { inner: act('inner', [ev('time_duration', 'PT5S')]) } },
    },
  },
} as unknown as PipelineTree;

describe('NodeTimerEventKind', () => {
  const calls: { data: unknown; parent: unknown; event: TimerActionEvent }[] = [];
  const action = {
    do: (data: unknown, parent: unknown, event: TimerActionEvent) => {
      calls.push({ data, parent, event });
      return true;
    },
  } as unknown as BaseAction;
  const actions = {
    has: (n: string) => n === 'example',
    get: () => action,
  } as unknown as ActionRegistry;
  const store = { loadContext: async () => ({ '${x}': 1 }) } as unknown as RunStore;
  const kind = new NodeTimerEventKind(DEFAULT_NODE_TIMER_EVENT_SETTINGS, actions, store);

  it("prefixes members with the settings' key prefix", () => {
    expect(kind.memberPrefix).toBe('bamboo:v1:node_timer_event:');
  });

  it('registers enabled events of the whole tree, numbered as the seed does (enabled ones only)', () => {
    const timers = kind.register('run-1', tree);
    expect([...timers.keys()].sort()).toEqual(['a', 'inner']);
    const [cycle, date] = timers.get('a')!;
    expect(cycle.index).toBe(1);
    expect(date.index).toBe(2);
    expect(cycle.firstDue(0)).toBe(2_000);
    expect(cycle.nextDue(2_000, 1)).toBe(4_000);
    expect(cycle.occurrence(6_000, 0)).toBe(3);
    expect(cycle.nextDue(6_000, 3)).toBeNull();
    expect(date.firstDue(Date.now())).toBe(Date.parse('2019-10-01T12:00:00Z'));
  });

  it("runs the action with the node's data, read-only run data and the firing", async () => {
    const [cycle] = kind.register('run-1', tree).get('a')!;
    const node = {
      scopeId: 'p',
      loop: 1,
      retries: 0,
      scheduleTimes: 0,
      inputs: { i: 1 },
      outputs: { o: 2 },
    } as unknown as NodeRecord;
    await kind.fire({
      runId: 'run-1',
      nodeId: 'a',
      version: 2,
      timer: cycle,
      dueAt: 4_000,
      firedCount: 2,
      node,
    });
    expect(calls).toHaveLength(1);
    const [{ data, parent, event }] = calls;
    expect(data).toMatchObject({ inputs: { i: 1 }, outputs: { o: 2 } });
    expect(parent).toMatchObject({
      runId: 'run-1',
      nodeId: 'a',
      version: 2,
      pipelineId: 'p',
      context: { '${x}': 1 },
    });
    expect(Object.isFrozen(parent)).toBe(true);
    expect(event).toEqual({
      runId: 'run-1',
      nodeId: 'a',
      version: 2,
      index: 1,
      timerType: 'time_cycle',
      defined: 'R3/PT2S',
      firedCount: 2,
      dueAt: 4_000,
    });
  });
});
