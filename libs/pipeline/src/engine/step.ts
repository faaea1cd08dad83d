import { evaluateCondition, type VariableScope } from '../expressions';
import type { ServiceActivity, SubProcess } from '../model/tree.types';
import type { CompiledNode, CompiledTree } from './compiled-tree';
import type { Decision } from './decision';
import { droppedDecision } from './decision';
import { coordinatorOf, evaluateDag, isDagScope } from './dag';
import { DecisionBuilder, mustTransit } from './decision-builder';
import { EngineInvariantError } from './engine-invariant.error';
import { FINAL_RUN_STATES } from './node-machine';
import { retryDelayMs } from './retry-policy';
import { outcomeWrite } from './node-outcome';
import { evaluateResults } from './results';
import { blankNodeRecord, type NodeRecord, type ProcessRecord, type RunRecord } from './run-state';
import { renderInputs, ScopeVariables, varKey, type LazyValues } from './variables';

/** Everything a step may read; the runtime loads exactly this before calling the core. */
export interface StepInput {
  tree: CompiledTree;
  run: RunRecord;
  /** The process taking the step. */
  process: ProcessRecord;
  /** Its parent process, when it has one (read when a sub-process ends). */
  parent: ProcessRecord | null;
  /** Node rows the step touches: the current node, and the owning SubProcess node when in a sub-scope. */
  nodes: ReadonlyMap<string, NodeRecord>;
  /** Stored context values of the process's scope, keyed `${name}`. */
  context: Readonly<Record<string, unknown>>;
  lazy?: LazyValues;
  now: Date;
  newId: () => string;
}

/** The outcome of a component's `execute` or `schedule` call, as the runtime observed it. */
export interface ComponentOutcome {
  ok: boolean;
  outputs: Record<string, unknown>;
  /** Why it failed (the `ex_data` output or the thrown error's message). */
  exData?: unknown;
  /** The component called `finishSchedule` (or has no schedule step). */
  finished: boolean;
  /** For a polling component that is not finished: when to call `schedule` next. */
  pollDelayMs?: number;
  /** Which call produced the outcome. */
  phase: 'execute' | 'schedule';
  /** The call threw (bamboo's `node_*_exception`), rather than returning false. */
  threw?: boolean;
  /** The `schedule` call processed the oldest pending callback (`NodeRecord.callbacks[0]`). */
  consumedCallback?: boolean;
  /**
   * `schedule` calls this outcome covers (default: 1 for a schedule outcome, 0 for execute).
   * A poll due at once is called again before anything is saved, so one outcome may cover several.
   */
  schedules?: number;
  /** `execute` handed the node to external workers on this topic (`ComponentData.offerExternalTask`). */
  offer?: { topic: string; payload: unknown };
}

export interface CompleteInput extends StepInput {
  nodeId: string;
  version: number;
  outcome: ComponentOutcome;
}

/**
 * A fresh (or re-entered) node record in RUNNING, keeping the previous life in history. A
 * READY row is not a previous life: it was made ready by an operation (a resumed appointed
 * pause, a retried gateway or sub-process), which already kept the history it needed.
 */
function enterRecord(b: DecisionBuilder, input: StepInput, node: CompiledNode, prev: NodeRecord | undefined): NodeRecord {
  mustTransit(prev, 'enter', node.id);
  const ready = prev?.state === 'READY';
  if (prev && !ready) b.history('loop', prev);
  return blankNodeRecord({
    runId: input.run.id,
    nodeId: node.id,
    scopeId: node.scopeId,
    processId: input.process.id,
    state: 'RUNNING',
    version: (prev?.version ?? 0) + 1,
    loop: !prev ? 1 : ready ? Math.max(prev.loop, 1) : prev.loop + 1,
    retries: ready ? prev.retries : 0,
    startedAt: input.now,
  });
}

function scopeOf(input: StepInput): ScopeVariables {
  return new ScopeVariables(input.tree.scope(input.process.scopeId), input.context, input.lazy);
}

/**
 * Mark a node failed and block its process. The run becomes FAILED once nothing else moves
 * (see `Decision.settleRun`): other branches walk on to their converge gateways first.
 */
