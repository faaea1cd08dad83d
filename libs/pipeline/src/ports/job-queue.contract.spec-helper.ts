/**
 * The JobQueue contract, shared by every adapter (in-process, BullMQ), each made with a retry
 * backoff of 20 ms. Timing checks are lower bounds ("not before its delay"), never tight durations.
 */
import type { EngineJob } from '../queue/engine-job';
import { jobId } from '../queue/engine-job';
import type { JobQueue } from './job-queue.port';

const job = (n: number): EngineJob => ({ kind: 'advance', runId: 'r', processId: `p${n}`, rev: 0 });

function until(cond: () => boolean, ms = 5000): Promise<void> {
  const start = Date.now();
  return new Promise((resolve, reject) => {
    const tick = () => (cond() ? resolve() : Date.now() - start > ms ? reject(new Error('timed out')) : setTimeout(tick, 5));
    tick();
  });
}

export function jobQueueContract(name: string, make: () => Promise<JobQueue>): void {
  describe(`JobQueue contract: ${name}`, () => {
    let queue: JobQueue;
    const seen: EngineJob[] = [];
    beforeEach(async () => {
      seen.length = 0;
      queue = await make();
    });
    afterEach(async () => queue.close());

    it('delivers every job added', async () => {
      queue.consume(async (j) => void seen.push(j));
      await queue.add([1, 2, 3].map((n) => ({ job: job(n), jobId: jobId(job(n)) })));
      await until(() => seen.length === 3);
      expect(seen.map((j) => (j as { processId: string }).processId).sort()).toEqual(['p1', 'p2', 'p3']);
    });

    it('collapses a duplicate job id that is still waiting', async () => {
      await queue.add([{ job: job(1), jobId: 'same', delayMs: 50 }]);
      await queue.add([{ job: job(2), jobId: 'same', delayMs: 50 }]);
      queue.consume(async (j) => void seen.push(j));
      await until(() => seen.length >= 1);
      await new Promise((r) => setTimeout(r, 150));
      expect(seen).toHaveLength(1);
    });

    it('runs a job id again once its earlier job has finished (the reconciler re-adds by id)', async () => {
      queue.consume(async (j) => void seen.push(j));
      await queue.add([{ job: job(1), jobId: 'again' }]);
      await until(() => seen.length === 1);
      const start = Date.now();
      while ((await queue.size()) > 0 && Date.now() - start < 5000) await new Promise((r) => setTimeout(r, 5));
      await queue.add([{ job: job(2), jobId: 'again' }]);
      await until(() => seen.length === 2);
      expect(seen.map((j) => (j as { processId: string }).processId)).toEqual(['p1', 'p2']);
    });

    it('holds a delayed job until its delay has passed, without blocking others', async () => {
      const at = new Map<string, number>();
      queue.consume(async (j) => void at.set((j as { processId: string }).processId, Date.now()));
      const added = Date.now();
      await queue.add([{ job: job(1), jobId: 'late', delayMs: 300 }, { job: job(2), jobId: 'now' }]);
      await until(() => at.size === 2);
      expect(at.get('p1')! - added).toBeGreaterThanOrEqual(295);
      expect(at.get('p2')!).toBeLessThan(at.get('p1')!);
    });

    it('keeps consuming after a handler throws', async () => {
      let calls = 0;
      queue.consume(async (j) => {
        calls++;
        if ((j as { processId: string }).processId === 'p1') throw new Error('boom');
        seen.push(j);
      });
      await queue.add([1, 2].map((n) => ({ job: job(n), jobId: `t${n}` })));
      await until(() => seen.length === 1 && calls >= 2);
    });

    it('tries a job whose handler throws again, with backoff, until it succeeds', async () => {
      const tries: number[] = [];
      queue.consume(async (j) => {
        tries.push(Date.now());
        if (tries.length < 3) throw new Error('transient (expected by the test)');
        seen.push(j);
      });
      await queue.add([{ job: job(1), jobId: 'flaky' }]);
      await until(() => seen.length === 1);
      expect(tries).toHaveLength(3);
      // Exponential backoff from the 20 ms every adapter under this contract is made with: the
      // retries wait at least 20 ms, then 40 ms (lower bounds only: a slow box only adds).
      expect(tries[1] - tries[0]).toBeGreaterThanOrEqual(18);
      expect(tries[2] - tries[1]).toBeGreaterThanOrEqual(38);
    });

    it('waits for in-flight jobs on close', async () => {
      let finished = false;
      queue.consume(async () => {
        await new Promise((r) => setTimeout(r, 100));
        finished = true;
      });
      await queue.add([{ job: job(1), jobId: 'slow' }]);
      await until(() => true);
      await new Promise((r) => setTimeout(r, 20));
      await queue.close();
      expect(finished).toBe(true);
    });
  });
}
