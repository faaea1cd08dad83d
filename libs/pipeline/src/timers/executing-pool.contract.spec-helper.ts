/**
 * The ExecutingPool contract, shared by every adapter (in-process, Redis). Each test uses
 * pool names of its own, so adapters backed by a shared store never see another test's
 * entries.
 */
import { randomBytes } from 'node:crypto';
import type { ExecutingPool, PoolEntry } from './executing-pool.port';
import { InvalidPoolEntryError } from './invalid-pool-entry.error';

export interface ExecutingPoolHarness {
  /** A pool adapter; the contract closes it after each test. */
  open(): Promise<ExecutingPool>;
  /**
   * A second handle on the same store as `pool` (what another scanner process sees). The
   * in-process adapter has no other handle: answer `pool` itself.
   */
  peer(pool: ExecutingPool): Promise<ExecutingPool>;
}

const T0 = Date.UTC(2030, 0, 1);

export function executingPoolContract(name: string, harness: ExecutingPoolHarness): void {
  describe(`ExecutingPool contract: ${name}`, () => {
    let pool: ExecutingPool;
    let opened: ExecutingPool[];
    let p: string;
    const fresh = () => `pool-${randomBytes(4).toString('hex')}`;

    beforeEach(async () => {
      pool = await harness.open();
      opened = [pool];
      p = fresh();
    });
    afterEach(async () => {
      for (const name of [p]) await pool.clear(name);
      await Promise.all(opened.map((o) => o.close()));
    });

    it('is empty at first', async () => {
      expect(await pool.size(p)).toBe(0);
      expect(await pool.nextDueAt(p)).toBeNull();
      expect(await pool.entries(p)).toEqual([]);
      expect(await pool.takeDue(p, Infinity, 10)).toEqual([]);
    });

    it('adds entries and lists them earliest first', async () => {
      await pool.add(p, [
        { member: 'b', dueAt: T0 + 20 },
        { member: 'a', dueAt: T0 + 10 },
        { member: 'c', dueAt: T0 + 30 },
      ]);
      expect(await pool.size(p)).toBe(3);
      expect(await pool.nextDueAt(p)).toBe(T0 + 10);
      expect(await pool.entries(p)).toEqual([
        { member: 'a', dueAt: T0 + 10 },
        { member: 'b', dueAt: T0 + 20 },
        { member: 'c', dueAt: T0 + 30 },
      ]);
    });

    it('upserts: adding a member again moves it, never duplicates it', async () => {
      await pool.add(p, [
        { member: 'a', dueAt: T0 + 10 },
        { member: 'b', dueAt: T0 + 20 },
      ]);
      await pool.add(p, [{ member: 'a', dueAt: T0 + 30 }]);
      expect(await pool.size(p)).toBe(2);
      expect(await pool.entries(p)).toEqual([
        { member: 'b', dueAt: T0 + 20 },
        { member: 'a', dueAt: T0 + 30 },
      ]);
      await pool.add(p, [
        { member: 'c', dueAt: T0 + 1 },
        { member: 'c', dueAt: T0 + 2 },
      ]);
      expect(await pool.entries(p)).toContainEqual({ member: 'c', dueAt: T0 + 2 });
      expect(await pool.size(p)).toBe(3);
    });

    it('keeps scores exact for ms epochs and fractions of a ms', async () => {
      const entries: PoolEntry[] = [
        { member: 'now', dueAt: 1_763_683_700_123 },
        { member: 'frac', dueAt: 1_763_683_700_123.5 },
        { member: 'old', dueAt: 0 },
        { member: 'neg', dueAt: -5 },
      ];
      await pool.add(p, entries);
      expect(await pool.entries(p)).toEqual([entries[3], entries[2], entries[0], entries[1]]);
    });

    it('removes members and answers how many were there', async () => {
      await pool.add(p, [
        { member: 'a', dueAt: T0 },
        { member: 'b', dueAt: T0 },
      ]);
      expect(await pool.remove(p, ['a', 'nope'])).toBe(1);
      expect(await pool.remove(p, ['a'])).toBe(0);
      expect(await pool.remove(p, [])).toBe(0);
      expect(await pool.remove(fresh(), ['b'])).toBe(0);
      expect(await pool.entries(p)).toEqual([{ member: 'b', dueAt: T0 }]);
    });

    it('takes due entries earliest first, removes them, and respects the limit', async () => {
      await pool.add(
        p,
        [5, 1, 4, 2, 3].map((n) => ({ member: `m${n}`, dueAt: T0 + n })),
      );
      expect(await pool.takeDue(p, T0 + 10, 2)).toEqual([
        { member: 'm1', dueAt: T0 + 1 },
        { member: 'm2', dueAt: T0 + 2 },
      ]);
      expect(await pool.size(p)).toBe(3);
      expect(await pool.nextDueAt(p)).toBe(T0 + 3);
      expect((await pool.takeDue(p, T0 + 10, 100)).map((e) => e.member)).toEqual([
        'm3',
        'm4',
        'm5',
      ]);
      expect(await pool.size(p)).toBe(0);
      expect(await pool.nextDueAt(p)).toBeNull();
    });

    it('never takes an entry early: due at `now` is taken, due 1 ms later is not', async () => {
      await pool.add(p, [
        { member: 'due', dueAt: T0 },
        { member: 'future', dueAt: T0 + 1 },
        { member: 'far', dueAt: T0 + 86_400_000 },
      ]);
      expect(await pool.takeDue(p, T0, 10)).toEqual([{ member: 'due', dueAt: T0 }]);
      expect(await pool.takeDue(p, T0 + 0.5, 10)).toEqual([]);
      expect(await pool.takeDue(p, T0, 10)).toEqual([]);
      expect(await pool.size(p)).toBe(2);
      expect(await pool.takeDue(p, T0 + 1, 10)).toEqual([{ member: 'future', dueAt: T0 + 1 }]);
    });

    it('takes nothing for a limit below 1 or a NaN `now`', async () => {
      await pool.add(p, [{ member: 'a', dueAt: T0 }]);
      expect(await pool.takeDue(p, T0, 0)).toEqual([]);
      expect(await pool.takeDue(p, T0, -1)).toEqual([]);
      expect(await pool.takeDue(p, Number.NaN, 10)).toEqual([]);
      expect(await pool.size(p)).toBe(1);
    });

    it('keeps pools apart', async () => {
      const other = fresh();
      try {
        await pool.add(p, [{ member: 'same', dueAt: T0 }]);
        await pool.add(other, [{ member: 'same', dueAt: T0 + 5 }]);
        expect(await pool.takeDue(p, T0 + 10, 10)).toEqual([{ member: 'same', dueAt: T0 }]);
        expect(await pool.entries(other)).toEqual([{ member: 'same', dueAt: T0 + 5 }]);
      } finally {
        await pool.clear(other);
      }
    });

    it('clears a pool', async () => {
      await pool.add(p, [{ member: 'a', dueAt: T0 }]);
      await pool.clear(p);
      await pool.clear(p);
      expect(await pool.size(p)).toBe(0);
    });

    it('keeps any member text verbatim', async () => {
      const members = [
        'bamboo:v1:node_timer_event:node:n1:version:3:index:1',
        'n1_3',
        'ü/ß 空白',
        '42',
        '-inf',
        '  ',
      ];
      await pool.add(
        p,
        members.map((member, i) => ({ member, dueAt: T0 + i })),
      );
      expect((await pool.takeDue(p, T0 + 100, 100)).map((e) => e.member)).toEqual(members);
    });

    it('refuses an empty member or a due time that is not finite, writing nothing', async () => {
      const bad = [
        { member: '', dueAt: T0 },
        { member: 'x', dueAt: Number.NaN },
        { member: 'x', dueAt: Infinity },
        { member: 'x', dueAt: '5' as unknown as number },
      ];
      for (const entry of bad) {
        await expect(pool.add(p, [{ member: 'ok', dueAt: T0 }, entry])).rejects.toBeInstanceOf(
          InvalidPoolEntryError,
        );
      }
      expect(await pool.size(p)).toBe(0);
    });

    it('handles a batch of 10,000 entries, due in order', async () => {
      const n = 10_000;
      const entries = Array.from({ length: n }, (_, i) => ({
        member: `node-${i}`,
        dueAt: T0 + ((i * 7919) % n),
      }));
      await pool.add(p, entries);
      expect(await pool.size(p)).toBe(n);
      expect(
        await pool.remove(
          p,
          entries.slice(0, 100).map((e) => e.member),
        ),
      ).toBe(100);
      const taken = await pool.takeDue(p, T0 + n, n);
      expect(taken).toHaveLength(n - 100);
      for (let i = 1; i < taken.length; i++)
        expect(taken[i].dueAt).toBeGreaterThanOrEqual(taken[i - 1].dueAt);
      expect(await pool.size(p)).toBe(0);
    });

    it('gives each due entry to exactly one of two racing takers', async () => {
      const other = await harness.peer(pool);
      if (other !== pool) opened.push(other);
      const n = 1_000;
      await pool.add(
        p,
        Array.from({ length: n }, (_, i) => ({ member: `e${i}`, dueAt: T0 + (i % 50) })),
      );
      await pool.add(p, [{ member: 'not-yet', dueAt: T0 + 1_000 }]);
      const taker = async (who: ExecutingPool): Promise<string[]> => {
        const got: string[] = [];
        for (;;) {
          const batch = await who.takeDue(p, T0 + 100, 7);
          if (batch.length === 0) return got;
          got.push(...batch.map((e) => e.member));
        }
      };
      const [a, b] = await Promise.all([taker(pool), taker(other)]);
      const all = [...a, ...b];
      expect(new Set(all).size).toBe(all.length);
      expect(all.sort()).toEqual(Array.from({ length: n }, (_, i) => `e${i}`).sort());
      expect(await pool.entries(p)).toEqual([{ member: 'not-yet', dueAt: T0 + 1_000 }]);
    });
  });
}
