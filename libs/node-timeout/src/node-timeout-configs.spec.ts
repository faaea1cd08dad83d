import {
  linearTree,
  treeFromEdges,
  type PipelineTree,
  type ServiceActivity,
  type TimeoutConfig,
} from '@app/pipeline';
import { applyNodeTimeoutConfigs, batchCreateNodeTimeoutConfig } from './node-timeout-configs';

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

const cfg = (over: Partial<TimeoutConfig> = {}): TimeoutConfig => ({
  enable: true,
  action: 'forced_fail',
  seconds: 10,
  ...over,
});

describe('applyNodeTimeoutConfigs', () => {
  it('sets timeout_config on the named activities, sub-processes included, as a new tree', () => {
    const input = tree();
    const before = JSON.stringify(input);
    const configs = { a2: cfg(), sp_1_a1: cfg({ action: 'forced_fail_and_skip', seconds: 0.5 }) };
    const out = applyNodeTimeoutConfigs(input, configs);

    expect(JSON.stringify(input)).toBe(before);
    expect(out).not.toBe(input);
    expect(act(out, 'a2').timeout_config).toEqual(cfg());
    expect(act(out, 'sp_1_a1', 'sp_1').timeout_config).toEqual(configs.sp_1_a1);
    expect(act(out, 'a1').timeout_config).toBeUndefined();
    configs.a2.seconds = 99;
    expect(act(out, 'a2').timeout_config!.seconds).toBe(10);
  });

  it('keeps only enable, action and seconds, replaces an existing config, ignores unknown ids', () => {
    const input = tree();
    act(input, 'a1').timeout_config = cfg({ seconds: 5 });
    const out = applyNodeTimeoutConfigs(input, {
      a1: { ...cfg({ enable: false }), extra: 1 } as TimeoutConfig,
      nope: cfg(),
      sp_1: cfg(),
    });
    expect(act(out, 'a1').timeout_config).toEqual(cfg({ enable: false }));
    expect(
      (out.activities.sp_1 as unknown as { timeout_config?: unknown }).timeout_config,
    ).toBeUndefined();
  });
});

describe('batchCreateNodeTimeoutConfig', () => {
  it('collects every enabled config, sub-processes included', () => {
    const t = applyNodeTimeoutConfigs(tree(), {
      a1: cfg({ seconds: 30 }),
      a2: cfg({ enable: false }),
      sp_1_a2: cfg({ action: 'forced_fail_and_skip', seconds: 2 }),
    });
    expect(batchCreateNodeTimeoutConfig('run-1', t)).toEqual({
      result: true,
      message: '',
      data: [
        { root_pipeline_id: 'run-1', node_id: 'a1', action: 'forced_fail', timeout: 30 },
        {
          root_pipeline_id: 'run-1',
          node_id: 'sp_1_a2',
          action: 'forced_fail_and_skip',
          timeout: 2,
        },
      ],
    });
  });

  it.each([[0], [-1], ['10'], [Number.NaN], [null]])(
    'skips seconds %p (the run still starts) and says so in the message',
    (seconds) => {
      const t = applyNodeTimeoutConfigs(tree(), {
        a1: cfg({ seconds: seconds as number }),
        a2: cfg(),
      });
      const out = batchCreateNodeTimeoutConfig('run-1', t);
      expect(out.result).toBe(true);
      expect(out.data).toEqual([
        { root_pipeline_id: 'run-1', node_id: 'a2', action: 'forced_fail', timeout: 10 },
      ]);
      expect(out.message).toMatch(
        /^skipped 1 invalid timeout config\(s\): a1: seconds .* is not a positive number$/,
      );
    },
  );

  it('skips a config without an action name', () => {
    const t = applyNodeTimeoutConfigs(tree(), { a1: cfg({ action: '' }) });
    expect(batchCreateNodeTimeoutConfig('run-1', t)).toMatchObject({ result: true, data: [] });
  });

  it('answers an empty list for a tree without timeouts, result false for a non-tree', () => {
    expect(batchCreateNodeTimeoutConfig('run-1', tree())).toEqual({
      result: true,
      data: [],
      message: '',
    });
    expect(batchCreateNodeTimeoutConfig('run-1', null as unknown as PipelineTree)).toEqual({
      result: false,
      data: null,
      message: 'pipeline_tree has no activities',
    });
  });
});
