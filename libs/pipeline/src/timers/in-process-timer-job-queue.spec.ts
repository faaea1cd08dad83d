import type { PoolEntry } from './executing-pool.port';
import { InProcessTimerJobQueue } from './in-process-timer-job-queue';
import { waitUntil } from './node-timer-driver.spec-helper';

const entry = (member: string): PoolEntry => ({ member, dueAt: 1 });

describe('InProcessTimerJobQueue', () => {
  it('keeps jobs added before the consumer, and delivers them once it comes', async () => {
    const q = new InProcessTimerJobQueue();
    await q.add('q', [
      { id: '1', entries: [entry('a')] },
      { id: '2', entries: [entry('b'), entry('c')] },
    ]);
    expect(q.size('q')).toBe(2);
    const got: string[] = [];
    q.consume('q', async (entries) => void got.push(...entries.map((e) => e.member)));
    await waitUntil(() => got.length === 3);
    expect(got).toEqual(['a', 'b', 'c']);
    await q.close();
  });

  it('collapses a duplicate id while the first waits or runs, not after it is done', async () => {
    const q = new InProcessTimerJobQueue();
    let release!: () => void;
    const gate = new Promise<void>((r) => (release = r));
    const got: string[] = [];
    q.consume('q', async (entries) => {
      got.push(entries[0].member);
      await gate;
    });
    await q.add('q', [{ id: 'x', entries: [entry('first')] }]);
    await q.add('q', [{ id: 'x', entries: [entry('dup')] }]);
    release();
    await waitUntil(() => q.size('q') === 0);
    await q.add('q', [{ id: 'x', entries: [entry('again')] }]);
    await waitUntil(() => got.length === 2);
    expect(got).toEqual(['first', 'again']);
    await q.close();
  });

  it('retries a throwing handler with backoff, then gives up', async () => {
    const q = new InProcessTimerJobQueue({ attempts: 3, backoffMs: 5 });
    (q as unknown as { logger: { warn: () => void; error: () => void } }).logger = {
      warn: () => undefined,
      error: () => undefined,
    };
    let calls = 0;
    q.consume('q', async () => {
      calls++;
      throw new Error('always');
    });
    await q.add('q', [{ id: 'j', entries: [entry('a')] }]);
    await waitUntil(() => calls === 3);
    await new Promise((r) => setTimeout(r, 50));
    expect(calls).toBe(3);
    expect(q.size('q')).toBe(0);
    await q.close();
  });

  it('runs at most `concurrency` jobs of a queue at once, and close waits for them', async () => {
    const q = new InProcessTimerJobQueue({ concurrency: 2 });
    let active = 0;
    let peak = 0;
    let done = 0;
    q.consume('q', async () => {
      peak = Math.max(peak, ++active);
      await new Promise((r) => setTimeout(r, 20));
      active--;
      done++;
    });
    await q.add(
      'q',
      Array.from({ length: 6 }, (_, i) => ({ id: String(i), entries: [entry(String(i))] })),
    );
    await waitUntil(() => done >= 1);
    await q.close();
    expect(active).toBe(0);
    expect(peak).toBe(2);
    expect(() => q.consume('q', async () => undefined)).toThrow(/already has a consumer/);
  });
});
