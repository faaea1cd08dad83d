import BTree from 'sorted-btree';
import { ExecutingPool, type PoolEntry } from './executing-pool.port';
import { assertPoolEntries } from './invalid-pool-entry.error';

/** `(dueAt, member)`: the B+ tree key, so entries sort by due time, then by member. */
type Key = [dueAt: number, member: string];

const compareKeys = (a: Key, b: Key): number =>
  a[0] - b[0] || (a[1] < b[1] ? -1 : a[1] > b[1] ? 1 : 0);

/** One pool: the ordered index plus member → due time, to find an entry to move or remove. */
class Pool {
  readonly byDue = new BTree<Key, undefined>(undefined, compareKeys);
  readonly dueOf = new Map<string, number>();
}

/**
 * The executing pool of embedded mode, in process memory. Each pool is a B+ tree ordered by
 * (due time, member) (`sorted-btree`) plus a map from member to due time: add, remove and
 * take are O(log n) per entry, so 10,000+ armed timers stay cheap. Every method runs to
 * completion without yielding, so a take is atomic for every caller of the process.
 *
 * Nothing survives a restart, which is what the rebuild-from-database on start is for.
 */
export class InProcessExecutingPool extends ExecutingPool {
  private readonly pools = new Map<string, Pool>();

  async add(pool: string, entries: readonly PoolEntry[]): Promise<void> {
    assertPoolEntries(pool, entries);
    if (entries.length === 0) return;
    const p = this.pool(pool);
    for (const { member, dueAt } of entries) {
      const previous = p.dueOf.get(member);
      if (previous === dueAt) continue;
      if (previous !== undefined) p.byDue.delete([previous, member]);
      p.byDue.set([dueAt, member], undefined);
      p.dueOf.set(member, dueAt);
    }
  }

  async remove(pool: string, members: readonly string[]): Promise<number> {
    const p = this.pools.get(pool);
    if (!p) return 0;
    let removed = 0;
    for (const member of members) {
      const dueAt = p.dueOf.get(member);
      if (dueAt === undefined) continue;
      p.byDue.delete([dueAt, member]);
      p.dueOf.delete(member);
      removed++;
    }
    this.dropIfEmpty(pool, p);
    return removed;
  }

  async takeDue(pool: string, now: number, limit: number): Promise<PoolEntry[]> {
    const p = this.pools.get(pool);
    if (!p || !(limit >= 1) || Number.isNaN(now)) return [];
    const taken: PoolEntry[] = [];
    for (const [[dueAt, member]] of p.byDue.entries()) {
      if (dueAt > now || taken.length >= limit) break;
      taken.push({ member, dueAt });
    }
    for (const { member, dueAt } of taken) {
      p.byDue.delete([dueAt, member]);
      p.dueOf.delete(member);
    }
    this.dropIfEmpty(pool, p);
    return taken;
  }

  async nextDueAt(pool: string): Promise<number | null> {
    return this.pools.get(pool)?.byDue.minKey()?.[0] ?? null;
  }

  async size(pool: string): Promise<number> {
    return this.pools.get(pool)?.byDue.size ?? 0;
  }

  async entries(pool: string): Promise<PoolEntry[]> {
    const p = this.pools.get(pool);
    if (!p) return [];
    return [...p.byDue.keys()].map(([dueAt, member]) => ({ member, dueAt }));
  }

  async clear(pool: string): Promise<void> {
    this.pools.delete(pool);
  }

  async close(): Promise<void> {}

  private pool(name: string): Pool {
    let p = this.pools.get(name);
    if (!p) this.pools.set(name, (p = new Pool()));
    return p;
  }

  private dropIfEmpty(name: string, p: Pool): void {
    if (p.dueOf.size === 0) this.pools.delete(name);
  }
}
