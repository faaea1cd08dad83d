import type { RetryPolicy } from '../model/tree.types';

/**
 * How long the `n`-th automatic retry (1 = the first retry, i.e. the second attempt) waits
 * before it runs, in ms (DESIGN §8.3):
 *
 * - `backoff: "fixed"` (the default): `delaySeconds` every time;
 * - `backoff: "exponential"`: `delaySeconds × 2^(n-1)`;
 * - a number (the legacy form): `delaySeconds × backoff^(n-1)`;
 *
 * capped by `maxDelaySeconds` when given. Pure; the one place the delay is computed.
 */
export function retryDelayMs(policy: Pick<RetryPolicy, 'delaySeconds' | 'backoff' | 'maxDelaySeconds'>, n: number): number {
  const base = Math.max(0, policy.delaySeconds ?? 0);
  const factor = policy.backoff === 'exponential' ? 2 : typeof policy.backoff === 'number' && policy.backoff > 0 ? policy.backoff : 1;
  let seconds = base * Math.pow(factor, Math.max(0, n - 1));
  if (policy.maxDelaySeconds !== undefined && policy.maxDelaySeconds !== null && policy.maxDelaySeconds >= 0) {
    seconds = Math.min(seconds, policy.maxDelaySeconds);
  }
  // A huge exponent overflows to Infinity: without a cap, wait as long as a timer can.
  return Number.isFinite(seconds) ? Math.min(MAX_DELAY_MS, Math.round(seconds * 1000)) : MAX_DELAY_MS;
}

/** The longest delay a timer can hold (2^31 - 1 ms, about 24.8 days). */
export const MAX_DELAY_MS = 2_147_483_647;

/** Retries left under the policy after `retriesSoFar` of them (0 without a policy). */
export function retriesLeft(policy: Pick<RetryPolicy, 'max'> | undefined, retriesSoFar: number): number {
  return policy ? Math.max(0, policy.max - retriesSoFar) : 0;
}
