import {
  countOutcomes,
  evaluateTriggerRule,
  TRIGGER_RULES,
  type RuleVerdict,
  type TriggerRule,
  type UpstreamOutcome,
} from './trigger-rules';

/** s = success, f = failed (or skipped for upstream_failed), k = skipped by rule, r = not terminal yet. */
const OUTCOME: Record<string, UpstreamOutcome> = { s: 'success', f: 'failed', k: 'skipped', r: 'running' };
const MIXES = ['ss', 'sf', 'sk', 'sr', 'ff', 'fk', 'fr', 'kk', 'kr', 'rr'] as const;

/**
 * Every rule × every mix of two upstreams, written out (Airflow's trigger_rule_dep semantics):
 * F fires, W waits, U is skipped for upstream_failed, T is skipped by the trigger rule.
 */
const TABLE: Record<TriggerRule, string> = {
  //                            ss sf sk sr ff fk fr kk kr rr
  all_success: /*            */ 'F  U  T  W  U  U  U  T  T  W',
  all_failed: /*             */ 'T  T  T  T  F  T  W  T  T  W',
  all_done: /*               */ 'F  F  F  W  F  F  W  F  W  W',
  all_skipped: /*            */ 'T  T  T  T  T  T  T  F  W  W',
  one_success: /*            */ 'F  F  F  F  U  U  W  T  W  W',
  one_failed: /*             */ 'T  F  T  W  F  F  F  T  W  W',
  one_done: /*               */ 'F  F  F  F  F  F  F  T  W  W',
  none_failed: /*            */ 'F  U  F  W  U  U  U  F  W  W',
  none_failed_min_one_success: 'F  U  F  W  U  U  U  T  W  W',
  none_skipped: /*           */ 'F  F  T  W  F  T  W  T  T  W',
  always: /*                 */ 'F  F  F  F  F  F  F  F  F  F',
};

const LETTER = (v: RuleVerdict): string =>
  v.kind === 'fire' ? 'F' : v.kind === 'wait' ? 'W' : v.reason === 'upstream_failed' ? 'U' : 'T';

const verdictOf = (rule: TriggerRule, mix: string): string =>
  LETTER(evaluateTriggerRule(rule, countOutcomes([...mix].map((ch) => OUTCOME[ch]))));

describe('trigger rules', () => {
  it('the table covers every rule', () => {
    expect(Object.keys(TABLE).sort()).toEqual([...TRIGGER_RULES].sort());
  });

  const cases = TRIGGER_RULES.flatMap((rule) => {
    const expected = TABLE[rule].split(/\s+/);
    return MIXES.map((mix, i) => [rule, mix, expected[i]] as const);
  });
  it.each(cases)('%s with upstreams %s → %s', (rule, mix, expected) => {
    expect(verdictOf(rule, mix)).toBe(expected);
  });

  it.each(TRIGGER_RULES.map((r) => [r]))('%s: a work with no upstream starts with the run', (rule) => {
    expect(evaluateTriggerRule(rule, countOutcomes([]))).toEqual({ kind: 'fire' });
  });

  it.each([
    ['all_success', 'sss', 'F'],
    ['all_success', 'ssr', 'W'],
    ['one_success', 'ffr', 'W'],
    ['one_success', 'fkk', 'U'],
    ['one_success', 'kkk', 'T'],
    ['one_failed', 'srr', 'W'],
    ['one_failed', 'ssk', 'T'],
    ['none_failed_min_one_success', 'kks', 'F'],
    ['none_failed_min_one_success', 'kkr', 'W'],
    ['all_skipped', 'kkk', 'F'],
    ['none_skipped', 'ssf', 'F'],
  ] as const)('%s with upstreams %s → %s', (rule, mix, expected) => {
    expect(verdictOf(rule, mix)).toBe(expected);
  });

  /**
   * A verdict, once reached, holds whatever the upstreams still running end as (no flip-flop),
   * so deciding early is safe. (The skip reason may differ from a later look: a work skipped
   * early for a skipped upstream stays skipped `trigger_rule` even if another then fails.)
   */
  it('fire and skip verdicts are final as the remaining upstreams settle', () => {
    const kind = (letter: string) => (letter === 'U' ? 'T' : letter);
    const terminal = ['s', 'f', 'k'];
    const all3 = [...'sfkr'].flatMap((a) => [...'sfkr'].flatMap((b) => [...'sfkr'].map((c) => a + b + c)));
    for (const rule of TRIGGER_RULES) {
      for (const mix of all3) {
        const before = verdictOf(rule, mix);
        if (before === 'W' || !mix.includes('r')) continue;
        for (const t of terminal) {
          expect({ rule, mix, after: kind(verdictOf(rule, mix.replace('r', t))) }).toEqual({ rule, mix, after: kind(before) });
        }
      }
    }
  });
});
