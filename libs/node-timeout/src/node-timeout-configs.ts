/**
 * The per-run timeout configs of bamboo's `pipeline.contrib.node_timeout.api`, as pure
 * functions: `applyNodeTimeoutConfigs` writes `timeout_config` into a tree,
 * `batchCreateNodeTimeoutConfig` collects the configs a run registers when it starts (the
 * caller stores the records). Shapes and keys are the seed's (snake_case data).
 */
import type { PipelineTree, ServiceActivity, TimeoutConfig } from '@app/pipeline';

/** `{nodeId: {enable, action, seconds}}`: the seed's `configs` argument. */
export type NodeTimeoutConfigs = Readonly<Record<string, TimeoutConfig>>;

/** The seed's contrib API answer: `data` when `result`, else `message` says why. */
export type ContribResult<T> =
  { result: true; data: T; message: string } | { result: false; data: null; message: string };

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
  const copy = structuredClone(tree);
  forEachServiceActivity(copy, (act) => {
    if (!Object.hasOwn(configs, act.id)) return;
    const { enable, action, seconds } = configs[act.id];
    act.timeout_config = { enable, action, seconds };
  });
  return copy;
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
  if (!isTree(tree)) {
    return { result: false, data: null, message: 'pipeline_tree has no activities' };
  }
  const data: NodeTimeoutConfigRecord[] = [];
  const skipped: string[] = [];
  forEachServiceActivity(tree, (act) => {
    const config = act.timeout_config;
    if (!config?.enable) return;
    const { seconds, action } = config;
    if (typeof seconds !== 'number' || !Number.isFinite(seconds) || seconds <= 0) {
      skipped.push(`${act.id}: seconds ${JSON.stringify(seconds)} is not a positive number`);
      return;
    }
    if (typeof action !== 'string' || action === '') {
      skipped.push(`${act.id}: action ${JSON.stringify(action)} is not a name`);
      return;
    }
    data.push({ root_pipeline_id: rootPipelineId, node_id: act.id, action, timeout: seconds });
  });
  const message = skipped.length
    ? `skipped ${skipped.length} invalid timeout config(s): ${skipped.join('; ')}`
    : '';
  return { result: true, data, message };
}

function isTree(tree: unknown): tree is PipelineTree {
  const activities = (tree as { activities?: unknown } | null)?.activities;
  return typeof activities === 'object' && activities !== null;
}

/**
 * Visits every ServiceActivity: the tree's own first, in key order, then each nested
 * sub-process tree in the order met (a queue, so nesting depth costs no stack).
 */
function forEachServiceActivity(tree: PipelineTree, visit: (act: ServiceActivity) => void): void {
  const queue: PipelineTree[] = [tree];
  for (let i = 0; i < queue.length; i++) {
    for (const act of Object.values(queue[i].activities)) {
      if (act?.type === 'ServiceActivity') visit(act);
      else if (act?.type === 'SubProcess' && isTree(act.pipeline)) queue.push(act.pipeline);
    }
  }
}

/** Ids of every ServiceActivity of `tree`, nested sub-process trees included. */
export function serviceActivityIds(tree: PipelineTree): Set<string> {
  const ids = new Set<string>();
  if (isTree(tree)) forEachServiceActivity(tree, (act) => ids.add(act.id));
  return ids;
}
