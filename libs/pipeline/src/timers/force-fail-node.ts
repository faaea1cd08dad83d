import { PipelineError } from '../errors/pipeline.error';
import type { NodeTimerRef } from './node-timer-member';
import type { NodeTimerTarget } from './node-timer-target.port';

/** What forcing a timed-out node to fail, and maybe skipping it then, came to. */
export interface ForcedFailOutcome {
  /** Every step asked for applied. */
  applied: boolean;
  /** The forced failure applied. */
  failed: boolean;
  /** The skip applied; false when not asked for or the failure did not apply. */
  skipped: boolean;
  /** Why not, when `applied` is false: `forced fail was not applicable`, `skip was refused: <why>`. */
  message: string;
}

/**
 * The built-in timer actions of both contrib modules: fail the node at the version its timer
 * was armed under, then, with `thenSkip`, skip it so the run goes on (only when the failure
 * applied). A node that moved on meanwhile is an answer (`applied: false`), not an error, so
 * a late or repeated delivery is harmless; other errors propagate, to be retried.
 */
export async function forceFailNode(
  target: NodeTimerTarget,
  node: Pick<NodeTimerRef, 'runId' | 'nodeId' | 'version'>,
  exData: string,
  options: { thenSkip?: boolean } = {},
): Promise<ForcedFailOutcome> {
  const fail = await attempt(
    () => target.forcedFail(node.runId, node.nodeId, node.version, exData),
    'forced fail',
  );
  if (!fail.done || !options.thenSkip) {
    return { applied: fail.done, failed: fail.done, skipped: false, message: fail.message };
  }
  const skip = await attempt(() => target.skip(node.runId, node.nodeId), 'skip');
  return { applied: skip.done, failed: true, skipped: skip.done, message: skip.message };
}

/**
 * Runs one operation of the target: `true`/`undefined` = done; `false` or a conflict /
 * not-found error = the node moved on (answered, not thrown). Other errors propagate.
 */
async function attempt(
  run: () => Promise<boolean | void>,
  what: string,
): Promise<{ done: boolean; message: string }> {
  try {
    const done = (await run()) !== false;
    return { done, message: done ? '' : `${what} was not applicable` };
  } catch (error) {
    if (
      error instanceof PipelineError &&
      (error.kind === 'conflict' || error.kind === 'not_found')
    ) {
      return { done: false, message: `${what} was refused: ${error.message}` };
    }
    throw error;
  }
}
