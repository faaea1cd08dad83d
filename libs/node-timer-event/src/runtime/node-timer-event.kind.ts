import {
  ComponentData,
  RunStore,
  type NodeTimerFiring,
  type NodeTimerKind,
  type NodeTimerSpec,
  type ParentData,
  type PipelineTree,
} from '@app/pipeline';
import { Inject, Injectable, Logger, Optional } from '@nestjs/common';
import { ActionRegistry } from '../actions/action-registry.service';
import type { TimerActionEvent } from '../actions/base-action';
import {
  batchCreateNodeTimerEventConfig,
  type TimerEventRecord,
} from '../node-timer-event-configs';
import {
  NODE_TIMER_EVENT_SETTINGS,
  type NodeTimerEventSettings,
} from '../node-timer-event.settings';
import {
  firstDue,
  nextDue,
  occurrenceAt,
  parseTimerEvent,
  type TimerSchedule,
} from '../timer-schedule';

/** One enabled timer event of a node, parsed: what the driver arms and fires. */
export interface TimerEventSpec extends NodeTimerSpec {
  readonly action: string;
  readonly schedule: TimerSchedule;
}

/** A pool-ready timer from one of the records a run registers. */
export function timerEventSpec(record: TimerEventRecord): TimerEventSpec {
  const schedule = parseTimerEvent({ timer_type: record.timer_type, defined: record.defined });
  return {
    index: record.index,
    action: record.action,
    schedule,
    firstDue: (startedAt) => firstDue(schedule, startedAt),
    occurrence: (dueAt, startedAt) => occurrenceAt(schedule, startedAt, dueAt),
    nextDue: (dueAt, firedCount) => nextDue(schedule, dueAt, firedCount),
  };
}

/**
 * node-timer-event as a node-timer kind: a run's timers are the enabled events of
 * `events.timer_events` of its activities (`batchCreateNodeTimerEventConfig`, sub-processes
 * included); firing one runs its `BaseAction` with the node's data.
 */
@Injectable()
export class NodeTimerEventKind implements NodeTimerKind<TimerEventSpec> {
  readonly name = 'node-timer-event';
  readonly memberPrefix: string;
  private readonly logger = new Logger(NodeTimerEventKind.name);

  constructor(
    @Inject(NODE_TIMER_EVENT_SETTINGS) settings: NodeTimerEventSettings,
    private readonly actions: ActionRegistry,
    @Optional() private readonly store?: RunStore,
  ) {
    this.memberPrefix = `${settings.PIPELINE_NODE_TIMER_EVENT_KEY_PREFIX}:`;
  }

  register(runId: string, tree: PipelineTree): ReadonlyMap<string, readonly TimerEventSpec[]> {
    const created = batchCreateNodeTimerEventConfig(runId, tree);
    const byNode = new Map<string, TimerEventSpec[]>();
    if (!created.result) return byNode;
    if (created.message) this.logger.warn(`run ${runId}: ${created.message}`);
    for (const record of created.data)
      byNode.set(record.node_id, record.events.map(timerEventSpec));
    return byNode;
  }

  async fire(f: NodeTimerFiring<TimerEventSpec>): Promise<void> {
    const where = `run ${f.runId} node ${f.nodeId} v${f.version} timer event ${f.timer.index}`;
    if (!this.actions.has(f.timer.action)) {
      // Validation refuses unknown actions; this one was removed from the app since the run began.
      this.logger.error(`${where}: action '${f.timer.action}' is not registered; nothing done`);
      return;
    }
    const context = this.store ? await this.store.loadContext(f.runId, f.node.scopeId) : {};
    const data = new ComponentData({ ...(f.node.inputs ?? {}) }, { ...(f.node.outputs ?? {}) });
    const parentData: ParentData = Object.freeze({
      runId: f.runId,
      nodeId: f.nodeId,
      version: f.version,
      pipelineId: f.node.scopeId,
      loop: f.node.loop,
      retries: f.node.retries,
      scheduleTimes: f.node.scheduleTimes,
      context: Object.freeze({ ...context }),
    });
    const event: TimerActionEvent = {
      runId: f.runId,
      nodeId: f.nodeId,
      version: f.version,
      index: f.timer.index,
      timerType: f.timer.schedule.timerType,
      defined: f.timer.schedule.defined,
      firedCount: f.firedCount,
      dueAt: f.dueAt,
    };
    const applied = await this.actions.get(f.timer.action).do(data, parentData, event);
    this.logger.log(
      `${where}: action '${f.timer.action}' ${applied ? 'applied' : 'did not apply'}`,
    );
  }
}
