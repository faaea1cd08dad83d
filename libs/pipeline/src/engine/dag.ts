import type { CompiledTree } from './compiled-tree';
import { type DecisionBuilder, mustTransit } from './decision-builder';
import { EngineInvariantError } from './engine-invariant.error';
import { blankNodeRecord, type NodeRecord, type ProcessRecord, type RunRecord } from './run-state';
import { countOutcomes, evaluateTriggerRule, type UpstreamOutcome } from './trigger-rules';

/**
 * DAG scopes (DESIGN §8.1). The scope's root process is its *coordinator*: it waits at the
 * start event while works run, each in a process of its own. Whenever a work settles (or an
 * operation changes one), the same decision re-evaluates the trigger rules of every work not
 * started yet, starts those whose rule holds, skips those whose rule can no longer hold, and
 * ends the run once every work is settled.
 *
 * Why that is safe with works settling concurrently: every such decision also writes the
 * coordinator (a compare-and-set on its rev). Of two works settling at once, the later commit
 * fails its guard, reloads, and decides again seeing the other: no rule is evaluated on a
 * stale view, so no work is started twice (its row is inserted with a must-not-exist guard
 * too) and none is forgotten.
 */

/** How a work stands for the rules downstream of it; `pending` = not started, rule not decided. */
type WorkOutcome = UpstreamOutcome | 'pending';

export interface DagInput {
  tree: CompiledTree;
  run: RunRecord;
  now: Date;
  newId: () => string;
}

export function isDagScope(tree: CompiledTree, scopeId: string): boolean {
  return !!tree.scopes.get(scopeId)?.dag;
}

/** Is this node a work of a DAG scope? */
export function isDagWork(tree: CompiledTree, nodeId: string): boolean {
  const node = tree.nodes.get(nodeId);
  return !!node && node.kind === 'activity' && isDagScope(tree, node.scopeId);
}

/**
 * A row that does not stand for a start: none, or an operator's mark on a work not started yet
 * (an appointed pause, possibly resumed: `processId` is empty until the work is started).
 */
function notStarted(rec: NodeRecord | undefined): boolean {
  return !rec || (rec.processId === '' && (rec.state === 'SUSPENDED' || rec.state === 'READY'));
}

export function workOutcome(rec: NodeRecord | undefined): WorkOutcome {
  if (notStarted(rec)) return 'pending';
  switch (rec!.state) {
    case 'FINISHED':
      // Also a failure skipped by an operator or ignored (`error_ignorable`): bamboo's skip.
      return 'success';
    case 'FAILED':
    case 'REVOKED':
      return 'failed';
    case 'SKIPPED':
      return rec!.skipReason === 'upstream_failed' ? 'failed' : 'skipped';
    default:
      return 'running';
  }
}

/**
 * The coordinator of the DAG scope a work's process belongs to (its parent): the loaded parent
 * of a step or component outcome, or found among an operation's processes.
 */
export function coordinatorOf(
  input: { run: RunRecord; parent?: ProcessRecord | null; processes?: readonly ProcessRecord[] },
  p: ProcessRecord,
  nodeId: string,
): ProcessRecord {
  const found = input.parent?.id === p.parentId ? input.parent : input.processes?.find((x) => x.id === p.parentId);
  if (!found || !p.parentId) {
    throw new EngineInvariantError(`work '${nodeId}' settled without its DAG's coordinator process loaded`, {
      runId: input.run.id,
      nodeId,
      processId: p.id,
    });
  }
  return found;
}

/**
 * Re-evaluate the DAG of `scopeId` on the rows as `b` leaves them: start, skip, or end the run.
 * `coordinator` is the scope's root process (written, so concurrent evaluations serialize).
 */
