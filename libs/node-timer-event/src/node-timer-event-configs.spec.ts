import {
  linearTree,
  treeFromEdges,
  type PipelineTree,
  type ServiceActivity,
  type TimerEventDefinition,
} from '@app/pipeline';
import {
  applyNodeTimerEventConfigs,
  batchCreateNodeTimerEventConfig,
} from './node-timer-event-configs';

/** start > a1 > sp_1 > a2 > end, where sp_1 holds sp_1_a1 > sp_1_a2. */
const tree = (): PipelineTree =>
  treeFromEdges(['start>a1>sp_1>a2>end'], {
    id: 'root',
    subProcesses: { sp_1: linearTree(2, { id: 'sp_1', prefix: 'sp_1_' }) },
  });

const act = (t: PipelineTree, id: string, sub?: string): ServiceActivity =>
  (sub ? (t.activities[sub] as { pipeline: PipelineTree }).pipeline : t).activities[
    id
  ] as ServiceActivity;

const ev = (over: Partial<TimerEventDefinition> = {}): TimerEventDefinition => ({
  enable: true,
  action: 'bamboo_engine_forced_fail',
  timer_type: 'time_duration',
  defined: 'PT10M',
  ...over,
});

describe('applyNodeTimerEventConfigs', () => {
  it('sets events.timer_events on the named activities, sub-processes included, as a new tree', () => {
    const input = tree();
    const before = JSON.stringify(input);
    const configs = {
      a2: [ev(), ev({ timer_type: 'time_cycle', defined: 'R3/PT1M', action: 'example' })],
      sp_1_a2: [ev({ enable: false })],
    };
    const out = applyNodeTimerEventConfigs(input, configs);

    expect(JSON.stringify(input)).toBe(before);
    expect(out).not.toBe(input);
    expect(act(out, 'a2').events).toEqual({ timer_events: configs.a2 });
    expect(act(out, 'sp_1_a2', 'sp_1').events).toEqual({ timer_events: configs.sp_1_a2 });
    expect(act(out, 'a1').events).toBeUndefined();
    // The output shares nothing with the configs either.
    configs.a2[0].defined = 'PT1S';
    expect(act(out, 'a2').events!.timer_events![0].defined).toBe('PT10M');
  });

  it('keeps only the four seed keys of each event and other keys of `events`', () => {
    const input = tree();
    act(input, 'a1').events = { timer_events: [ev()], other: 1 } as never;
    const out = applyNodeTimerEventConfigs(input, {
      a1: [{ ...ev({ defined: 'PT1H' }), extra: 'dropped' } as TimerEventDefinition],
    });
    expect(act(out, 'a1').events).toEqual({ timer_events: [ev({ defined: 'PT1H' })], other: 1 });
  });

  it('replaces with an empty list, and ignores unknown ids and non-activities', () => {
    const input = tree();
    act(input, 'a1').events = { timer_events: [ev()] };
    const out = applyNodeTimerEventConfigs(input, {
      a1: [],
      nope: [ev()],
      sp_1: [ev()],
      start: [ev()],
    });
    expect(act(out, 'a1').events).toEqual({ timer_events: [] });
    expect((out.activities.sp_1 as unknown as { events?: unknown }).events).toBeUndefined();
    expect(JSON.stringify(out)).not.toContain('"nope"');
  });
});

describe('batchCreateNodeTimerEventConfig', () => {
  it('collects enabled, valid events of every activity, numbered per node, sub-processes included', () => {
    const t = applyNodeTimerEventConfigs(tree(), {
      a1: [
        ev({ enable: false }),
        ev({ timer_type: 'time_cycle', defined: 'R5/PT10S', action: 'example' }),
        ev({ timer_type: 'time_cycle', defined: 'R/PT1H' }),
      ],
      sp_1_a1: [
        ev({ timer_type: 'time_date', defined: '2019-10-02T08:09:40+02:00[Europe/Berlin]' }),
      ],
      a2: [ev({ enable: false })],
    });
    expect(batchCreateNodeTimerEventConfig('run-1', t)).toEqual({
      result: true,
      message: '',
      data: [
        {
          root_pipeline_id: 'run-1',
          node_id: 'a1',
          events: [
            {
              index: 1,
              action: 'example',
              timer_type: 'time_cycle',
              repetitions: 5,
              defined: 'R5/PT10S',
            },
            {
              index: 2,
              action: 'bamboo_engine_forced_fail',
              timer_type: 'time_cycle',
              repetitions: null,
              defined: 'R/PT1H',
            },
          ],
        },
        {
          root_pipeline_id: 'run-1',
          node_id: 'sp_1_a1',
          events: [
            {
              index: 1,
              action: 'bamboo_engine_forced_fail',
              timer_type: 'time_date',
              repetitions: 1,
              defined: '2019-10-02T08:09:40+02:00[Europe/Berlin]',
            },
          ],
        },
      ],
    });
  });

  it('skips an invalid event (the run still starts) and says so in the message', () => {
    const t = applyNodeTimerEventConfigs(tree(), {
      a1: [ev({ defined: 'soon' }), ev({ defined: 'PT1M' })],
    });
    const out = batchCreateNodeTimerEventConfig('run-1', t);
    expect(out.result).toBe(true);
    expect(out.data).toEqual([
      {
        root_pipeline_id: 'run-1',
        node_id: 'a1',
        events: [expect.objectContaining({ index: 1, defined: 'PT1M' })],
      },
    ]);
    expect(out.message).toMatch(
      /^skipped 1 invalid timer event\(s\): a1 event 0: Invalid timer time_duration "soon"/,
    );
  });

  it('answers an empty list for a tree without timer events', () => {
    expect(batchCreateNodeTimerEventConfig('run-1', tree())).toEqual({
      result: true,
      data: [],
      message: '',
    });
  });

  it('answers result false for something that is not a tree', () => {
    expect(batchCreateNodeTimerEventConfig('run-1', {} as PipelineTree)).toEqual({
      result: false,
      data: null,
      message: 'pipeline_tree has no activities',
    });
  });
});
