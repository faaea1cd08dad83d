import { createHash } from 'node:crypto';
import { CpuTaskPool } from '../cpu-task-pool.service';
import { ComponentData, type ParentData } from '../service';
import { DigestComponent } from './digest.component';

const parent: ParentData = { runId: 'r1', nodeId: 'n1', version: 1, pipelineId: 'p', loop: 1, retries: 0, scheduleTimes: 0, context: {} };

describe('digest component (CPU-bound, on the worker-thread pool)', () => {
  const pool = new CpuTaskPool();
  const component = new DigestComponent(pool);
  afterAll(() => pool.onModuleDestroy());

  it('hashes on a worker thread, not on the event loop', async () => {
    const data = new ComponentData({ data: 'bamboo', rounds: 3 });
    expect(await component.execute(data, parent)).toBe(true);
    let expected = 'bamboo';
    for (let i = 0; i < 3; i++) expected = createHash('sha256').update(expected).digest('hex');
    expect(data.outputs).toMatchObject({ digest: expected, algorithm: 'sha256', rounds: 3 });
    expect(data.outputs.threadId).toEqual(expect.any(Number));
    expect(data.outputs.threadId).not.toBe(0);
  });

  it('keeps the event loop free while a long digest runs', async () => {
    const data = new ComponentData({ data: 'x', rounds: 200_000 });
    let ticks = 0;
    const timer = setInterval(() => ticks++, 1);
    await component.execute(data, parent);
    clearInterval(timer);
    // The interval kept firing meanwhile (on the main thread the loop would have been blocked).
    expect(ticks).toBeGreaterThan(0);
  });

  it('fails the node with the worker error for bad inputs', async () => {
    await expect(component.execute(new ComponentData({ data: 'x', algorithm: 'crc-1' }), parent)).rejects.toThrow(/algorithm must be one of/);
    await expect(component.execute(new ComponentData({ data: 'x', rounds: 0 }), parent)).rejects.toThrow(/rounds must be an integer/);
  });

  it('is listed as CPU-bound', () => {
    expect(component.cpuBound).toBe(true);
  });
});
