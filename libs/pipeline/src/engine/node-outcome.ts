import type { ServiceActivity } from '../model/tree.types';
import type { ContextWrite } from './decision';
import { varKey } from './variables';

/**
 * How an activity ended, as the value of its `outcomeVariable` (a variable of the node's
 * scope), so that a gateway condition can branch on it — orderlines' process control by
 * status (DESIGN §8.2), usable by any tree: `${status_of_a1} == "finished"`.
 * - `finished`: the component succeeded;
 * - `error_ignored`: it failed and the node ignores errors (`error_ignorable`);
 * - `skipped`: it failed and an operator skipped it.
 * Nothing is written while the node has not ended (the variable is then undefined, or holds
 * the outcome of an earlier life of the node).
 */
export type NodeOutcome = 'finished' | 'error_ignored' | 'skipped';

/** The context write recording `outcome` for an activity that asks for it; none otherwise. */
export function outcomeWrite(
  act: ServiceActivity,
  scopeId: string,
  outcome: NodeOutcome,
): ContextWrite[] {
  return act.outcomeVariable ? [{ scopeId, key: varKey(act.outcomeVariable), value: outcome }] : [];
}
