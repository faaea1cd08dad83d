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
import {
  InvalidTimeoutConfigsError,
  UnknownTimeoutNodeError,
} from '../invalid-timeout-configs.error';
import {
  applyNodeTimeoutConfigs,
  serviceActivityIds,
  type NodeTimeoutConfigs,
} from '../node-timeout-configs';
import { nodeTimeoutChecks } from '../node-timeout.checks';
import { NodeTimeoutStrategyRegistry } from '../strategies/node-timeout-strategy-registry.service';

/** Read-modify-write attempts when another update lands between our read and write. */
const ATTEMPTS = 5;

/**
 * `PUT /pipelines/:id/node-timeouts`: the seed's `apply_node_timeout_configs` on a stored
 * pipeline. The configs (`{nodeId: {enable, action, seconds}}`) are written into the latest
 * version's tree and stored as a new version, which runs started from then on register.
 */
@Injectable()
export class NodeTimeoutConfigService {
  private readonly logger = new Logger(NodeTimeoutConfigService.name);

  constructor(
    private readonly strategies: NodeTimeoutStrategyRegistry,
    @Optional() private readonly definitions?: PipelineDefinitionService,
  ) {}

  /**
   * @throws InvalidTimeoutConfigsError (400) for a body of the wrong shape or bad configs,
   *   UnknownTimeoutNodeError (400) for ids that are not activities of the pipeline,
   *   NotFoundError (404) for an unknown pipeline
   */
  async applyToPipeline(idOrKey: string, body: unknown): Promise<PipelineView> {
    const configs = this.check(body);
    const definitions = this.definitions;
    if (!definitions) throw new Error('NodeTimeoutConfigService needs PipelineModule in the app');
    for (let attempt = 1; ; attempt++) {
      const current = await definitions.get(idOrKey);
      const tree = current.definition as PipelineTree;
      const known = serviceActivityIds(tree);
      const unknown = Object.keys(configs).filter((id) => !known.has(id));
      if (unknown.length) throw new UnknownTimeoutNodeError(current.id, unknown);
      try {
        const view = await definitions.update(current.id, {
          definition: applyNodeTimeoutConfigs(tree, configs),
          format: current.format,
          baseVersion: current.version,
        });
        this.logger.log(
          `pipeline ${view.id}: timeouts of ${Object.keys(configs).length} node(s) set, now version ${view.version}`,
        );
        return view;
      } catch (e) {
        if (!(e instanceof ConflictError && e.code === 'VERSION_MOVED') || attempt >= ATTEMPTS)
          throw e;
      }
    }
  }

  /** The body as configs, or every problem at once (paths `<nodeId>.timeout_config...`). */
  private check(body: unknown): NodeTimeoutConfigs {
    if (!isPlainObject(body)) {
      throw new InvalidTimeoutConfigsError([
        {
          code: 'INVALID_TIMER',
          path: '',
          message: 'the body must be an object of node id → {enable, action, seconds}',
        },
      ]);
    }
    const issues: ValidationIssue[] = [];
    const check = nodeTimeoutChecks(this.strategies.names());
    for (const [nodeId, config] of Object.entries(body)) {
      if (!isPlainObject(config)) {
        issues.push({
          code: 'INVALID_TIMER',
          nodeId,
          path: nodeId,
          message: `the timeout config of node '${nodeId}' must be an object {enable, action, seconds}`,
        });
        continue;
      }
      const node = {
        id: nodeId,
        type: 'ServiceActivity',
        timeout_config: config,
      } as unknown as ServiceActivity;
      issues.push(...check(node, nodeId));
    }
    if (issues.length) throw new InvalidTimeoutConfigsError(issues);
    return body as NodeTimeoutConfigs;
  }
}
