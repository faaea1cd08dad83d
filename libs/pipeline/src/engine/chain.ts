import type { Decision, Effect } from './decision';
import type { NodeRecord, ProcessRecord, RunRecord } from './run-state';

/**
 * Chaining: when a decision moves a process on to a node whose row is already known, the
 * runtime decides that next step on the state *as the first decision leaves it* and saves both
 * as one transaction. Entering the next node is committed together with finishing the previous
 * one (nothing runs in between), so a node transition costs one read and one write instead of
 * two of each. Pure: these functions only combine data.
 */

/** The state a step reads, as far as chaining is concerned. */
export interface ChainState {
  run: RunRecord;
  process: ProcessRecord;
  nodes: ReadonlyMap<string, NodeRecord>;
  context: Readonly<Record<string, unknown>>;
}

/** The advance effect a decision asks for its own process (the inline continuation), if any. */
export function ownAdvance(d: Decision, processId: string): Extract<Effect, { type: 'advance' }> | undefined {
  return d.effects.find((e): e is Extract<Effect, { type: 'advance' }> => e.type === 'advance' && e.processId === processId && !e.delayMs);
}

/**
 * A child process `d` started off `forker` whose advance is still to be decided: a branch of a
 * fork (same scope, so the context read for the forker is theirs too) or the process of a
 * sub-process `forker` just entered (a fresh scope: its context is exactly what `d` writes, see
 * `stateAfter`). Chaining it enters the child's first node in the forker's own transaction.
 * Branches already at their converge gateway (empty ones) are left to their own step.
 */
export function branchAdvance(d: Decision, forker: ProcessRecord): Extract<Effect, { type: 'advance' }> | undefined {
  return d.effects.find((e): e is Extract<Effect, { type: 'advance' }> => {
    if (e.type !== 'advance' || e.delayMs) return false;
    const w = d.processes.find((x) => x.record.id === e.processId);
    return (
      !!w &&
      w.expectRev === null &&
      w.record.parentId === forker.id &&
      (w.record.scopeId === forker.scopeId || w.record.scopeId === forker.currentNodeId) &&
      w.record.currentNodeId !== w.record.destinationId
    );
  });
}

/**
 * `state` after `d` is applied, seen from process `processId` (by default the state's own;
 * context of its scope). A process in another scope is one `d` started in a sub-process it
 * entered: that scope's context is new (or reset by `d`), so only `d`'s writes make it up.
 */
export function stateAfter(state: ChainState, d: Decision, processId: string = state.process.id): ChainState {
  const process = d.processes.find((w) => w.record.id === processId)?.record ?? state.process;
  const nodes = new Map(state.nodes);
  for (const w of d.nodes) nodes.set(w.record.nodeId, w.record);
  const context = process.scopeId === state.process.scopeId ? { ...state.context } : {};
  if (d.contextResets.includes(process.scopeId)) for (const k of Object.keys(context)) delete context[k];
  for (const c of d.context) if (c.scopeId === process.scopeId) context[c.key] = c.value;
  const run: RunRecord = d.run
    ? { id: state.run.id, state: d.run.state ?? state.run.state, rev: d.run.expectRev + 1 }
    : state.run;
  return { run, process, nodes, context };
}

/**
 * `a` then `b` as one decision: each row written once with `a`'s guard and `b`'s final record,
 * everything else in order, and the advance `b` continues replaced by `b`'s effects.
 */
export function mergeDecisions(a: Decision, b: Decision, consumed: Effect): Decision {
  const nodes = a.nodes.map((w) => ({ ...w }));
  for (const w of b.nodes) {
    const prev = nodes.find((x) => x.record.nodeId === w.record.nodeId);
    if (prev) prev.record = w.record;
    else nodes.push(w);
  }
  const processes = a.processes.map((w) => ({ ...w }));
  for (const w of b.processes) {
    const prev = processes.find((x) => x.record.id === w.record.id);
    if (prev) prev.record = w.record;
    else processes.push(w);
  }
  let run = a.run;
  if (b.run) {
    const { expectRev: _later, ...fields } = b.run;
    run = a.run ? { ...a.run, ...fields } : b.run;
  }
  return {
    nodes,
    processes,
    joins: [...a.joins, ...b.joins],
    context: [...a.context, ...b.context],
    contextResets: [...a.contextResets, ...b.contextResets],
    run,
    histories: [...a.histories, ...b.histories],
    events: [...a.events, ...b.events],
    effects: [...a.effects.filter((e) => e !== consumed), ...b.effects],
    ...(a.settleRun || b.settleRun ? { settleRun: true } : {}),
    ...(a.offers?.length || b.offers?.length ? { offers: [...(a.offers ?? []), ...(b.offers ?? [])] } : {}),
  };
}
