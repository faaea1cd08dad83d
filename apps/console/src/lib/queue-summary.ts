/**
 * External-task queues as the console shows them (DESIGN §10: topic, waiting / locked counts,
 * oldest wait), computed from `GET /external-tasks` items. Pure.
 */
import type { ExternalTask } from '../api/api-types';

/** One topic's queue. */
export interface QueueSummary {
  topic: string;
  /** Tasks `available` (waiting for a worker, due or delayed). */
  waiting: number;
  /** Tasks held by a worker (`locked`, or a report being delivered). */
  locked: number;
  /** Seconds the longest-waiting due task has waited (since `availableAt`); null when none waits. */
  oldestWaitSeconds: number | null;
}

const HELD = new Set(['locked', 'completing', 'failing']);

/** Summaries by topic, sorted by topic. `now` in ms. */
export function summarizeQueues(tasks: readonly ExternalTask[], now: number): QueueSummary[] {
  const byTopic = new Map<string, QueueSummary>();
  for (const t of tasks) {
    let q = byTopic.get(t.topic);
    if (!q) byTopic.set(t.topic, (q = { topic: t.topic, waiting: 0, locked: 0, oldestWaitSeconds: null }));
    if (t.state === 'available') {
      q.waiting++;
      const since = Date.parse(t.availableAt);
      if (!Number.isNaN(since) && since <= now) {
        const wait = Math.floor((now - since) / 1000);
        q.oldestWaitSeconds = Math.max(q.oldestWaitSeconds ?? 0, wait);
      }
    } else if (HELD.has(t.state)) {
      q.locked++;
    }
  }
  return [...byTopic.values()].sort((a, b) => a.topic.localeCompare(b.topic));
}

/** `42 s`, `3 min`, `2 h 5 min`. */
export function formatWait(seconds: number | null): string {
  if (seconds === null) return '—';
  if (seconds < 60) return `${seconds} s`;
  if (seconds < 3600) return `${Math.floor(seconds / 60)} min`;
  return `${Math.floor(seconds / 3600)} h ${Math.floor((seconds % 3600) / 60)} min`;
}
