/**
 * The per-run timer event configs of bamboo's `pipeline.contrib.node_timer_event.api`, as
 * pure functions: `applyNodeTimerEventConfigs` writes `events.timer_events` into a tree,
 * `batchCreateNodeTimerEventConfig` collects the configs a run registers when it starts
 * (the caller stores the records). Shapes and keys are the seed's (snake_case data).
 */
import {
  applyToServiceActivities,
  collectFromServiceActivities,
  type ContribResult,
  type PipelineTree,
  type TimerEventDefinition,
} from '@app/pipeline';
import { parseTimerEvent, type TimerType } from './timer-schedule';

export { serviceActivityIds, type ContribResult } from '@app/pipeline';

/** `{nodeId: [timer events]}`: the seed's `configs` argument. */
export type NodeTimerEventConfigs = Readonly<Record<string, readonly TimerEventDefinition[]>>;

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
  return applyToServiceActivities(tree, configs, (act, events) => {
    act.events = {
      ...(act.events ?? {}),
      timer_events: events.map((e) => ({
        enable: e.enable,
        action: e.action,
        timer_type: e.timer_type,
        defined: e.defined,
      })),
    };
  });
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
  return collectFromServiceActivities(tree, 'timer event(s)', (act, skip) => {
    const timerEvents = act.events?.timer_events;
    if (!Array.isArray(timerEvents)) return null;
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
        skip(`${act.id} event ${position}: ${(error as Error).message}`);
      }
    });
    return events.length ? { root_pipeline_id: rootPipelineId, node_id: act.id, events } : null;
  });
}
