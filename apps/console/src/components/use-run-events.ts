/** A run's event log, polled: each poll reads only the events after the last one it has. */
import { useEffect, useState } from 'preact/hooks';
import type { RunEvent } from '../api/api-types';
import { api } from '../api/session';
import { appendEvents, nextAfterSeq } from '../lib/run-events';

export function useRunEvents(runId: string, intervalMs = 1000): { events: RunEvent[]; error: unknown } {
  const [events, setEvents] = useState<RunEvent[]>([]);
  const [error, setError] = useState<unknown>(undefined);
  useEffect(() => {
    let known: RunEvent[] = [];
    let stopped = false;
    let timer: ReturnType<typeof setTimeout> | undefined;
    setEvents([]);
    const tick = async () => {
      try {
        const page = await api.runEvents(runId, nextAfterSeq(known));
        if (stopped) return;
        const next = appendEvents(known, page);
        if (next !== known) setEvents((known = next));
        setError(undefined);
      } catch (e) {
        if (!stopped) setError(e);
      }
      if (!stopped) timer = setTimeout(() => void tick(), intervalMs);
    };
    void tick();
    return () => {
      stopped = true;
      if (timer) clearTimeout(timer);
    };
  }, [runId, intervalMs]);
  return { events, error };
}
