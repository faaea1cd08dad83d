/**
 * Event filters of a webhook (DESIGN §8.6): `*` matches every event, `prefix*` every type that
 * starts with `prefix`, anything else exactly that type.
 */
export function eventMatches(patterns: readonly string[], eventType: string): boolean {
  return patterns.some((p) => (p.endsWith('*') ? eventType.startsWith(p.slice(0, -1)) : p === eventType));
}

/** Event types after which a node has failed for good (failure callbacks, DESIGN §8.6). */
export const FINAL_FAILURE_EVENTS: ReadonlySet<string> = new Set(['node_execute_fail', 'node_schedule_fail', 'post_forced_fail_activity']);

/**
 * Did this logged event make its node fail for good? A `node_*_fail` carrying `retrying: true`
 * is an attempt the engine retries by itself; an error-ignorable node logs no `node_*_fail`
 * at all. A forced fail (operator, `node-timeout` / timer actions) leaves the node FAILED, so
 * it counts; a node timeout shows up as a `node_execute_fail` (retrying or not).
 */
export function isFinalFailure(eventType: string, data: Record<string, unknown> | null | undefined): boolean {
  if (!FINAL_FAILURE_EVENTS.has(eventType)) return false;
  return data?.retrying !== true;
}