export function fail(
  b: DecisionBuilder,
  input: { now: Date },
  rec: NodeRecord,
  p: ProcessRecord,
  exData: unknown,
  eventType: string | null,
): void {
  b.node({ ...rec, state: 'FAILED', exData, finishedAt: input.now });
  b.process(p, { state: 'BLOCKED', currentNodeId: rec.nodeId });
  b.d.settleRun = true;
  if (eventType) b.event(eventType, rec.nodeId, { version: rec.version, ex_data: exData });
}

/**
 * What settling a node reads: a step's or a component outcome's input (with the parent
 * process), or an operation's (with every process). A DAG work needs its coordinator from one.
 */
export type SettleInput = Pick<StepInput, 'tree' | 'now' | 'run' | 'newId'> & {
  parent?: ProcessRecord | null;
  processes?: readonly ProcessRecord[];
};

/**
 * Finish a node that has exactly one outgoing flow and move its process on. A DAG work has no
 * flow: its process ends and the DAG's trigger rules are evaluated again (see `dag.ts`).
 */
function finishAndMove(b: DecisionBuilder, input: SettleInput, rec: NodeRecord, p: ProcessRecord, patch: Partial<NodeRecord> = {}): void {
  b.node({ ...rec, ...patch, state: 'FINISHED', finishedAt: input.now });
  b.event('node_finish', rec.nodeId, { version: rec.version });
  if (isDagScope(input.tree, rec.scopeId)) {
    b.process(p, { state: 'DONE' });
    evaluateDag(b, input, rec.scopeId, coordinatorOf(input, p, rec.nodeId));
    return;
  }
  const next = input.tree.next(rec.nodeId);
  b.advance(b.process(p, { state: 'ACTIVE', currentNodeId: next }));
}

/**
 * A node fails for good. In a DAG the failure does not block anything: the work's process
 * ends and the rules downstream decide (§8.1); elsewhere the process is blocked (`fail`).
 */
function failNode(b: DecisionBuilder, input: SettleInput, rec: NodeRecord, p: ProcessRecord, exData: unknown, eventType: string): void {
  if (!isDagScope(input.tree, rec.scopeId)) {
    fail(b, input, rec, p, exData, eventType);
    return;
  }
  b.node({ ...rec, state: 'FAILED', exData, finishedAt: input.now });
  b.process(p, { state: 'DONE' });
  b.event(eventType, rec.nodeId, { version: rec.version, ex_data: exData });
  evaluateDag(b, input, rec.scopeId, coordinatorOf(input, p, rec.nodeId));
}

/** Pick the flows of a gateway by their conditions; an error string when it cannot. */

function chooseFlows(node: CompiledNode, scope: VariableScope, exclusive: boolean): string[] | string {
  const chosen: string[] = [];
  for (const { flowId } of node.outgoing) {
    if (flowId === node.defaultFlowId) continue;
    const cond = node.conditions?.[flowId];
    if (!cond) continue;
    try {
      if (evaluateCondition(cond.evaluate, scope)) chosen.push(flowId);
    } catch (e) {
      return `condition of flow '${flowId}' (${cond.evaluate}) could not be evaluated: ${(e as Error).message}`;
    }
  }
  if (exclusive && chosen.length > 1) {
    return `more than one condition is true (flows ${chosen.join(', ')}); an exclusive gateway takes exactly one`;
  }
  if (chosen.length === 0) {
    if (node.defaultFlowId) return [node.defaultFlowId];
    return 'no condition is true and there is no default flow';
  }
  return chosen;
}

export function targetOf(node: CompiledNode, flowId: string): string {
  const f = node.outgoing.find((o) => o.flowId === flowId);
  if (!f) throw new EngineInvariantError(`flow '${flowId}' is not an outgoing flow of '${node.id}'`, { nodeId: node.id });
  return f.target;
}

/**
 * A process takes its next step: it enters its current node (or joins its parent when it has
 * reached its destination converge gateway). Pure: returns what to write and do.
 */
