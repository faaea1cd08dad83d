import { Logger } from '@nestjs/common';
import { nodeTimeoutSeconds, type NodeTimeoutName } from '../engine/node-timeouts';
import { PipelineError } from '../errors/pipeline.error';
import type { PipelineTree } from '../model/tree.types';
import type { RunOperationsService } from '../runtime/run-operations.service';
import type { NodeTimerFireResult, NodeTimerFiring, NodeTimerKind, NodeTimerSpec } from '../timers/node-timer-kind';
import { forEachServiceActivity, isPipelineTree } from '../timers/node-timer-configs';

/** One of an activity's timeouts (DESIGN §8.3): one firing, `seconds` after the node life started. */
export interface ActivityTimeoutSpec extends NodeTimerSpec {
  readonly timeout: NodeTimeoutName;
  readonly seconds: number;
}

/** Pool member index of each timeout: stable for a tree. */
const INDEX: Record<NodeTimeoutName, number> = { queue: 1, running: 2 };

export function activityTimeoutSpec(timeout: NodeTimeoutName, seconds: number): ActivityTimeoutSpec {
  const ms = seconds * 1000;
  return {
    index: INDEX[timeout],
    timeout,
    seconds,
    // The earliest it can run out: the queue time from the life's start; the running time from
    // the pick-up, which comes after the start (the engine says when it really is due).
    firstDue: (startedAt) => startedAt + ms,
    occurrence: () => 1,
    nextDue: () => null,
  };
}

/**
 * The activity timeouts of DESIGN §8.3 (`timeout: {queueSeconds, runningSeconds}`) as a
 * node-timer kind on the generic driver: a run's timers are the timeouts of its activities
 * (sub-processes included); firing one asks the engine (`RunOperationsService.nodeTimeout`),
 * whose pure core decides whether it ran out (and retries or fails the node), or when to ask
 * again. Not bamboo's `timeout_config` (libs/node-timeout), which keeps its own pool.
 */
export class ActivityTimeoutsKind implements NodeTimerKind<ActivityTimeoutSpec> {
  readonly name = 'activity-timeouts';
  /** Its pool holds nothing else. */
  readonly memberPrefix = '';
  private readonly logger = new Logger(ActivityTimeoutsKind.name);

  constructor(private readonly operations: Pick<RunOperationsService, 'nodeTimeout'>) {}

  register(_runId: string, tree: PipelineTree): ReadonlyMap<string, readonly ActivityTimeoutSpec[]> {
    const byNode = new Map<string, ActivityTimeoutSpec[]>();
    if (!isPipelineTree(tree)) return byNode;
    forEachServiceActivity(tree, (act) => {
      const specs: ActivityTimeoutSpec[] = [];
      for (const which of ['queue', 'running'] as const) {
        const seconds = nodeTimeoutSeconds(act.timeout, which);
        if (seconds !== null) specs.push(activityTimeoutSpec(which, seconds));
      }
      if (specs.length) byNode.set(act.id, specs);
    });
    return byNode;
  }

  async fire(f: NodeTimerFiring<ActivityTimeoutSpec>): Promise<NodeTimerFireResult | void> {
    const where = `run ${f.runId} node ${f.nodeId} v${f.version}`;
    try {
      const out = await this.operations.nodeTimeout(f.runId, f.nodeId, f.version, f.timer.timeout);
      if (out.applied) {
        this.logger.log(`${where}: ${f.timer.timeout} timeout (${f.timer.seconds} s) ran out`);
        return;
      }
      this.logger.debug(`${where}: ${f.timer.timeout} timeout not applied (${out.reason})`);
      if (out.notBefore) return { rearmAt: out.notBefore.getTime() };
    } catch (e) {
      // The run ended or the node is gone meanwhile: nothing to do. Anything else is retried.
      if (e instanceof PipelineError && (e.kind === 'conflict' || e.kind === 'not_found')) {
        this.logger.debug(`${where}: ${f.timer.timeout} timeout not applicable: ${e.message}`);
        return;
      }
      throw e;
    }
  }
}
