import {
  ConflictError,
  isPlainObject,
  PipelineDefinitionService,
  type PipelineTree,
  type PipelineView,
  type ServiceActivity,
  type ValidationIssue,
} from '@app/pipeline';
import { Injectable, Logger, Optional } from '@nestjs/common';
import { ActionRegistry } from '../actions/action-registry.service';
import {
  InvalidTimerEventConfigsError,
  UnknownTimerEventNodeError,
} from '../invalid-timer-event-configs.error';
import {
  applyNodeTimerEventConfigs,
  serviceActivityIds,
  type NodeTimerEventConfigs,
} from '../node-timer-event-configs';
import { nodeTimerEventChecks } from '../timer-event.checks';

/** Read-modify-write attempts when another update lands between our read and write. */
const ATTEMPTS = 5;

/**
 * `PUT /pipelines/:id/node-timer-events`: the seed's `apply_node_timer_event_configs` on a
 * stored pipeline. The configs (`{nodeId: [timer events]}`) are written into the latest
 * version's tree and stored as a new version, which runs started from then on register.
 */
@Injectable()
export class NodeTimerEventConfigService {
  private readonly logger = new Logger(NodeTimerEventConfigService.name);

  constructor(
    private readonly actions: ActionRegistry,
    @Optional() private readonly definitions?: PipelineDefinitionService,
  ) {}

  /**
   * @throws InvalidTimerEventConfigsError (400) for a body of the wrong shape or bad events,
   *   UnknownTimerEventNodeError (400) for ids that are not activities of the pipeline,
   *   NotFoundError (404) for an unknown pipeline
   */
  async applyToPipeline(idOrKey: string, body: unknown): Promise<PipelineView> {
    const configs = this.check(body);
    const definitions = this.definitions;
    if (!definitions)
      throw new Error('NodeTimerEventConfigService needs PipelineModule in the app');
    for (let attempt = 1; ; attempt++) {
      const current = await definitions.get(idOrKey);
      const tree = current.definition as PipelineTree;
      const known = serviceActivityIds(tree);
      const unknown = Object.keys(configs).filter((id) => !known.has(id));
      if (unknown.length) throw new UnknownTimerEventNodeError(current.id, unknown);
      try {
        const view = await definitions.update(current.id, {
          definition: applyNodeTimerEventConfigs(tree, configs),
          format: current.format,
          baseVersion: current.version,
        });
        this.logger.log(
          `pipeline ${view.id}: timer events of ${Object.keys(configs).length} node(s) set, now version ${view.version}`,
        );
        return view;
      } catch (e) {
        if (!(e instanceof ConflictError && e.code === 'VERSION_MOVED') || attempt >= ATTEMPTS)
          throw e;
      }
    }
  }

  /** The body as configs, or every problem at once (paths `<nodeId>.events.timer_events.<i>...`). */
  private check(body: unknown): NodeTimerEventConfigs {
    const issues: ValidationIssue[] = [];
    if (!isPlainObject(body)) {
      throw new InvalidTimerEventConfigsError([
        {
          code: 'INVALID_TIMER',
          path: '',
          message: 'the body must be an object of node id → list of timer events',
        },
      ]);
    }
    const check = nodeTimerEventChecks(this.actions.names());
    for (const [nodeId, events] of Object.entries(body)) {
      if (!Array.isArray(events)) {
        issues.push({
          code: 'INVALID_TIMER',
          nodeId,
          path: nodeId,
          message: `the timer events of node '${nodeId}' must be a list`,
        });
        continue;
      }
      const node = {
        id: nodeId,
        type: 'ServiceActivity',
        events: { timer_events: events },
      } as unknown as ServiceActivity;
      issues.push(...check(node, nodeId));
    }
    if (issues.length) throw new InvalidTimerEventConfigsError(issues);
    return body as NodeTimerEventConfigs;
  }
}
