/**
 * The outbox cursor over `run_event.id` (DESIGN §8.6). On MySQL `id` is allocated in insert
 * order, not commit order, and a rolled-back insert leaves a hole forever: a scan may see 7
 * and 9 while 8 is still in an uncommitted transaction (it appears later) or was rolled back
 * (it never will). The cursor therefore moves only over ids it has seen without a hole before
 * them; a hole is stepped over once it has been seen for `gapGraceMs` (no engine transaction
 * lasts that long). Rows past a hole are handled anyway (delivery rows are insert-ignore on
 * `(target, event_id)`, so seeing them again on the next scan is harmless).
 */
export class EventCursorGaps {
  /** Hole (the first missing id) → when it was first seen. */
  private readonly firstSeen = new Map<number, number>();

  constructor(private readonly gapGraceMs: number) {}

  /**
   * Where the cursor may move after a scan of `ids` (ascending, all `> cursor`) at `now`.
   */
  advance(cursor: number, ids: readonly number[], now: number): number {
    let next = cursor;
    for (const id of ids) {
      if (id === next + 1) {
        next = id;
        continue;
      }
      // A hole from next + 1 to id - 1.
      const hole = next + 1;
      const seen = this.firstSeen.get(hole);
      if (seen === undefined) {
        this.firstSeen.set(hole, now);
        break;
      }
      if (now - seen < this.gapGraceMs) break;
      this.firstSeen.delete(hole);
      next = id;
    }
    for (const hole of this.firstSeen.keys()) if (hole <= next) this.firstSeen.delete(hole);
    return next;
  }

  /** Holes being waited on (for logs and tests). */
  pending(): number[] {
    return [...this.firstSeen.keys()];
  }
}
