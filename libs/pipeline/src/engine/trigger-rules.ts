/**
 * DAG trigger rules (DESIGN §8.1), with Airflow's meaning. Pure: given how a work's direct
 * upstreams stand, say whether it starts now, waits, or can no longer run (and why).
 */

export const TRIGGER_RULES = [
  'all_success',
  'all_failed',
  'all_done',
  'all_skipped',
  'one_success',
  'one_failed',
  'one_done',
  'none_failed',
  'none_failed_min_one_success',
  'none_skipped',
  'always',
] as const;
export type TriggerRule = (typeof TRIGGER_RULES)[number];

export const DEFAULT_TRIGGER_RULE: TriggerRule = 'all_success';

export function isTriggerRule(value: unknown): value is TriggerRule {
  return typeof value === 'string' && (TRIGGER_RULES as readonly string[]).includes(value);
}

/**
 * How one upstream work stands, as downstream rules count it. A work skipped for
 * `upstream_failed` counts as `failed`, one skipped for `trigger_rule` as `skipped`; a failed
 * work skipped by an operator, or finished with its error ignored, counts as `success`.
 */
export type UpstreamOutcome = 'success' | 'failed' | 'skipped' | 'running';

export interface UpstreamCounts {
  success: number;
  failed: number;
  skipped: number;
  /** Upstreams in total (terminal or not). */
  total: number;
}

export type RuleVerdict =
  | { kind: 'fire' }
  | { kind: 'wait' }
  /** The rule can no longer hold. `upstream_failed` when it needed a success a failure took away. */
  | { kind: 'skip'; reason: 'upstream_failed' | 'trigger_rule' };

const FIRE: RuleVerdict = { kind: 'fire' };
const WAIT: RuleVerdict = { kind: 'wait' };
const UPSTREAM_FAILED: RuleVerdict = { kind: 'skip', reason: 'upstream_failed' };
const BY_RULE: RuleVerdict = { kind: 'skip', reason: 'trigger_rule' };

export function countOutcomes(outcomes: readonly UpstreamOutcome[]): UpstreamCounts {
  const c: UpstreamCounts = { success: 0, failed: 0, skipped: 0, total: outcomes.length };
  for (const o of outcomes) if (o !== 'running') c[o]++;
  return c;
}

/**
 * The verdict of `rule` over its upstreams. A work with no upstream starts with the run,
 * whatever its rule (Airflow: no upstream, nothing to wait for). `one_*` rules fire as soon
 * as one upstream qualifies; `always` fires at once; the others fire only once every upstream
 * is terminal. Any rule skips as soon as it can no longer hold (Airflow skips early too).
 */
export function evaluateTriggerRule(rule: TriggerRule, c: UpstreamCounts): RuleVerdict {
  if (c.total === 0 || rule === 'always') return FIRE;
  const done = c.success + c.failed + c.skipped;
  const allDone = done === c.total;
  switch (rule) {
    case 'all_success':
      if (c.failed > 0) return UPSTREAM_FAILED;
      if (c.skipped > 0) return BY_RULE;
      return c.success === c.total ? FIRE : WAIT;
    case 'all_failed':
      if (c.success > 0 || c.skipped > 0) return BY_RULE;
      return c.failed === c.total ? FIRE : WAIT;
    case 'all_done':
      return allDone ? FIRE : WAIT;
    case 'all_skipped':
      if (c.success > 0 || c.failed > 0) return BY_RULE;
      return c.skipped === c.total ? FIRE : WAIT;
    case 'one_success':
      if (c.success > 0) return FIRE;
      if (!allDone) return WAIT;
      return c.skipped === c.total ? BY_RULE : UPSTREAM_FAILED;
    case 'one_failed':
      if (c.failed > 0) return FIRE;
      return allDone ? BY_RULE : WAIT;
    case 'one_done':
      if (c.success + c.failed > 0) return FIRE;
      return allDone ? BY_RULE : WAIT;
    case 'none_failed':
      if (c.failed > 0) return UPSTREAM_FAILED;
      return allDone ? FIRE : WAIT;
    case 'none_failed_min_one_success':
      if (c.failed > 0) return UPSTREAM_FAILED;
      if (!allDone) return WAIT;
      return c.success > 0 ? FIRE : BY_RULE;
    case 'none_skipped':
      if (c.skipped > 0) return BY_RULE;
      return allDone ? FIRE : WAIT;
  }
}
