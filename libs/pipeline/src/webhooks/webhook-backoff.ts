/** Retry timing of deliveries (DESIGN §8.6). */
export interface WebhookBackoff {
  /** Delay after the first failed attempt, in ms (default 1 s; tests make it small). */
  baseMs: number;
  /** The delay doubles per attempt up to this (default 1 h). */
  maxMs: number;
  /** Up to this fraction is added at random, so many failing deliveries do not retry in lock-step (default 0.2). */
  jitter: number;
}

export const DEFAULT_WEBHOOK_BACKOFF: WebhookBackoff = { baseMs: 1_000, maxMs: 3_600_000, jitter: 0.2 };

/**
 * Milliseconds to wait after failed attempt number `attempt` (1 = the first attempt failed):
 * `min(baseMs * 2^(attempt-1), maxMs)`, plus up to `jitter` of it. `random` is injectable for tests.
 */
export function backoffMs(attempt: number, backoff: WebhookBackoff, random: () => number = Math.random): number {
  const exp = Math.min(Math.max(attempt, 1) - 1, 40);
  const plain = Math.min(backoff.baseMs * 2 ** exp, backoff.maxMs);
  return Math.round(plain * (1 + backoff.jitter * random()));
}
