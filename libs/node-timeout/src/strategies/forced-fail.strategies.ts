import { forceFailNode } from '@app/pipeline';
import { Injectable, Logger, Optional } from '@nestjs/common';
import {
  NodeTimeoutStrategy,
  type TimedOutNode,
  type TimeoutStrategyResult,
} from './node-timeout-strategy';
import { NodeTimeoutTarget } from './node-timeout-target.port';
import { getTimeoutStrategyMetadata, TimeoutStrategy } from './timeout-strategy.decorator';

/** Who the seed names as the operator of a forced failure. */
export const TIMEOUT_NODE_OPERATOR = 'bamboo_engine';

/** The failed node's `ex_data`. */
export function timeoutExData(node: TimedOutNode): string {
  return `forced fail by ${TIMEOUT_NODE_OPERATOR}: the node ran longer than its timeout of ${node.seconds} s`;
}

/**
 * The two built-ins, which differ only in whether the skip follows. The target is optional
 * so the module boots without one; a timeout firing without one throws.
 */
@Injectable()
abstract class ForcedFailBuiltIn extends NodeTimeoutStrategy {
  /** Skip the node once it failed, so the run goes on. */
  protected abstract readonly thenSkip: boolean;
  private readonly logger = new Logger(this.constructor.name);

  constructor(@Optional() private readonly target?: NodeTimeoutTarget) {
    super();
  }

  async dealWithTimeoutNode(node: TimedOutNode): Promise<TimeoutStrategyResult> {
    if (!this.target) {
      const name = getTimeoutStrategyMetadata(this.constructor)?.name;
      throw new Error(`Timeout strategy '${name}' fired, but no NodeTimeoutTarget is bound`);
    }
    const out = await forceFailNode(this.target, node, timeoutExData(node), {
      thenSkip: this.thenSkip,
    });
    const done = this.thenSkip ? 'failed and skipped' : 'failed';
    this.logger.log(
      `node ${node.nodeId} of run ${node.runId} timed out: ${out.applied ? done : out.message}`,
    );
    return { result: out.applied, message: out.message };
  }
}

/** Built-in `forced_fail`: the node fails; the run stops there until retried, skipped or revoked. */
@Injectable()
@TimeoutStrategy('forced_fail')
export class ForcedFailStrategy extends ForcedFailBuiltIn {
  protected readonly thenSkip = false;
}

/**
 * Built-in `forced_fail_and_skip`: the node fails, then is skipped so the run goes on (the
 * seed's strategy of that name; bamboo's upstream handler never skipped). The skip runs only
 * when the forced failure applied.
 */
@Injectable()
@TimeoutStrategy('forced_fail_and_skip')
export class ForcedFailAndSkipStrategy extends ForcedFailBuiltIn {
  protected readonly thenSkip = true;
}

/** The built-in strategies, provided by `NodeTimeoutModule`. */
export const BUILT_IN_TIMEOUT_STRATEGIES = [ForcedFailStrategy, ForcedFailAndSkipStrategy] as const;
