import { PipelineError } from '@app/pipeline';
import { Injectable, Logger, Optional } from '@nestjs/common';
import {
  NodeTimeoutStrategy,
  type TimedOutNode,
  type TimeoutStrategyResult,
} from './node-timeout-strategy';
import { NodeTimeoutTarget } from './node-timeout-target.port';
import { TimeoutStrategy } from './timeout-strategy.decorator';

/** Who the seed names as the operator of a forced failure. */
export const TIMEOUT_NODE_OPERATOR = 'bamboo_engine';

/** The failed node's `ex_data`. */
export function timeoutExData(node: TimedOutNode): string {
  return `forced fail by ${TIMEOUT_NODE_OPERATOR}: the node ran longer than its timeout of ${node.seconds} s`;
}

/**
 * Runs one operation of the target: `true`/`undefined` = done; `false` or a conflict /
 * not-found error = the node moved on (answered, not thrown). Other errors propagate (retried).
 */
async function attempt(
  run: () => Promise<boolean | void>,
  what: string,
): Promise<TimeoutStrategyResult> {
  try {
    const ok = (await run()) !== false;
    return { result: ok, message: ok ? '' : `${what} was not applicable` };
  } catch (error) {
    if (
      error instanceof PipelineError &&
      (error.kind === 'conflict' || error.kind === 'not_found')
    ) {
      return { result: false, message: `${what} was refused: ${error.message}` };
    }
    throw error;
  }
}

function bound(target: NodeTimeoutTarget | undefined, name: string): NodeTimeoutTarget {
  if (!target)
    throw new Error(`Timeout strategy '${name}' fired, but no NodeTimeoutTarget is bound`);
  return target;
}

/** Built-in `forced_fail`: the node fails; the run stops there until retried, skipped or revoked. */
@Injectable()
@TimeoutStrategy('forced_fail')
export class ForcedFailStrategy extends NodeTimeoutStrategy {
  private readonly logger = new Logger(ForcedFailStrategy.name);

  constructor(@Optional() private readonly target?: NodeTimeoutTarget) {
    super();
  }

  async dealWithTimeoutNode(node: TimedOutNode): Promise<TimeoutStrategyResult> {
    const target = bound(this.target, 'forced_fail');
    const out = await attempt(
      () => target.forcedFail(node.runId, node.nodeId, node.version, timeoutExData(node)),
      'forced fail',
    );
    this.logger.log(
      `node ${node.nodeId} of run ${node.runId} timed out: ${out.result ? 'failed' : out.message}`,
    );
    return out;
  }
}

/**
 * Built-in `forced_fail_and_skip`: the node fails, then is skipped so the run goes on (the
 * seed's strategy of that name; bamboo's upstream handler never skipped). The skip runs only
 * when the forced failure applied.
 */
@Injectable()
@TimeoutStrategy('forced_fail_and_skip')
export class ForcedFailAndSkipStrategy extends NodeTimeoutStrategy {
  private readonly logger = new Logger(ForcedFailAndSkipStrategy.name);

  constructor(@Optional() private readonly target?: NodeTimeoutTarget) {
    super();
  }

  async dealWithTimeoutNode(node: TimedOutNode): Promise<TimeoutStrategyResult> {
    const target = bound(this.target, 'forced_fail_and_skip');
    const failed = await attempt(
      () => target.forcedFail(node.runId, node.nodeId, node.version, timeoutExData(node)),
      'forced fail',
    );
    const out = failed.result
      ? await attempt(() => target.skip(node.runId, node.nodeId), 'skip')
      : failed;
    this.logger.log(
      `node ${node.nodeId} of run ${node.runId} timed out: ${out.result ? 'failed and skipped' : out.message}`,
    );
    return out;
  }
}

/** The built-in strategies, provided by `NodeTimeoutModule`. */
export const BUILT_IN_TIMEOUT_STRATEGIES = [ForcedFailStrategy, ForcedFailAndSkipStrategy] as const;
