/** A snapshot of topics' wake-up counts, taken before looking for tasks (see `TaskWaiters.wait`). */
export type WaitTicket = ReadonlyMap<string, number>;

interface Waiter {
  topics: readonly string[];
  until: number;
  timer: NodeJS.Timeout | null;
  wake: () => void;
}

/**
 * The long polls of `fetch-and-lock` waiting in this process, by topic. They hold no database
 * connection and do not poll: each sleeps until a wake-up names one of its topics, until the
 * earliest time it knows a task becomes available, or until its own deadline.
 *
 * A wake-up may arrive between a request's look for tasks and its wait: each topic counts its
 * wake-ups, the request notes the counts first (`ticket`), and `wait` returns at once when one
 * moved since.
 */
export class TaskWaiters {
  private readonly counts = new Map<string, number>();
  private readonly waiting = new Set<Waiter>();
  private closed = false;

  /** How many long polls are waiting now (metrics, tests). */
  get size(): number {
    return this.waiting.size;
  }

  ticket(topics: readonly string[]): WaitTicket {
    return new Map(topics.map((t) => [t, this.counts.get(t) ?? 0]));
  }

  /**
   * Sleeps until a wake-up for one of the ticket's topics, `until` (ms since epoch), an abort
   * or `close`. Resolves at once if a wake-up came after the ticket was taken.
   */
  wait(ticket: WaitTicket, until: number, signal?: AbortSignal): Promise<void> {
    if (this.closed || signal?.aborted) return Promise.resolve();
    for (const [topic, seen] of ticket) if ((this.counts.get(topic) ?? 0) !== seen) return Promise.resolve();
    return new Promise<void>((resolve) => {
      const waiter: Waiter = {
        topics: [...ticket.keys()],
        until,
        timer: null,
        wake: () => {
          if (waiter.timer) clearTimeout(waiter.timer);
          this.waiting.delete(waiter);
          signal?.removeEventListener('abort', waiter.wake);
          resolve();
        },
      };
      this.waiting.add(waiter);
      signal?.addEventListener('abort', waiter.wake, { once: true });
      this.arm(waiter, until);
    });
  }

  /**
   * A task is (or will be, at `at` ms since epoch) available on `topics`: wakes the waiters of
   * those topics now, or sets their alarm earlier.
   */
  notify(topics: readonly string[], at?: number): void {
    const later = at !== undefined && at > Date.now();
    if (!later) for (const t of topics) this.counts.set(t, (this.counts.get(t) ?? 0) + 1);
    for (const waiter of [...this.waiting]) {
      if (!waiter.topics.some((t) => topics.includes(t))) continue;
      if (!later) waiter.wake();
      else if (at < waiter.until) this.arm(waiter, at);
    }
  }

  /** Releases every waiter (shutdown): their requests answer with what they have. */
  close(): void {
    this.closed = true;
    for (const waiter of [...this.waiting]) waiter.wake();
  }

  private arm(waiter: Waiter, at: number): void {
    if (waiter.timer) clearTimeout(waiter.timer);
    waiter.until = at;
    // setTimeout caps at 2^31-1 ms; a wait here is at most a minute or so anyway.
    waiter.timer = setTimeout(waiter.wake, Math.min(Math.max(0, at - Date.now()), 2_147_483_647));
  }
}
