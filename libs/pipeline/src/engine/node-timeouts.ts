import type { NodeTimeouts } from '../model/tree.types';
import { droppedDecision, type Decision } from './decision';
import { DecisionBuilder, type DecisionBase } from './decision-builder';
import type { NodeRecord } from './run-state';

/** The two node timeouts of DESIGN §8.3. */
export type NodeTimeoutName = 'queue' | 'running';
export const NODE_TIMEOUT_NAMES: readonly NodeTimeoutName[] = ['queue', 'running'];

/** What a timeout that came due means for the node life it was armed for. */
export type NodeTimeoutVerdict =
  /** It has run out: the attempt fails (and is retried under the node's retry policy). */
  | { kind: 'expired'; exData: string; seconds: number }
  /** Not yet (the running time started after the timer was armed): check again at `dueAt`. */
  | { kind: 'not_yet'; dueAt: Date; reason: string }
  /** Nothing to do: the node moved on, was picked up in time, or has no such timeout. */
  | { kind: 'not_applicable'; reason: string };

/** The configured seconds of one timeout; null when the activity has none. */
export function nodeTimeoutSeconds(timeouts: NodeTimeouts | undefined | null, which: NodeTimeoutName): number | null {
  const s = which === 'queue' ? timeouts?.queueSeconds : timeouts?.runningSeconds;
  return typeof s === 'number' && Number.isFinite(s) && s > 0 ? s : null;
}

/**
 * Whether a node's timeout has run out (DESIGN §8.3), for the node life at `version`:
 *
 * - `queue`: counted from the life's start (`startedAt`: the dispatch, or the end of an
 *   automatic retry's delay) until a worker picks it up (`pickedUpAt`); once picked up it no
 *   longer applies;
 * - `running`: counted from the pick-up until the node is done; before the pick-up it is not
 *   running yet, so it is checked again `runningSeconds` later at the earliest.
 *
 * Pure: the timer machinery only says "due", this decides.
 */
export function nodeTimeoutVerdict(
  rec: NodeRecord | undefined,
  timeouts: NodeTimeouts | undefined | null,
  which: NodeTimeoutName,
  version: number,
  now: Date,
): NodeTimeoutVerdict {
  if (!rec || rec.state !== 'RUNNING' || rec.version !== version) {
    return { kind: 'not_applicable', reason: `node is ${rec?.state ?? 'absent'} at version ${rec?.version ?? '-'}, timeout is for ${version}` };
  }
  const seconds = nodeTimeoutSeconds(timeouts, which);
  if (seconds === null) return { kind: 'not_applicable', reason: `the node has no ${which} timeout` };
  const ms = seconds * 1000;
  if (which === 'queue') {
    if (rec.pickedUpAt) return { kind: 'not_applicable', reason: `a worker started it at ${rec.pickedUpAt.toISOString()}` };
    const due = (rec.startedAt?.getTime() ?? now.getTime()) + ms;
    if (now.getTime() < due) return { kind: 'not_yet', dueAt: new Date(due), reason: 'still within its queue time' };
    return { kind: 'expired', seconds, exData: `queue timeout: not started within ${seconds} s` };
  }
  if (!rec.pickedUpAt) return { kind: 'not_yet', dueAt: new Date(now.getTime() + ms), reason: 'no worker has started it yet' };
  const due = rec.pickedUpAt.getTime() + ms;
  if (now.getTime() < due) return { kind: 'not_yet', dueAt: new Date(due), reason: 'still within its running time' };
  return { kind: 'expired', seconds, exData: `running timeout: not done within ${seconds} s` };
}

/** Whether an activity's timeouts need the pick-up to be recorded (any `timeout` at all). */
export function needsPickUp(timeouts: NodeTimeouts | undefined | null): boolean {
  return nodeTimeoutSeconds(timeouts, 'queue') !== null || nodeTimeoutSeconds(timeouts, 'running') !== null;
}

/**
 * A worker begins a life's `execute` of an activity with a `timeout`: the pick-up is recorded
 * (the queue time ends, the running time starts). A compare-and-set like any node write, so a
 * queue timeout deciding at the same moment and this one cannot both win: the loser reloads
 * (the timeout then finds it picked up; the worker finds a new version and drops the job).
 * Dropped when the node is not RUNNING at `version` awaiting its execute, or already picked up.
 */
export function pickUp(input: DecisionBase & { now: Date }, nodeId: string, version: number): Decision {
  const rec = input.nodes.get(nodeId);
  if (!rec || rec.state !== 'RUNNING' || rec.version !== version || rec.awaiting !== 'execute') {
    return droppedDecision(`node is ${rec?.state ?? 'absent'} at version ${rec?.version ?? '-'} awaiting ${rec?.awaiting ?? '-'}`);
  }
  if (rec.pickedUpAt) return droppedDecision('already picked up');
  const b = new DecisionBuilder(input);
  b.node({ ...rec, pickedUpAt: input.now });
  return b.d;
}
