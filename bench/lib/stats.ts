/** Summary statistics of a sample, shared by every scenario. Percentiles use the nearest-rank method. */

export interface Summary {
  n: number;
  mean: number;
  p50: number;
  p99: number;
  max: number;
  min: number;
}

/** The value at percentile `p` (0–100) of an ascending-sorted sample (nearest rank). */
export function percentile(sorted: readonly number[], p: number): number {
  if (sorted.length === 0) return NaN;
  const rank = Math.ceil((p / 100) * sorted.length);
  return sorted[Math.min(sorted.length, Math.max(1, rank)) - 1];
}

export function summarize(sample: readonly number[]): Summary {
  const sorted = [...sample].sort((a, b) => a - b);
  const n = sorted.length;
  return {
    n,
    mean: n ? round(sorted.reduce((s, x) => s + x, 0) / n) : NaN,
    p50: round(percentile(sorted, 50)),
    p99: round(percentile(sorted, 99)),
    max: n ? round(sorted[n - 1]) : NaN,
    min: n ? round(sorted[0]) : NaN,
  };
}

export function median(sample: readonly number[]): number {
  return summarize(sample).p50;
}

/** Items per second for `count` items in `ms` milliseconds. */
export function perSecond(count: number, ms: number): number {
  return ms > 0 ? Math.round((count / ms) * 1000) : NaN;
}

/** Rounded to `digits` decimal places, for readable JSON. */
export function round(x: number, digits = 3): number {
  if (!Number.isFinite(x)) return x;
  const f = 10 ** digits;
  return Math.round(x * f) / f;
}

/** Milliseconds since `start` (a `process.hrtime.bigint()` reading). */
export function msSince(start: bigint): number {
  return Number(process.hrtime.bigint() - start) / 1e6;
}

/** Runs `fn` over `items` with at most `limit` calls in flight; answers results in input order. */
export async function mapLimit<T, R>(
  items: readonly T[],
  limit: number,
  fn: (item: T, index: number) => Promise<R>,
): Promise<R[]> {
  const out = new Array<R>(items.length);
  let next = 0;
  const lanes = Array.from({ length: Math.min(limit, items.length) }, async () => {
    while (next < items.length) {
      const i = next++;
      out[i] = await fn(items[i], i);
    }
  });
  await Promise.all(lanes);
  return out;
}

export const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));
