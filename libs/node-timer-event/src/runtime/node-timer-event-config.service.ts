import {
  NodeTimerConfigService,
  PipelineDefinitionService,
  type TimerEventDefinition,
} from '@app/pipeline';
import { Injectable, Optional } from '@nestjs/common';
import { ActionRegistry } from '../actions/action-registry.service';
import {
  InvalidTimerEventConfigsError,
  UnknownTimerEventNodeError,
} from '../invalid-timer-event-configs.error';
import { applyNodeTimerEventConfigs } from '../node-timer-event-configs';
import { nodeTimerEventChecks } from '../timer-event.checks';

/**
 * `PUT /pipelines/:id/node-timer-events`: the seed's `apply_node_timer_event_configs` on a
 * stored pipeline. The configs (`{nodeId: [timer events]}`) are written into the latest
 * version's tree and stored as a new version, which runs started from then on register.
 * Throws `InvalidTimerEventConfigsError` / `UnknownTimerEventNodeError` (400) for bad bodies.
 */
@Injectable()
export class NodeTimerEventConfigService extends NodeTimerConfigService<
  readonly TimerEventDefinition[]
> {
  constructor(actions: ActionRegistry, @Optional() definitions?: PipelineDefinitionService) {
    super(definitions, {
      what: 'timer events',
      bodyMessage: 'the body must be an object of node id → list of timer events',
      asActivity: (nodeId, events) =>
        Array.isArray(events)
          ? { events: { timer_events: events } }
          : `the timer events of node '${nodeId}' must be a list`,
      checks: () => nodeTimerEventChecks(actions.names()),
      apply: applyNodeTimerEventConfigs,
      invalid: (issues) => new InvalidTimerEventConfigsError(issues),
      unknownNodes: (pipelineId, nodeIds) => new UnknownTimerEventNodeError(pipelineId, nodeIds),
    });
  }
}
