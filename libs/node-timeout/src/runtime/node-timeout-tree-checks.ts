import { PipelineTreeChecks, TreeCheckProvider, type NodeCheck } from '@app/pipeline';
import { Injectable } from '@nestjs/common';
import { nodeTimeoutChecks } from '../node-timeout.checks';
import { NodeTimeoutStrategyRegistry } from '../strategies/node-timeout-strategy-registry.service';

/**
 * Adds the `timeout_config` checks to every tree validation of the app (400 `INVALID_TIMER`,
 * `UNKNOWN_ACTION`), against the strategies discovered at boot.
 */
@Injectable()
@PipelineTreeChecks({ name: 'node-timeout' })
export class NodeTimeoutTreeChecks extends TreeCheckProvider {
  constructor(private readonly strategies: NodeTimeoutStrategyRegistry) {
    super();
  }

  nodeChecks(): readonly NodeCheck[] {
    return [nodeTimeoutChecks(this.strategies.names())];
  }
}
