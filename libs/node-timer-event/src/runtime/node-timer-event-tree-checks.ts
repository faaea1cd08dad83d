import { PipelineTreeChecks, TreeCheckProvider, type NodeCheck } from '@app/pipeline';
import { Injectable } from '@nestjs/common';
import { ActionRegistry } from '../actions/action-registry.service';
import { nodeTimerEventChecks } from '../timer-event.checks';

/**
 * Adds the timer event checks to every tree validation of the app (400 `INVALID_TIMER`,
 * `UNKNOWN_ACTION`), against the actions discovered at boot.
 */
@Injectable()
@PipelineTreeChecks({ name: 'node-timer-event' })
export class NodeTimerEventTreeChecks extends TreeCheckProvider {
  constructor(private readonly actions: ActionRegistry) {
    super();
  }

  nodeChecks(): readonly NodeCheck[] {
    return [nodeTimerEventChecks(this.actions.names())];
  }
}
