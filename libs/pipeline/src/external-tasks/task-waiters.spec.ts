import { TaskWaiters } from './task-waiters';

describe('TaskWaiters (long polls of fetch-and-lock)', () => {
  const settled = async (p: Promise<void>, ms = 30): Promise<boolean> =>
    Promise.race([p.then(() => true), new Promise<boolean>((r) => setTimeout(() => r(false), ms))]);

  it('wakes the waiters of a topic, and only those', async () => {
    const w = new TaskWaiters();
    const a = w.wait(w.ticket(['a']), Date.now() + 5_000);
    const b = w.wait(w.ticket(['b', 'c']), Date.now() + 5_000);
    expect(w.size).toBe(2);
    w.notify(['c']);
    expect(await settled(b)).toBe(true);
    expect(await settled(a)).toBe(false);
    w.close();
    expect(await settled(a)).toBe(true);
    expect(w.size).toBe(0);
  });

  it('returns at once when a wake-up came between the ticket and the wait (no lost wake-up)', async () => {
    const w = new TaskWaiters();
    const ticket = w.ticket(['a']);
    w.notify(['a']);
    expect(await settled(w.wait(ticket, Date.now() + 5_000), 5)).toBe(true);
  });

  it('sleeps until its deadline, or until an earlier time announced for its topic', async () => {
    const w = new TaskWaiters();
    const start = Date.now();
    await w.wait(w.ticket(['a']), start + 40);
    expect(Date.now() - start).toBeGreaterThanOrEqual(35);
    const later = w.wait(w.ticket(['a']), Date.now() + 5_000);
    w.notify(['a'], Date.now() + 20);
    expect(await settled(later, 10)).toBe(false);
    expect(await settled(later, 200)).toBe(true);
  });

  it('stops waiting when its request is aborted', async () => {
    const w = new TaskWaiters();
    const gone = new AbortController();
    const waiting = w.wait(w.ticket(['a']), Date.now() + 5_000, gone.signal);
    gone.abort();
    expect(await settled(waiting)).toBe(true);
    expect(w.size).toBe(0);
  });
});
