import { backoffMs, DEFAULT_WEBHOOK_BACKOFF } from './webhook-backoff';

describe('backoffMs', () => {
  const noJitter = { baseMs: 1_000, maxMs: 60_000, jitter: 0 };

  it('doubles from the base per failed attempt', () => {
    expect([1, 2, 3, 4, 5].map((n) => backoffMs(n, noJitter))).toEqual([1_000, 2_000, 4_000, 8_000, 16_000]);
  });

  it('stops growing at maxMs, even for huge attempt numbers', () => {
    expect(backoffMs(7, noJitter)).toBe(60_000);
    expect(backoffMs(10_000, noJitter)).toBe(60_000);
  });

  it('adds up to `jitter` of the delay', () => {
    const b = { baseMs: 1_000, maxMs: 60_000, jitter: 0.2 };
    expect(backoffMs(1, b, () => 0)).toBe(1_000);
    expect(backoffMs(1, b, () => 0.5)).toBe(1_100);
    expect(backoffMs(2, b, () => 0.999)).toBeLessThanOrEqual(2_400);
  });

  it('keeps retrying for at least 24 h by default (the delays stay below the cap of 1 h)', () => {
    let total = 0;
    let attempts = 0;
    while (total < 24 * 3_600_000) total += backoffMs(++attempts, DEFAULT_WEBHOOK_BACKOFF, () => 0);
    expect(backoffMs(100, DEFAULT_WEBHOOK_BACKOFF, () => 0)).toBe(3_600_000);
    expect(attempts).toBeLessThan(60);
  });
});
