import { MAX_DELAY_MS, retriesLeft, retryDelayMs } from './retry-policy';

/** DESIGN §8.3: the n-th retry waits delaySeconds (fixed) or delaySeconds × 2^(n-1) (exponential), capped. */
describe('retryDelayMs', () => {
  it.each([
    // [policy, n-th retry, ms]
    [{ delaySeconds: 2 }, 1, 2000],
    [{ delaySeconds: 2 }, 5, 2000],
    [{ delaySeconds: 2, backoff: 'fixed' }, 3, 2000],
    [{ delaySeconds: 2, backoff: 'exponential' }, 1, 2000],
    [{ delaySeconds: 2, backoff: 'exponential' }, 2, 4000],
    [{ delaySeconds: 2, backoff: 'exponential' }, 3, 8000],
    [{ delaySeconds: 2, backoff: 'exponential' }, 4, 16000],
    [{ delaySeconds: 2, backoff: 'exponential', maxDelaySeconds: 5 }, 2, 4000],
    [{ delaySeconds: 2, backoff: 'exponential', maxDelaySeconds: 5 }, 3, 5000],
    [{ delaySeconds: 2, backoff: 'exponential', maxDelaySeconds: 5 }, 10, 5000],
    [{ delaySeconds: 10, backoff: 'fixed', maxDelaySeconds: 3 }, 1, 3000],
    [{ delaySeconds: 0.25, backoff: 'exponential' }, 3, 1000],
    [{ delaySeconds: 1.5 }, 1, 1500],
    [{}, 1, 0],
    [{ backoff: 'exponential' }, 4, 0],
    [{ delaySeconds: 2, maxDelaySeconds: 0 }, 1, 0],
    // The legacy numeric multiplier: delay × backoff^(n-1).
    [{ delaySeconds: 1, backoff: 3 }, 1, 1000],
    [{ delaySeconds: 1, backoff: 3 }, 3, 9000],
    [{ delaySeconds: 1, backoff: 1 }, 4, 1000],
    [{ delaySeconds: 1, backoff: 0.5 }, 2, 500],
    [{ delaySeconds: 1, backoff: 2, maxDelaySeconds: 3 }, 4, 3000],
    // Huge exponents stay within what a timer can hold.
    [{ delaySeconds: 1, backoff: 'exponential' }, 2000, MAX_DELAY_MS],
    [{ delaySeconds: 1e9 }, 1, MAX_DELAY_MS],
  ] as const)('%j, retry %i → %i ms', (policy, n, ms) => {
    expect(retryDelayMs(policy, n)).toBe(ms);
  });

  it.each([
    [undefined, 0, 0],
    [{ max: 2 }, 0, 2],
    [{ max: 2 }, 1, 1],
    [{ max: 2 }, 2, 0],
    [{ max: 2 }, 5, 0],
    [{ max: 0 }, 0, 0],
  ] as const)('retriesLeft(%j, %i) = %i', (policy, done, left) => {
    expect(retriesLeft(policy, done)).toBe(left);
  });
});
