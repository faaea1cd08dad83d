/**
 * The per-run timer event configs of bamboo's `pipeline.contrib.node_timer_event.api`, as
 * pure functions: `applyNodeTimerEventConfigs` writes `events.timer_events` into a tree,
 * `batchCreateNodeTimerEventConfig` collects the configs a run registers when it starts
 * (the caller stores the records). Shapes and keys are the seed's (snake_case data).
 */
import type { PipelineTree, ServiceActivity, TimerEventDefinition } from '@app/pipeline';
import { parseTimerEvent, type TimerType } from './timer-schedule';

/** `{nodeId: [timer events]}`: the seed's `configs` argument. */
export type NodeTimerEventConfigs = Readonly<Record<string, readonly TimerEventDefinition[]>>;

/** The seed's contrib API answer: `data` when `result`, else `message` says why. */
export type ContribResult<T> =
  { result: true; data: T; message: string } | { result: false; data: null; message: string };

/** One enabled, valid timer event of a node, as the seed stores it. */
export interface TimerEventRecord {
  /** 1-based, counting the node's enabled and valid events only (the seed's numbering). */
  index: number;
  action: string;
  timer_type: TimerType;
  /** How many times it fires; `null` = until the node leaves RUNNING (`R/...`). */
  repetitions: number | null;
  defined: string;
}

/** The seed's `NodeTimerEventConfig` row: the timer events of one node of a run. */
export interface NodeTimerEventConfigRecord {
  root_pipeline_id: string;
  node_id: string;
  events: TimerEventRecord[];
}

/**
 * A new tree with `events.timer_events` of every ServiceActivity named in `configs` (nested
 * sub-process trees included) replaced by the configured list, each event reduced to
 * `{enable, action, timer_type, defined}`. Other keys of `events` stay; ids not found are
 * ignored, as in the seed. The input tree and configs are left untouched.
 */
export function applyNodeTimerEventConfigs(
  tree: PipelineTree,
  configs: NodeTimerEventConfigs,
): PipelineTree {
  const copy = structuredClone(tree);
  forEachServiceActivity(copy, (act) => {
    if (!Object.hasOwn(configs, act.id)) return;
    act.events = {
      ...(act.events ?? {}),
      timer_events: configs[act.id].map((e) => ({
        enable: e.enable,
        action: e.action,
        timer_type: e.timer_type,
        defined: e.defined,
      })),
    };
  });
  return copy;
}

/**
 * The timer event configs of every ServiceActivity of `tree`, sub-processes included: one
 * record per node with at least one enabled, valid event. Disabled events are left out; an
 * invalid one is skipped (the run still starts, as in the seed) and named in `message`.
 * `result` is false only when `tree` is not a pipeline tree at all.
 */
export function batchCreateNodeTimerEventConfig(
  rootPipelineId: string,
  tree: PipelineTree,
): ContribResult<NodeTimerEventConfigRecord[]> {
  if (!isTree(tree)) {
    return { result: false, data: null, message: 'pipeline_tree has no activities' };
  }
  const data: NodeTimerEventConfigRecord[] = [];
  const skipped: string[] = [];
  forEachServiceActivity(tree, (act) => {
    const timerEvents = act.events?.timer_events;
    if (!Array.isArray(timerEvents)) return;
    const events: TimerEventRecord[] = [];
    timerEvents.forEach((event, position) => {
      if (!event?.enable) return;
      try {
        const schedule = parseTimerEvent(event);
        events.push({
          index: events.length + 1,
          action: event.action,
          timer_type: schedule.timerType,
          repetitions: schedule.repetitions,
          defined: event.defined,
        });
      } catch (error) {
        skipped.push(`${act.id} event ${position}: ${(error as Error).message}`);
      }
    });
    if (events.length) data.push({ root_pipeline_id: rootPipelineId, node_id: act.id, events });
  });
  const message = skipped.length
    ? `skipped ${skipped.length} invalid timer event(s): ${skipped.join('; ')}`
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