export function evaluateDag(b: DecisionBuilder, input: DagInput, scopeId: string, coordinator: ProcessRecord): void {
  const { tree, run } = input;
  const scope = tree.scope(scopeId);
  const dag = scope.dag;
  if (!dag) throw new EngineInvariantError(`scope '${scopeId}' is not a DAG`, { scopeId });
  b.process(coordinator, {});
  if (run.state === 'REVOKED' || run.state === 'FINISHED') return;

  const outcomes = new Map<string, WorkOutcome>();
  for (const id of dag.order) {
    const work = dag.works.get(id)!;
    const rec = b.current(id);
    let outcome = workOutcome(rec);
    if (outcome === 'pending') {
      const upstream = work.upstream.map((u) => {
        const o = outcomes.get(u)!;
        return o === 'pending' ? 'running' : o;
      });
      const verdict = evaluateTriggerRule(work.rule, countOutcomes(upstream));
      if (verdict.kind === 'fire') {
        startWork(b, input, scopeId, coordinator, id, rec);
        outcome = 'running';
      } else if (verdict.kind === 'skip') {
        mustTransit(rec, 'rule_skip', id);
        const base = rec ?? blankNodeRecord({ runId: run.id, nodeId: id, scopeId, processId: '', state: 'SKIPPED' });
        b.node({ ...base, state: 'SKIPPED', skipReason: verdict.reason, version: base.version + 1, finishedAt: input.now });
        b.event('node_skipped', id, { reason: verdict.reason, trigger_rule: work.rule });
        outcome = verdict.reason === 'upstream_failed' ? 'failed' : 'skipped';
      }
    }
    outcomes.set(id, outcome);
  }

  for (const o of outcomes.values()) if (o === 'running' || o === 'pending') return;
  // Every work has settled: the leaves decide (§8.1).
  const failedLeaves = dag.leaves.filter((id) => outcomes.get(id) === 'failed');
  if (failedLeaves.length === 0) {
    b.process(coordinator, { state: 'DONE' });
    b.d.run = { expectRev: run.rev, state: 'FINISHED', outputs: {}, finishedAt: input.now, releasesSlot: true };
    b.event('pipeline_finish', null, { node_id: scope.endId, outputs: {} });
  } else if ((b.d.run?.state ?? run.state) !== 'FAILED') {
    // Not final: retrying or skipping a failed work reopens the run.
    b.d.run = { ...b.d.run, expectRev: run.rev, state: 'FAILED' };
    b.event('pipeline_fail', null, { failed_leaves: failedLeaves });
  }
}

/** Start a work: its row READY (guarded: it must not have started yet) and a process to enter it. */
function startWork(
  b: DecisionBuilder,
  input: DagInput,
  scopeId: string,
  coordinator: ProcessRecord,
  id: string,
  rec: NodeRecord | undefined,
): void {
  const p = b.newProcess({
    id: input.newId(),
    runId: input.run.id,
    parentId: coordinator.id,
    scopeId,
    currentNodeId: id,
    destinationId: null,
    state: 'ACTIVE',
    pendingChildren: 0,
  });
  if (rec) {
    // Marked by an operator before it started (appointed pause): it keeps the mark.
    b.node({ ...rec, processId: p.id });
  } else {
    mustTransit(undefined, 'trigger', id);
    b.node(blankNodeRecord({ runId: input.run.id, nodeId: id, scopeId, processId: p.id, state: 'READY' }));
  }
  b.advance(p);
}

/**
 * Works downstream of `nodeId` that were skipped by their rule wait for it again (its outcome
 * is about to change: retried, or skipped by an operator), and so do works downstream of those.
 */
export function reopenSkippedDownstream(b: DecisionBuilder, tree: CompiledTree, nodeId: string): void {
  const dag = tree.scope(tree.node(nodeId).scopeId).dag;
  if (!dag) return;
  const frontier = [...(dag.works.get(nodeId)?.downstream ?? [])];
  const seen = new Set<string>();
  while (frontier.length) {
    const id = frontier.pop()!;
    if (seen.has(id)) continue;
    seen.add(id);
    const rec = b.current(id);
    if (!rec || rec.state !== 'SKIPPED') continue;
    b.history('retry', rec);
    mustTransit(rec, 'reopen', id);
    b.node({ ...rec, state: 'READY', processId: '', skipReason: null, version: rec.version + 1, finishedAt: null });
    frontier.push(...dag.works.get(id)!.downstream);
  }
}
