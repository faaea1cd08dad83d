/**
 * The per-run timeout configs of bamboo's `pipeline.contrib.node_timeout.api`, as pure
 * functions: `applyNodeTimeoutConfigs` writes `timeout_config` into a tree,
 * `batchCreateNodeTimeoutConfig` collects the configs a run registers when it starts (the
 * caller stores the records). Shapes and keys are the seed's (snake_case data).
 */
import {
  applyToServiceActivities,
  collectFromServiceActivities,
  type ContribResult,
  type PipelineTree,
  type TimeoutConfig,
} from '@app/pipeline';

export { serviceActivityIds, type ContribResult } from '@app/pipeline';

/** `{nodeId: {enable, action, seconds}}`: the seed's `configs` argument. */
export type NodeTimeoutConfigs = Readonly<Record<string, TimeoutConfig>>;

/** The seed's `TimeoutNodeConfig` row: one node's enabled timeout in a run. */
export interface NodeTimeoutConfigRecord {
  root_pipeline_id: string;
  node_id: string;
  /** Strategy name: `forced_fail`, `forced_fail_and_skip` or a custom one. */
  action: string;
  /** Seconds after the node enters RUNNING. */
  timeout: number;
}

/**
 * A new tree with `timeout_config` of every ServiceActivity named in `configs` (nested
 * sub-process trees included) set to `{enable, action, seconds}` from the config. Ids not
 * found are ignored, as in the seed. The input tree and configs are left untouched.
 */
export function applyNodeTimeoutConfigs(
  tree: PipelineTree,
  configs: NodeTimeoutConfigs,
): PipelineTree {
  return applyToServiceActivities(tree, configs, (act, { enable, action, seconds }) => {
    act.timeout_config = { enable, action, seconds };
  });
}

/**
 * The enabled timeout configs of every ServiceActivity of `tree`, sub-processes included.
 * A config whose `seconds` is not a positive number is skipped (the run still starts, as in
 * the seed) and named in `message`. `result` is false only when `tree` is not a pipeline
 * tree at all.
 */
export function batchCreateNodeTimeoutConfig(
  rootPipelineId: string,
  tree: PipelineTree,
): ContribResult<NodeTimeoutConfigRecord[]> {
  return collectFromServiceActivities(tree, 'timeout config(s)', (act, skip) => {
    const config = act.timeout_config;
    if (!config?.enable) return null;
    const { seconds, action } = config;
    if (typeof seconds !== 'number' || !Number.isFinite(seconds) || seconds <= 0) {
      skip(`${act.id}: seconds ${JSON.stringify(seconds)} is not a positive number`);
      return null;
    }
    if (typeof action !== 'string' || action === '') {
      skip(`${act.id}: action ${JSON.stringify(action)} is not a name`);
      return null;
    }
    return { root_pipeline_id: rootPipelineId, node_id: act.id, action, timeout: seconds };
  });
}
