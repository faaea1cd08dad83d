import { executingPoolContract } from './executing-pool.contract.spec-helper';
import { InProcessExecutingPool } from './in-process-executing-pool';

executingPoolContract('in-process', {
  open: async () => new InProcessExecutingPool(),
  // Embedded mode has one process: every scanner shares the one instance.
  peer: async (pool) => pool,
});

describe('InProcessExecutingPool', () => {
  it('stays fast with 100,000 armed timers (O(log n) add, remove and take)', async () => {
    const pool = new InProcessExecutingPool();
    const n = 100_000;
    const started = Date.now();
    await pool.add(
      'big',
      Array.from({ length: n }, (_, i) => ({ member: `m${i}`, dueAt: (i * 7919) % n })),
    );
    for (let i = 0; i < n; i += 2) await pool.remove('big', [`m${i}`]);
    let taken = 0;
    for (;;) {
      const batch = await pool.takeDue('big', n, 500);
      if (batch.length === 0) break;
      taken += batch.length;
    }
    expect(taken).toBe(n / 2);
    // Generous bound: a quadratic structure would take minutes here.
    expect(Date.now() - started).toBeLessThan(5_000);
  });

  it('forgets a pool once it is empty', async () => {
    const pool = new InProcessExecutingPool();
    await pool.add('p', [{ member: 'a', dueAt: 1 }]);
    await pool.takeDue('p', 1, 1);
    expect((pool as unknown as { pools: Map<string, unknown> }).pools.size).toBe(0);
  });
});