export function step(input: StepInput): Decision {
  const { run, process: p, tree } = input;
  if (FINAL_RUN_STATES.has(run.state)) return droppedDecision(`run is ${run.state}`);
  // A held run is not dispatched; a stray job (say, a reconciler's) waits for its admission.
  if (run.state === 'PENDING') return droppedDecision('run is PENDING (waiting for a concurrency slot)');
  if (p.state !== 'ACTIVE') return droppedDecision(`process is ${p.state}`);

  const b = new DecisionBuilder(input);
  if (run.state === 'SUSPENDED') {
    // bamboo's pause: running nodes finish, processes stop before their next node.
    b.process(p, { state: 'SUSPENDED' });
    return b.d;
  }

  const nodeId = p.currentNodeId;
  if (p.destinationId === nodeId) return join(b, input);

  const node = tree.node(nodeId);
  if (node.kind === 'start' && isDagScope(tree, node.scopeId)) {
    // A DAG run begins: its root process coordinates, the works with nothing to wait for start.
    evaluateDag(b, input, node.scopeId, b.process(p, { state: 'WAITING' }));
    return b.d;
  }
  const prev = input.nodes.get(nodeId);
  if (prev?.state === 'SUSPENDED') {
    // An appointed pause: the process stops here until the node is resumed (if a branch has
    // failed meanwhile, nothing may be left moving: the run is then FAILED).
    b.process(p, { state: 'SUSPENDED' });
    b.d.settleRun = true;
    return b.d;
  }
  const rec = enterRecord(b, input, node, prev);
  b.event('node_enter', nodeId, { version: rec.version, loop: rec.loop });

  switch (node.kind) {
    case 'start':
    case 'converge':
      finishAndMove(b, input, rec, p);
      break;

    case 'end':
      endScope(b, input, rec);
      break;

    case 'exclusive':
    case 'conditional_parallel': {
      const chosen = chooseFlows(node, scopeOf(input), node.kind === 'exclusive');
      if (typeof chosen === 'string') {
        fail(b, input, rec, p, chosen, 'node_execute_fail');
      } else if (node.kind === 'exclusive') {
        b.node({ ...rec, state: 'FINISHED', outputs: { flow: chosen[0] }, finishedAt: input.now });
        b.event('node_finish', nodeId, { version: rec.version, flow: chosen[0] });
        b.advance(b.process(p, { currentNodeId: targetOf(node, chosen[0]) }));
      } else {
        b.node({ ...rec, state: 'FINISHED', outputs: { flows: chosen }, finishedAt: input.now });
        b.event('node_finish', nodeId, { version: rec.version, flows: chosen });
        fork(b, input, p, node, chosen.map((f) => targetOf(node, f)));
      }
      break;
    }

    case 'parallel':
      b.node({ ...rec, state: 'FINISHED', finishedAt: input.now });
      b.event('node_finish', nodeId, { version: rec.version });
      fork(b, input, p, node, node.outgoing.map((o) => o.target));
      break;

    case 'activity': {
      const act = node.raw as ServiceActivity;
      let inputs: Record<string, unknown>;
      try {
        inputs = renderInputs(nodeId, act.component.inputs, scopeOf(input), input.lazy);
      } catch (e) {
        failNode(b, input, { ...rec, inputs: null }, p, `inputs could not be rendered: ${(e as Error).message}`, 'node_execute_fail');
        break;
      }
      b.node({ ...rec, inputs, outputs: {}, awaiting: 'execute' });
      b.process(p, { state: 'IN_NODE' });
      b.d.effects.push({ type: 'execute', nodeId, version: rec.version });
      break;
    }

    case 'subprocess': {
      const sp = node.raw as SubProcess;
      let params: Record<string, unknown>;
      try {
        params = renderInputs(nodeId, sp.params ?? {}, scopeOf(input), input.lazy);
      } catch (e) {
        fail(b, input, rec, p, `params could not be rendered: ${(e as Error).message}`, 'node_execute_fail');
        break;
      }
      b.node({ ...rec, inputs: params });
      const sub = tree.scope(nodeId);
      if (prev) b.d.contextResets.push(nodeId);
      for (const [key, value] of Object.entries(params)) b.d.context.push({ scopeId: nodeId, key, value });
      b.process(p, { state: 'WAITING', pendingChildren: 1 });
      const child = b.newProcess({
        id: input.newId(),
        runId: run.id,
        parentId: p.id,
        scopeId: nodeId,
        currentNodeId: sub.startId,
        destinationId: null,
        state: 'ACTIVE',
        pendingChildren: 0,
      });
      b.advance(child);
      break;
    }
  }
  return b.d;
}

