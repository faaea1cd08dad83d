import { jobQueueContract } from '../ports/job-queue.contract.spec-helper';
import { InProcessJobQueue } from './in-process-job-queue';

jobQueueContract('in-process', async () => new InProcessJobQueue(4));

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
});
