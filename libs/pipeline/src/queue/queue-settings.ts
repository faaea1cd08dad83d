/**
 * Names and tuning of the engine's BullMQ queue, in one place (DESIGN §7 settings style).
 * Apps read the values from their own config and pass them in; nothing here reads the
 * environment.
 */
export interface EngineQueueSettings {
  /** BullMQ queue name (no ':'). */
  queueName: string;
  /** Redis key prefix (may contain ':'): every key of the queue is `<prefix>:<queueName>:...`. */
  prefix: string;
  /** Jobs one worker process runs at once. */
  concurrency: number;
  /**
   * Tries per job when the handler throws (a throw is a transient failure: database down,
   * lost connection), with exponential backoff starting at `backoffMs`.
   */
  attempts: number;
  backoffMs: number;
  /** Failed jobs are kept this long, and at most `removeOnFailCount` of them, for inspection. */
  removeOnFailAgeSeconds: number;
  removeOnFailCount: number;
  /**
   * A worker holds a lock per active job and renews it every `lockDurationMs / 2`. When a
   * worker dies (SIGKILL), its locks expire after `lockDurationMs` and the stalled check of
   * any live worker (every `stalledIntervalMs`) puts the jobs back in the wait list. So a
   * crashed worker's jobs run again after roughly lockDuration + stalledInterval (≤ 45 s
   * with the defaults); the reconciler is the backstop when no worker is left to check.
   * A job whose handler blocks the event loop longer than the lock also counts as stalled.
   */
  lockDurationMs: number;
  stalledIntervalMs: number;
  /** Stalls a job survives before it is failed (each stall re-runs it). */
  maxStalledCount: number;
  /**
   * `close()` waits this long for in-flight jobs, then stops without them: their locks expire
   * and another worker takes them over (keep it under the container's stop grace period).
   */
  shutdownTimeoutMs: number;
}

export const DEFAULT_ENGINE_QUEUE_SETTINGS: Readonly<EngineQueueSettings> = Object.freeze({
  queueName: 'pipeline_engine',
  prefix: 'pipeline',
  concurrency: 16,
  attempts: 5,
  backoffMs: 1_000,
  removeOnFailAgeSeconds: 7 * 24 * 3600,
  removeOnFailCount: 10_000,
  lockDurationMs: 30_000,
  stalledIntervalMs: 15_000,
  maxStalledCount: 3,
  shutdownTimeoutMs: 25_000,
});

const POSITIVE_INTS: (keyof EngineQueueSettings)[] = [
  'concurrency',
  'attempts',
  'lockDurationMs',
  'stalledIntervalMs',
  'removeOnFailCount',
];
const NON_NEGATIVE_INTS: (keyof EngineQueueSettings)[] = [
  'backoffMs',
  'removeOnFailAgeSeconds',
  'maxStalledCount',
  'shutdownTimeoutMs',
];

/**
 * The defaults with `overrides` applied (undefined values ignored, so optional config fields
 * can be passed straight through). Throws on a value BullMQ would reject or misread.
 */
export function engineQueueSettings(
  overrides: Partial<EngineQueueSettings> = {},
): EngineQueueSettings {
  const defined = Object.fromEntries(Object.entries(overrides).filter(([, v]) => v !== undefined));
  const s: EngineQueueSettings = { ...DEFAULT_ENGINE_QUEUE_SETTINGS, ...defined };
  if (typeof s.queueName !== 'string' || s.queueName.length === 0 || s.queueName.includes(':')) {
    throw new Error(
      `engine queue setting queueName must be a non-empty string without ':' (got ${JSON.stringify(s.queueName)})`,
    );
  }
  if (typeof s.prefix !== 'string' || s.prefix.length === 0) {
    throw new Error(
      `engine queue setting prefix must be a non-empty string (got ${JSON.stringify(s.prefix)})`,
    );
  }
  for (const key of POSITIVE_INTS) {
    if (!Number.isInteger(s[key]) || (s[key] as number) < 1) {
      throw new Error(
        `engine queue setting ${key} must be a positive integer (got ${JSON.stringify(s[key])})`,
      );
    }
  }
  for (const key of NON_NEGATIVE_INTS) {
    if (!Number.isInteger(s[key]) || (s[key] as number) < 0) {
      throw new Error(
        `engine queue setting ${key} must be an integer ≥ 0 (got ${JSON.stringify(s[key])})`,
      );
    }
  }
  return s;
}