/** Start one branch process per target, joined at the gateway's converge gateway. */
export function fork(
  b: DecisionBuilder,
  input: { run: RunRecord; newId: () => string },
  p: ProcessRecord,
  node: CompiledNode,
  targets: string[],
): void {
  if (!node.convergeId) {
    throw new EngineInvariantError(`gateway '${node.id}' has no converge gateway`, { nodeId: node.id });
  }
  b.process(p, { state: 'WAITING', pendingChildren: targets.length });
  for (const target of targets) {
    const child = b.newProcess({
      id: input.newId(),
      runId: input.run.id,
      parentId: p.id,
      scopeId: p.scopeId,
      currentNodeId: target,
      destinationId: node.convergeId,
      state: 'ACTIVE',
      pendingChildren: 0,
    });
    b.advance(child);
  }
}

/** A branch reached its converge gateway: it ends; the last one wakes the parent there (see `JoinWrite`). */
function join(b: DecisionBuilder, input: StepInput): Decision {
  const p = input.process;
  if (!p.parentId) throw new EngineInvariantError(`process '${p.id}' has a destination but no parent`, { processId: p.id });
  b.process(p, { state: 'DONE' });
  b.d.joins.push({ parentId: p.parentId, destinationId: p.destinationId! });
  // A branch that waits at its converge gateway for a failed sibling may be the last mover.
  b.d.settleRun = true;
  return b.d;
}

/** The end event of a scope: the run finishes, or the owning sub-process node does. */
function endScope(b: DecisionBuilder, input: StepInput, rec: NodeRecord): void {
  const { tree, process: p, run } = input;
  b.node({ ...rec, state: 'FINISHED', finishedAt: input.now });
  b.event('node_finish', rec.nodeId, { version: rec.version });
  b.process(p, { state: 'DONE' });
  const scope = tree.scope(p.scopeId);
  const outputs = scopeOf(input).outputs();
  if (!scope.parentNodeId) {
    b.d.run = { expectRev: run.rev, state: 'FINISHED', outputs, finishedAt: input.now, releasesSlot: true };
    b.event('pipeline_finish', null, { node_id: rec.nodeId, outputs });
    return;
  }
  const spId = scope.parentNodeId;
  const spRec = input.nodes.get(spId);
  const parent = input.parent;
  if (!spRec || !parent) {
    throw new EngineInvariantError(`sub-process '${spId}' ended without its node or parent process`, { nodeId: spId });
  }
  b.node({ ...spRec, state: 'FINISHED', outputs, finishedAt: input.now });
  b.event('node_finish', spId, { version: spRec.version });
  mapOutputs(b, input, spId, outputs);
  b.advance(b.process(parent, { state: 'ACTIVE', pendingChildren: 0, currentNodeId: tree.next(spId) }));
}

/** Copy a finished node's outputs into the variables that take them (`source_act`/`source_key`). */
export function mapOutputs(b: DecisionBuilder, input: { tree: CompiledTree }, nodeId: string, outputs: Record<string, unknown>): void {
  const node = input.tree.node(nodeId);
  const mappings = input.tree.scope(node.scopeId).outputMappings.get(nodeId) ?? [];
  for (const { key, sourceKey } of mappings) {
    if (sourceKey in outputs) b.d.context.push({ scopeId: node.scopeId, key, value: outputs[sourceKey] });
  }
}

/**
 * An activity's component returned (from `execute` or `schedule`). Stale outcomes (the node
 * moved on, was retried or forced to fail meanwhile) are dropped.
 */
