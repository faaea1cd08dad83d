/** A run's event log read page by page (`afterSeq`), kept in `seq` order. Pure. */
import type { RunEvent } from '../api/api-types';

/** `known` followed by the events of `page` it does not have yet, in `seq` order. */
export function appendEvents(known: readonly RunEvent[], page: readonly RunEvent[]): RunEvent[] {
  const last = known.length ? known[known.length - 1].seq : 0;
  const fresh = page.filter((e) => e.seq > last).sort((a, b) => a.seq - b.seq);
  return fresh.length ? [...known, ...fresh] : (known as RunEvent[]);
}

/** Where the next page starts: after the last event read. */
export function nextAfterSeq(known: readonly RunEvent[]): number {
  return known.length ? known[known.length - 1].seq : 0;
}
