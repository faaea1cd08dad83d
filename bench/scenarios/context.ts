/** What every scenario gets: the engine under test, the sizes, and a unique tag for the runs it starts. */
import { randomBytes } from 'node:crypto';
import type { Sizes } from '../lib/options';
import type { EngineCounters, EngineTarget } from '../lib/targets';
import { diffCounters } from '../lib/targets';

export interface ScenarioContext {
  target: EngineTarget;
  sizes: Sizes;
}

/** A business key no other run carries, so a scenario can count and list its own runs. */
export function newTag(scenario: string): string {
  return `bench-${scenario}-${randomBytes(4).toString('hex')}`;
}

/** Engine-side cost of what `fn` did: counter differences, plus the API requests the bench made meanwhile. */
export async function withCounters<T>(
  ctx: ScenarioContext,
  fn: () => Promise<T>,
): Promise<{ value: T; counters: EngineCounters & { apiRequests: number } }> {
  const before = await ctx.target.counters();
  const requestsBefore = ctx.target.client.requests;
  const value = await fn();
  const apiRequests = ctx.target.client.requests - requestsBefore;
  return { value, counters: { ...diffCounters(before, await ctx.target.counters()), apiRequests } };
}

/** Counters divided by a number of activities: queries, transactions and jobs per activity. */
export function perActivity(counters: EngineCounters, activities: number): Record<string, number> {
  const out: Record<string, number> = {};
  const per = (x: number) => Math.round((x / activities) * 100) / 100;
  if (counters.queries) {
    const q = counters.queries;
    out.queries = per(Object.values(q).reduce((s, x) => s + x, 0));
    out.transactions = per(q.commit ?? 0);
    out.rollbacks = per(q.rollback ?? 0);
    out.selects = per(q.select ?? 0);
    out.writes = per((q.insert ?? 0) + (q.update ?? 0) + (q.delete ?? 0));
  }
  if (counters.mysqlStatus) {
    out.serverQuestions = per(counters.mysqlStatus.Questions ?? 0);
    out.serverCommits = per(counters.mysqlStatus.Com_commit ?? 0);
    out.serverRollbacks = per(counters.mysqlStatus.Com_rollback ?? 0);
  }
  if (counters.jobs !== undefined) out.jobs = per(counters.jobs);
  if (counters.nodeExecutions !== undefined) out.nodeExecutions = per(counters.nodeExecutions);
  return out;
}