export function complete(input: CompleteInput): Decision {
  const { run, process: p, tree, nodeId, version } = input;
  let { outcome } = input;
  const rec = input.nodes.get(nodeId);
  if (FINAL_RUN_STATES.has(run.state)) return reapRevoked(input, rec, version);
  if (!rec || rec.state !== 'RUNNING' || rec.version !== version) {
    return droppedDecision(`node is ${rec?.state ?? 'absent'} at version ${rec?.version ?? '-'}, outcome is for ${version}`);
  }
  if (p.id !== rec.processId || p.state !== 'IN_NODE' || p.currentNodeId !== nodeId) {
    return droppedDecision(`process '${p.id}' is not running node '${nodeId}'`);
  }
  const b = new DecisionBuilder(input);
  const act = tree.activity(nodeId);
  const outputs = { ...(rec.outputs ?? {}), ...outcome.outputs };
  const scheduleTimes = rec.scheduleTimes + (outcome.schedules ?? (outcome.phase === 'schedule' ? 1 : 0));
  const callbacks = outcome.consumedCallback ? rec.callbacks.slice(1) : rec.callbacks;

  // Result bindings are evaluated before the node finishes: one that fails fails the node.
  let results: ReturnType<typeof evaluateResults> | undefined;
  if (outcome.ok && outcome.finished && act.results?.length) {
    results = evaluateResults(act.results, outputs, scopeOf(input));
    if (!results.ok) outcome = { ...outcome, ok: false, exData: results.error };
  }

  if (outcome.ok) {
    if (outcome.finished) {
      mustTransit(rec, 'finish', nodeId);
      finishAndMove(b, input, rec, p, { outputs, scheduleTimes, callbacks: [] });
      mapOutputs(b, input, nodeId, outputs);
      const scopeId = tree.node(nodeId).scopeId;
      if (results?.ok) for (const r of results.values) b.d.context.push({ scopeId, key: varKey(r.variable), value: r.value });
      b.d.context.push(...outcomeWrite(act, scopeId, 'finished'));
      return b.d;
    }
    if (outcome.pollDelayMs !== undefined) {
      b.node({ ...rec, outputs, scheduleTimes, callbacks, awaiting: 'schedule' });
      b.d.effects.push({ type: 'schedule', nodeId, version, scheduleTimes, delayMs: outcome.pollDelayMs });
    } else if (callbacks.length > 0) {
      // Callbacks accepted meanwhile (or before execute returned) are processed one by one.
      b.node({ ...rec, outputs, scheduleTimes, callbacks, awaiting: 'schedule' });
      b.d.effects.push({ type: 'schedule', nodeId, version, scheduleTimes, delayMs: 0 });
    } else {
      b.node({ ...rec, outputs, scheduleTimes, callbacks, awaiting: 'callback' });
    }
    // A callback accepted before execute returned still leaves the task offered: it closes when
    // the node moves on (a fetch finds the node gone and cancels it).
    if (outcome.offer && outcome.phase === 'execute') {
      b.d.offers = [{ id: input.newId(), nodeId, version, topic: outcome.offer.topic, payload: outcome.offer.payload, attempt: rec.retries + 1 }];
    }
    return b.d;
  }

  const exData = outcome.exData ?? outputs.ex_data ?? 'failed';
  const failedRec: NodeRecord = { ...rec, outputs: { ...outputs, ex_data: exData }, exData, scheduleTimes, callbacks };
  if (outcome.threw) {
    b.event(outcome.phase === 'execute' ? 'node_execute_exception' : 'node_schedule_exception', nodeId, {
      version: rec.version,
      ex_data: exData,
    });
  }
  const failEvent = outcome.phase === 'execute' ? 'node_execute_fail' : 'node_schedule_fail';
  failAttempt(b, input, act, rec, failedRec, p, exData, failEvent);
  return b.d;
}

/**
 * An attempt of a RUNNING activity failed (its component, or a timeout of DESIGN §8.3): it is
 * retried under its `retry` policy while retries remain (a new version, one `auto_retry`
 * history row per attempt, `retries + 1`, the execute delayed by `retryDelayMs`), else
 * finished with the error ignored (`error_ignorable`), else failed. `rec` is the row as
 * loaded, `failedRec` the attempt as it ended.
 */
