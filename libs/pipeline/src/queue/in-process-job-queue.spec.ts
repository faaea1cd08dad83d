import { jobQueueContract } from '../ports/job-queue.contract.spec-helper';
import { InProcessJobQueue } from './in-process-job-queue';

jobQueueContract('in-process', async () => new InProcessJobQueue(4, { backoffMs: 20 }));

describe('InProcessJobQueue', () => {
  it('never runs more than its concurrency at once', async () => {
    const q = new InProcessJobQueue(2);
    let active = 0;
    let peak = 0;
    let done = 0;
    q.consume(async () => {
      peak = Math.max(peak, ++active);
      await new Promise((r) => setTimeout(r, 10));
      active--;
      done++;
    });
    await q.add(Array.from({ length: 10 }, (_, i) => ({ job: { kind: 'advance' as const, runId: 'r', processId: `p${i}`, rev: 0 }, jobId: `j${i}` })));
    while (done < 10) await new Promise((r) => setTimeout(r, 5));
    expect(peak).toBe(2);
    await q.close();
  });

  it('gives up after its attempts, and takes the same id again afterwards (what the reconciler re-adds)', async () => {
    const q = new InProcessJobQueue(1, { attempts: 3, backoffMs: 5 });
    let calls = 0;
    q.consume(async () => {
      calls++;
      throw new Error('always failing (expected by the test)');
    });
    const job = { kind: 'advance' as const, runId: 'r', processId: 'p', rev: 0 };
    await q.add([{ job, jobId: 'doomed' }]);
    while ((await q.size()) > 0 || calls < 3) await new Promise((r) => setTimeout(r, 5));
    await new Promise((r) => setTimeout(r, 50));
    expect(calls).toBe(3);
    await q.add([{ job, jobId: 'doomed' }]);
    while (calls < 4) await new Promise((r) => setTimeout(r, 5));
    await q.close();
  });
});
