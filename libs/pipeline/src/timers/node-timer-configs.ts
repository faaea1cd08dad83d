/**
 * The tree side of per-node timer configs (bamboo's contrib `api` modules): finding the
 * ServiceActivities of a tree and its nested sub-process trees, writing a config into the
 * named ones, and collecting the configs a run registers. Pure functions over the seed's
 * snake_case shapes; each contrib module says only which activity key it reads and writes.
 */
import type { PipelineTree, ServiceActivity } from '../model/tree.types';

/** The seed's contrib API answer: `data` when `result`, else `message` says why. */
export type ContribResult<T> =
  { result: true; data: T; message: string } | { result: false; data: null; message: string };

/** Has `activities`, so it can be walked; a stored definition is not trusted to be a tree. */
export function isPipelineTree(tree: unknown): tree is PipelineTree {
  const activities = (tree as { activities?: unknown } | null)?.activities;
  return typeof activities === 'object' && activities !== null;
}

/**
 * Visits every ServiceActivity: the tree's own first, in key order, then each nested
 * sub-process tree in the order met (a queue, so nesting depth costs no stack).
 */
export function forEachServiceActivity(
  tree: PipelineTree,
  visit: (act: ServiceActivity) => void,
): void {
  const queue: PipelineTree[] = [tree];
  for (let i = 0; i < queue.length; i++) {
    for (const act of Object.values(queue[i].activities)) {
      if (act?.type === 'ServiceActivity') visit(act);
      else if (act?.type === 'SubProcess' && isPipelineTree(act.pipeline)) queue.push(act.pipeline);
    }
  }
}

/** Ids of every ServiceActivity of `tree`, nested sub-process trees included. */
export function serviceActivityIds(tree: PipelineTree): Set<string> {
  const ids = new Set<string>();
  if (isPipelineTree(tree)) forEachServiceActivity(tree, (act) => ids.add(act.id));
  return ids;
}

/**
 * A new tree in which `write` has set the config of every ServiceActivity named in `configs`
 * (nested sub-process trees included). Ids not found are ignored, as in the seed; the input
 * tree and configs are left untouched, so `write` may assign freely.
 */
export function applyToServiceActivities<C>(
  tree: PipelineTree,
  configs: Readonly<Record<string, C>>,
  write: (act: ServiceActivity, config: C) => void,
): PipelineTree {
  const copy = structuredClone(tree);
  forEachServiceActivity(copy, (act) => {
    if (Object.hasOwn(configs, act.id)) write(act, configs[act.id]);
  });
  return copy;
}

/**
 * What a run registers: one record per ServiceActivity for which `collect` returns one,
 * sub-processes included. `collect` calls `skip(why)` for an invalid config, which the run
 * starts without (as in the seed); `message` then names every one, as
 * `skipped <n> invalid <what>: <why>; ...`. `result` is false only when `tree` is not a
 * pipeline tree at all.
 */
export function collectFromServiceActivities<R>(
  tree: PipelineTree,
  what: string,
  collect: (act: ServiceActivity, skip: (why: string) => void) => R | null,
): ContribResult<R[]> {
  if (!isPipelineTree(tree)) {
    return { result: false, data: null, message: 'pipeline_tree has no activities' };
  }
  const data: R[] = [];
  const skipped: string[] = [];
  const skip = (why: string) => void skipped.push(why);
  forEachServiceActivity(tree, (act) => {
    const record = collect(act, skip);
    if (record !== null) data.push(record);
  });
  const message = skipped.length
    ? `skipped ${skipped.length} invalid ${what}: ${skipped.join('; ')}`
    : '';
  return { result: true, data, message };
}
