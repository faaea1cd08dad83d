import type { NodeTimerFiring, NodeTimerKind, NodeTimerSpec, PipelineTree } from '@app/pipeline';
import { Injectable, Logger } from '@nestjs/common';
import {
  batchCreateNodeTimeoutConfig,
  type NodeTimeoutConfigRecord,
} from '../node-timeout-configs';
import { NodeTimeoutStrategyRegistry } from '../strategies/node-timeout-strategy-registry.service';

/** A node's enabled timeout: one firing, `seconds` after the node entered RUNNING. */
export interface NodeTimeoutSpec extends NodeTimerSpec {
  readonly action: string;
  readonly seconds: number;
}

/** A pool-ready timer from the record a run registers. */
export function nodeTimeoutSpec(record: NodeTimeoutConfigRecord): NodeTimeoutSpec {
  const ms = record.timeout * 1000;
  return {
    index: 1,
    action: record.action,
    seconds: record.timeout,
    firstDue: (startedAt) => startedAt + ms,
    occurrence: () => 1,
    nextDue: () => null,
  };
}

/**
 * node-timeout as a node-timer kind: a run's timers are the enabled `timeout_config`s of its
 * activities (`batchCreateNodeTimeoutConfig`, sub-processes included); firing one runs the
 * configured `NodeTimeoutStrategy`.
 */
@Injectable()
export class NodeTimeoutKind implements NodeTimerKind<NodeTimeoutSpec> {
  readonly name = 'node-timeout';
  /** The timeout pool holds nothing else, so its members need no prefix. */
  readonly memberPrefix = '';
  private readonly logger = new Logger(NodeTimeoutKind.name);

  constructor(private readonly strategies: NodeTimeoutStrategyRegistry) {}

  register(runId: string, tree: PipelineTree): ReadonlyMap<string, readonly NodeTimeoutSpec[]> {
    const created = batchCreateNodeTimeoutConfig(runId, tree);
    const byNode = new Map<string, NodeTimeoutSpec[]>();
    if (!created.result) return byNode;
    if (created.message) this.logger.warn(`run ${runId}: ${created.message}`);
    for (const record of created.data) byNode.set(record.node_id, [nodeTimeoutSpec(record)]);
    return byNode;
  }

  async fire(f: NodeTimerFiring<NodeTimeoutSpec>): Promise<void> {
    const where = `run ${f.runId} node ${f.nodeId} v${f.version}`;
    if (!this.strategies.has(f.timer.action)) {
      // Validation refuses unknown strategies; this one was removed from the app since the run began.
      this.logger.error(
        `${where}: timeout strategy '${f.timer.action}' is not registered; nothing done`,
      );
      return;
    }
    const out = await this.strategies.get(f.timer.action).dealWithTimeoutNode({
      runId: f.runId,
      nodeId: f.nodeId,
      version: f.version,
      seconds: f.timer.seconds,
      dueAt: f.dueAt,
    });
    this.logger.log(
      `${where}: timeout strategy '${f.timer.action}' ${out.result ? 'applied' : `did not apply (${out.message})`}`,
    );
  }
}
