import {
  isPlainObject,
  NodeTimerConfigService,
  PipelineDefinitionService,
  type TimeoutConfig,
} from '@app/pipeline';
import { Injectable, Optional } from '@nestjs/common';
import {
  InvalidTimeoutConfigsError,
  UnknownTimeoutNodeError,
} from '../invalid-timeout-configs.error';
import { applyNodeTimeoutConfigs } from '../node-timeout-configs';
import { nodeTimeoutChecks } from '../node-timeout.checks';
import { NodeTimeoutStrategyRegistry } from '../strategies/node-timeout-strategy-registry.service';

/**
 * `PUT /pipelines/:id/node-timeouts`: the seed's `apply_node_timeout_configs` on a stored
 * pipeline. The configs (`{nodeId: {enable, action, seconds}}`) are written into the latest
 * version's tree and stored as a new version, which runs started from then on register.
 * Throws `InvalidTimeoutConfigsError` / `UnknownTimeoutNodeError` (400) for bad bodies.
 */
@Injectable()
export class NodeTimeoutConfigService extends NodeTimerConfigService<TimeoutConfig> {
  constructor(
    strategies: NodeTimeoutStrategyRegistry,
    @Optional() definitions?: PipelineDefinitionService,
  ) {
    super(definitions, {
      what: 'timeouts',
      bodyMessage: 'the body must be an object of node id → {enable, action, seconds}',
      asActivity: (nodeId, config) =>
        isPlainObject(config)
          ? { timeout_config: config }
          : `the timeout config of node '${nodeId}' must be an object {enable, action, seconds}`,
      checks: () => nodeTimeoutChecks(strategies.names()),
      apply: applyNodeTimeoutConfigs,
      invalid: (issues) => new InvalidTimeoutConfigsError(issues),
      unknownNodes: (pipelineId, nodeIds) => new UnknownTimeoutNodeError(pipelineId, nodeIds),
    });
  }
}