export function failAttempt(
  b: DecisionBuilder,
  input: SettleInput,
  act: ServiceActivity,
  rec: NodeRecord,
  failedRec: NodeRecord,
  p: ProcessRecord,
  exData: unknown,
  failEvent: string,
): void {
  const nodeId = rec.nodeId;
  const policy = act.retry;
  if (policy && rec.retries < policy.max) {
    mustTransit(rec, 'auto_retry', nodeId);
    b.history('auto_retry', { ...failedRec, state: 'FAILED', finishedAt: input.now });
    const delayMs = retryDelayMs(policy, rec.retries + 1);
    const renewed: NodeRecord = {
      ...rec,
      version: rec.version + 1,
      retries: rec.retries + 1,
      outputs: {},
      exData: null,
      scheduleTimes: 0,
      awaiting: 'execute',
      callbacks: [],
      callbackSeq: 0,
      // The new attempt starts once its delay is over (timeouts and timers count from there).
      startedAt: new Date(input.now.getTime() + delayMs),
      pickedUpAt: null,
    };
    b.node(renewed);
    if (!act.error_ignorable) b.event(failEvent, nodeId, { version: rec.version, ex_data: exData, retrying: true });
    b.d.effects.push({ type: 'execute', nodeId, version: renewed.version, delayMs });
    return;
  }
  if (act.error_ignorable) {
    mustTransit(rec, 'ignore_error', nodeId);
    finishAndMove(b, input, failedRec, p, { errorIgnored: true, callbacks: [] });
    mapOutputs(b, input, nodeId, failedRec.outputs ?? {});
    b.d.context.push(...outcomeWrite(act, input.tree.node(nodeId).scopeId, 'error_ignored'));
    return;
  }
  mustTransit(rec, 'fail', nodeId);
  failNode(b, input, failedRec, p, exData, failEvent);
}

/**
 * The core found its invariants broken while deciding about `nodeId` (a bug or corrupt state:
 * a node entered in a state it cannot be entered from, a process at a node not in the tree, a
 * branch with no parent...). Retrying the job would only break the same way, so the node fails
 * like any failing node: FAILED with the violation in `ex_data` and a `node_execute_fail`
 * event, its process BLOCKED, the run FAILED once nothing else moves. An operator sees it and
 * retries, skips or revokes (DESIGN §5). Written over the row as loaded (compare-and-set as
 * usual), without the transition table: the state it would check is what is corrupt.
 */
export function failOnInvariant(input: StepInput, nodeId: string, error: EngineInvariantError): Decision {
  const { run, process: p, tree } = input;
  if (FINAL_RUN_STATES.has(run.state)) return droppedDecision(`run is ${run.state}`);
  const b = new DecisionBuilder(input);
  const prev = input.nodes.get(nodeId);
  const exData = `engine invariant violated (${error.code}): ${error.message}`;
  const rec: NodeRecord = prev
    ? { ...prev, processId: p.id, awaiting: null }
    : blankNodeRecord({
        runId: run.id,
        nodeId,
        scopeId: tree.nodes.get(nodeId)?.scopeId ?? p.scopeId,
        processId: p.id,
        state: 'FAILED',
        version: 1,
        loop: 1,
        startedAt: input.now,
      });
  fail(b, input, { ...rec, outputs: { ...(rec.outputs ?? {}), ex_data: exData } }, p, exData, 'node_execute_fail');
  return b.d;
}

/**
 * Work that finishes after its run was revoked is dropped; a node row it left RUNNING (it
 * was entered as the revoke committed) is marked REVOKED so the run reads consistently.
 */
function reapRevoked(input: StepInput, rec: NodeRecord | undefined, version: number): Decision {
  if (input.run.state !== 'REVOKED' || !rec || rec.state !== 'RUNNING' || rec.version !== version) {
    return droppedDecision(`run is ${input.run.state}`);
  }
  const b = new DecisionBuilder(input);
  mustTransit(rec, 'revoke', rec.nodeId);
  b.node({ ...rec, state: 'REVOKED', finishedAt: input.now });
  return b.d;
}
