import { BadRequestError, ConflictError, NotFoundError } from '../errors';
import type { CompiledNode, CompiledTree } from './compiled-tree';
import { droppedDecision, type Decision } from './decision';
import { DecisionBuilder, mustTransit } from './decision-builder';
import { evaluateDag, isDagWork, reopenSkippedDownstream } from './dag';
import { EngineInvariantError } from './engine-invariant.error';
import { FINAL_RUN_STATES } from './node-machine';
import { blankNodeRecord, type NodeRecord, type ProcessRecord, type RunRecord } from './run-state';
import { nodeTimeoutVerdict, type NodeTimeoutName } from './node-timeouts';
import { outcomeWrite } from './node-outcome';
import { failAttempt, fork, mapOutputs, targetOf } from './step';
import { varKey } from './variables';

/**
 * Operations on a run (DESIGN §5), decided by the pure core like every other state change:
 * given the whole run as loaded, return the writes, events and effects, or throw a
 * `ConflictError` (409, with the current state) when the operation is not allowed now.
 */

/** Everything an operation may read: the whole run. */
export interface OperationInput {
  tree: CompiledTree;
  run: RunRecord;
  processes: readonly ProcessRecord[];
  nodes: ReadonlyMap<string, NodeRecord>;
  now: Date;
  newId: () => string;
}

export type Operation =
  | { type: 'pause_run' }
  | { type: 'resume_run' }
  | { type: 'revoke_run' }
  | { type: 'pause_node'; nodeId: string }
  | { type: 'resume_node'; nodeId: string }
  | { type: 'retry_node'; nodeId: string; inputs?: Record<string, unknown> }
  | { type: 'skip_node'; nodeId: string }
  | { type: 'forced_fail'; nodeId: string; exData?: unknown; version?: number }
  | { type: 'skip_exclusive_gateway'; nodeId: string; flowId: string }
  | { type: 'skip_conditional_parallel_gateway'; nodeId: string; flowIds: string[] }
  | { type: 'retry_subprocess'; nodeId: string }
  | { type: 'callback'; nodeId: string; version: number; data: unknown; callbackType: 'callback' | 'multi_callback' | null }
  | { type: 'update_context'; values: Record<string, unknown> }
  /** A node timeout of DESIGN §8.3 came due for the node life at `version` (fired by the timers). */
  | { type: 'node_timeout'; nodeId: string; version: number; timeout: NodeTimeoutName }
  /** The run's deadline (`timeoutSeconds`, DESIGN §8.3) came due (fired by the timers). */
  | { type: 'timeout_run' };

export type OperationType = Operation['type'];

/** What a run waiting for admission (DESIGN §8.4) allows: nothing of it has run yet. */
const PENDING_RUN_OPERATIONS: ReadonlySet<OperationType> = new Set<OperationType>(['revoke_run', 'update_context', 'timeout_run']);

const notAllowed = (message: string, context: Record<string, unknown>): never => {
  throw new ConflictError(message, context, 'OPERATION_NOT_ALLOWED');
};

/** Decide an operation. Throws NotFoundError / BadRequestError / ConflictError for a refused one. */
export function operate(input: OperationInput, op: Operation): Decision {
  const { run } = input;
  if (FINAL_RUN_STATES.has(run.state)) {
    notAllowed(`run is ${run.state}: nothing can change it any more`, { runId: run.id, state: run.state });
  }
  if (run.state === 'PENDING' && !PENDING_RUN_OPERATIONS.has(op.type)) {
    notAllowed(`run is PENDING (waiting for a concurrency slot): it can only be revoked`, { runId: run.id, state: run.state });
  }
  const b = new DecisionBuilder(input);
  switch (op.type) {
    case 'pause_run':
      return pauseRun(b, input);
    case 'resume_run':
      return resumeRun(b, input);
    case 'revoke_run':
      return revokeRun(b, input);
    case 'pause_node':
      return pauseNode(b, input, op.nodeId);
    case 'resume_node':
      return resumeNode(b, input, op.nodeId);
    case 'retry_node':
      return retryNode(b, input, op.nodeId, op.inputs);
    case 'skip_node':
      return skipNode(b, input, op.nodeId);
    case 'forced_fail':
      return forcedFail(b, input, op.nodeId, op.exData, op.version);
    case 'skip_exclusive_gateway':
      return skipExclusiveGateway(b, input, op.nodeId, op.flowId);
    case 'skip_conditional_parallel_gateway':
      return skipConditionalParallelGateway(b, input, op.nodeId, op.flowIds);
    case 'retry_subprocess':
      return retrySubprocess(b, input, op.nodeId);
    case 'callback':
      return callback(b, input, op);
    case 'update_context':
      return updateContext(b, input, op.values);
    case 'node_timeout':
      return nodeTimeout(b, input, op);
    case 'timeout_run':
      return timeoutRun(b, input);
  }
}

// ---------------------------------------------------------------- run operations

function pauseRun(b: DecisionBuilder, input: OperationInput): Decision {
  const { run } = input;
  if (run.state !== 'RUNNING' && run.state !== 'FAILED') {
    notAllowed(`cannot pause a run that is ${run.state}`, { runId: run.id, state: run.state });
  }
  // Running nodes finish; every process stops before its next node (see `step`).
  b.event('pre_pause_pipeline', null, { pipeline_id: run.id });
  b.d.run = { expectRev: run.rev, state: 'SUSPENDED' };
  b.event('post_pause_pipeline', null, { pipeline_id: run.id });
  return b.d;
}

function resumeRun(b: DecisionBuilder, input: OperationInput): Decision {
  const { run } = input;
  if (run.state !== 'SUSPENDED') notAllowed(`cannot resume a run that is ${run.state}`, { runId: run.id, state: run.state });
  b.event('pre_resume_pipeline', null, { pipeline_id: run.id });
  for (const p of input.processes) {
    // A process about to step may have read the run as SUSPENDED: touching it (new rev, new
    // advance) makes that step's write stale, so it decides again on the resumed run instead
    // of parking the process after this resume (a lost wake-up).
    if (p.state === 'ACTIVE') b.advance(b.process(p, {}));
    if (p.state !== 'SUSPENDED') continue;
    // A process held by an appointed pause stays until its node is resumed.
    if (input.nodes.get(p.currentNodeId)?.state === 'SUSPENDED') continue;
    b.advance(b.process(p, { state: 'ACTIVE' }));
  }
  // RUNNING; FAILED at once if a process is blocked and nothing resumed moves (`settleRun`).
  b.d.run = { expectRev: run.rev, state: 'RUNNING' };
  b.d.settleRun = true;
  b.event('post_resume_pipeline', null, { pipeline_id: run.id });
  return b.d;
}

/**
 * The run's deadline passed (DESIGN §8.3): `pipeline_timeout` is logged, then the run is
 * revoked like `revokeRun` (its unfinished nodes REVOKED) with `reason: "timeout"`. Dropped
 * when the run has no deadline or it is not reached yet (`notBefore`).
 */
function timeoutRun(b: DecisionBuilder, input: OperationInput): Decision {
  const { run, now } = input;
  const deadline = run.deadlineAt ?? null;
  if (!deadline) return droppedDecision('the run has no deadline');
  if (deadline.getTime() > now.getTime()) return { ...droppedDecision('the deadline is not reached yet'), notBefore: deadline };
  b.event('pipeline_timeout', null, { pipeline_id: run.id, deadline: deadline.toISOString() });
  revokeRun(b, input);
  b.d.run = { ...b.d.run!, reason: 'timeout' };
  return b.d;
}

function revokeRun(b: DecisionBuilder, input: OperationInput): Decision {
  const { run, now } = input;
  b.event('pre_revoke_pipeline', null, { pipeline_id: run.id });
  for (const rec of input.nodes.values()) {
    if (rec.state === 'FINISHED' || rec.state === 'REVOKED' || rec.state === 'SKIPPED') continue;
    mustTransit(rec, 'revoke', rec.nodeId);
    b.node({ ...rec, state: 'REVOKED', finishedAt: rec.finishedAt ?? now });
  }
  // Every job of the run is dropped from now on: the runtime checks the run state first.
  // A PENDING run never held a slot (DESIGN §8.4): it ends unrun, and admits no one.
  b.d.run = { expectRev: run.rev, state: 'REVOKED', finishedAt: now, releasesSlot: run.state !== 'PENDING' };
  b.event('post_revoke_pipeline', null, { pipeline_id: run.id });
  return b.d;
}

// ---------------------------------------------------------------- helpers

function nodeOf(input: OperationInput, nodeId: string): CompiledNode {
  const node = input.tree.nodes.get(nodeId);
  if (!node) throw new NotFoundError('node', nodeId, { runId: input.run.id });
  return node;
}

function stateContext(input: OperationInput, nodeId: string, rec: NodeRecord | undefined): Record<string, unknown> {
  return { runId: input.run.id, nodeId, state: rec?.state ?? null, version: rec?.version ?? null, runState: input.run.state };
}

function requireState(input: OperationInput, nodeId: string, rec: NodeRecord | undefined, states: NodeRecord['state'][], what: string): NodeRecord {
  if (!rec || !states.includes(rec.state)) {
    notAllowed(`cannot ${what} node '${nodeId}': it is ${rec?.state ?? 'not started'} (needs ${states.join(' or ')})`, stateContext(input, nodeId, rec));
  }
  return rec!;
}

/**
 * A DAG work's process (ended when the work settled) and its DAG's coordinator. Every change
 * to a settled work writes the coordinator, so it is evaluated against concurrent settlements.
 */
function workProcesses(input: OperationInput, rec: NodeRecord): { p: ProcessRecord; coordinator: ProcessRecord } {
  const p = input.processes.find((x) => x.id === rec.processId);
  const coordinator = p && input.processes.find((x) => x.id === p.parentId);
  if (!p || !coordinator) {
    throw new EngineInvariantError(`DAG work '${rec.nodeId}' has no process or coordinator`, { runId: input.run.id, nodeId: rec.nodeId });
  }
  return { p, coordinator };
}

/** The process stopped at a failed node. */
function blockedProcess(input: OperationInput, rec: NodeRecord): ProcessRecord {
  const p = input.processes.find((x) => x.id === rec.processId && x.state === 'BLOCKED' && x.currentNodeId === rec.nodeId);
  if (!p) throw new EngineInvariantError(`no process is blocked at failed node '${rec.nodeId}'`, { runId: input.run.id, nodeId: rec.nodeId });
  return p;
}

/**
 * A FAILED run with a released process runs again: that process moves now, so something can
 * move (DESIGN §4). If other processes are still blocked, the run is FAILED again once it
 * stops (see `Decision.settleRun`).
 */
function releaseRun(b: DecisionBuilder, input: OperationInput): void {
  if (input.run.state !== 'FAILED') return;
  b.d.run = { expectRev: input.run.rev, state: 'RUNNING' };
}

function freshLife(rec: NodeRecord, patch: Partial<NodeRecord>): NodeRecord {
  return {
    ...rec,
    version: rec.version + 1,
    outputs: {},
    exData: null,
    scheduleTimes: 0,
    awaiting: null,
    callbacks: [],
    callbackSeq: 0,
    skip: false,
    errorIgnored: false,
    finishedAt: null,
    pickedUpAt: null,
    ...patch,
  };
}

// ---------------------------------------------------------------- node operations

function pauseNode(b: DecisionBuilder, input: OperationInput, nodeId: string): Decision {
  const node = nodeOf(input, nodeId);
  const rec = input.nodes.get(nodeId);
  if (node.kind === 'start') notAllowed(`the start event '${nodeId}' cannot be paused`, stateContext(input, nodeId, rec));
  if (rec && rec.state !== 'READY') {
    notAllowed(
      `cannot pause node '${nodeId}': it is ${rec.state}; an appointed pause stops a run at a node it has not reached yet (pause the run to stop after running nodes)`,
      stateContext(input, nodeId, rec),
    );
  }
  mustTransit(rec, 'suspend', nodeId);
  b.event('pre_pause_node', nodeId, {});
  b.node(
    rec
      ? { ...rec, state: 'SUSPENDED' }
      : blankNodeRecord({ runId: input.run.id, nodeId, scopeId: node.scopeId, processId: '', state: 'SUSPENDED' }),
  );
  b.event('post_pause_node', nodeId, {});
  return b.d;
}

function resumeNode(b: DecisionBuilder, input: OperationInput, nodeId: string): Decision {
  nodeOf(input, nodeId);
  const rec = requireState(input, nodeId, input.nodes.get(nodeId), ['SUSPENDED'], 'resume');
  mustTransit(rec, 'resume', nodeId);
  b.event('pre_resume_node', nodeId, {});
  b.node({ ...rec, state: 'READY' });
  for (const p of input.processes) {
    if (p.currentNodeId !== nodeId) continue;
    // About to enter the node, perhaps having read it as SUSPENDED: touch it so that step
    // decides again (see resumeRun).
    if (p.state === 'ACTIVE') b.advance(b.process(p, {}));
    else if (p.state === 'SUSPENDED' && (input.run.state === 'RUNNING' || input.run.state === 'FAILED')) {
      b.advance(b.process(p, { state: 'ACTIVE' }));
      releaseRun(b, input);
    }
  }
  // While the run itself is paused, resuming the run moves the process on.
  b.event('post_resume_node', nodeId, {});
  return b.d;
}

function retryNode(b: DecisionBuilder, input: OperationInput, nodeId: string, inputs?: Record<string, unknown>): Decision {
  const node = nodeOf(input, nodeId);
  const rec = input.nodes.get(nodeId);
  if (!['activity', 'subprocess', 'exclusive', 'conditional_parallel'].includes(node.kind)) {
    notAllowed(`node '${nodeId}' is a ${node.kind}: it cannot fail, so it cannot be retried`, stateContext(input, nodeId, rec));
  }
  if (node.kind === 'activity' && node.raw.type === 'ServiceActivity' && node.raw.retryable === false) {
    throw new ConflictError(`node '${nodeId}' is not retryable`, stateContext(input, nodeId, rec), 'NODE_NOT_RETRYABLE');
  }
  if (inputs !== undefined && node.kind !== 'activity') {
    throw new BadRequestError(`only an activity takes new inputs on retry; '${nodeId}' is a ${node.kind}`, 'INVALID_OPERATION', { nodeId });
  }
  const failed = requireState(input, nodeId, rec, ['FAILED'], 'retry');
  if (isDagWork(input.tree, nodeId)) return retryWork(b, input, failed, inputs);
  const p = blockedProcess(input, failed);
  b.event('pre_retry_node', nodeId, { data: inputs ?? {} });
  b.history('retry', failed);
  let version: number;
  if (node.kind === 'activity') {
    version = rerunActivity(b, input, failed, p, inputs);
  } else {
    // A gateway or a sub-process is entered again: conditions re-evaluated, params re-rendered.
    mustTransit(failed, 'reset', nodeId);
    version = b.node(freshLife(failed, { state: 'READY', retries: failed.retries + 1 })).version;
    b.advance(b.process(p, { state: 'ACTIVE' }));
  }
  releaseRun(b, input);
  b.event('post_retry_node', nodeId, { data: inputs ?? {}, version });
  return b.d;
}

/** A failed activity runs again in process `p`: a new life, RUNNING, its execute dispatched (new inputs merged in). */
function rerunActivity(
  b: DecisionBuilder,
  input: OperationInput,
  failed: NodeRecord,
  p: ProcessRecord,
  inputs?: Record<string, unknown>,
): number {
  mustTransit(failed, 'retry', failed.nodeId);
  const rec = b.node(
    freshLife(failed, {
      state: 'RUNNING',
      retries: failed.retries + 1,
      inputs: inputs ? { ...(failed.inputs ?? {}), ...inputs } : failed.inputs,
      awaiting: 'execute',
      startedAt: input.now,
    }),
  );
  b.process(p, { state: 'IN_NODE', currentNodeId: failed.nodeId });
  b.d.effects.push({ type: 'execute', nodeId: failed.nodeId, version: rec.version });
  return rec.version;
}

/**
 * Retry a failed DAG work (§8.1): it runs again in its process, the works downstream that its
 * failure had skipped wait for it again, and a FAILED run is RUNNING again.
 */
function retryWork(b: DecisionBuilder, input: OperationInput, failed: NodeRecord, inputs?: Record<string, unknown>): Decision {
  const nodeId = failed.nodeId;
  const { p, coordinator } = workProcesses(input, failed);
  b.event('pre_retry_node', nodeId, { data: inputs ?? {} });
  b.history('retry', failed);
  const version = rerunActivity(b, input, failed, p, inputs);
  reopenSkippedDownstream(b, input.tree, nodeId);
  b.process(coordinator, { state: 'WAITING' });
  releaseRun(b, input);
  b.event('post_retry_node', nodeId, { data: inputs ?? {}, version });
  return b.d;
}

/** Skip a failed DAG work: it counts as a success downstream (bamboo's skip), which is evaluated again. */
function skipWork(b: DecisionBuilder, input: OperationInput, failed: NodeRecord): Decision {
  const nodeId = failed.nodeId;
  const { coordinator } = workProcesses(input, failed);
  mustTransit(failed, 'skip', nodeId);
  b.event('pre_skip_node', nodeId, {});
  b.history('skip', failed);
  b.node({ ...failed, state: 'FINISHED', skip: true, version: failed.version + 1, finishedAt: input.now, callbacks: [], callbackSeq: 0 });
  mapOutputs(b, input, nodeId, failed.outputs ?? {});
  reopenSkippedDownstream(b, input.tree, nodeId);
  releaseRun(b, input);
  evaluateDag(b, { ...input, run: input.run }, failed.scopeId, b.process(coordinator, { state: 'WAITING' }));
  b.event('post_skip_node', nodeId, {});
  return b.d;
}

function skipNode(b: DecisionBuilder, input: OperationInput, nodeId: string): Decision {
  const node = nodeOf(input, nodeId);
  const rec = input.nodes.get(nodeId);
  if (node.kind === 'exclusive' || node.kind === 'conditional_parallel') {
    notAllowed(`node '${nodeId}' is a gateway: skip it with skip-gateway, choosing the flow(s) to take`, stateContext(input, nodeId, rec));
  }
  if (node.kind !== 'activity' && node.kind !== 'subprocess') {
    notAllowed(`node '${nodeId}' is a ${node.kind}: it cannot fail, so it cannot be skipped`, stateContext(input, nodeId, rec));
  }
  if (node.raw.type === 'ServiceActivity' && node.raw.skippable === false) {
    throw new ConflictError(`node '${nodeId}' is not skippable`, stateContext(input, nodeId, rec), 'NODE_NOT_SKIPPABLE');
  }
  const failed = requireState(input, nodeId, rec, ['FAILED'], 'skip');
  if (isDagWork(input.tree, nodeId)) return skipWork(b, input, failed);
  const p = blockedProcess(input, failed);
  mustTransit(failed, 'skip', nodeId);
  b.event('pre_skip_node', nodeId, {});
  b.history('skip', failed);
  b.node({ ...failed, state: 'FINISHED', skip: true, version: failed.version + 1, finishedAt: input.now, callbacks: [], callbackSeq: 0 });
  mapOutputs(b, input, nodeId, failed.outputs ?? {});
  if (node.raw.type === 'ServiceActivity') b.d.context.push(...outcomeWrite(node.raw, node.scopeId, 'skipped'));
  b.advance(b.process(p, { state: 'ACTIVE', currentNodeId: input.tree.next(nodeId) }));
  releaseRun(b, input);
  b.event('post_skip_node', nodeId, {});
  return b.d;
}

function forcedFail(b: DecisionBuilder, input: OperationInput, nodeId: string, exData: unknown, version?: number): Decision {
  const node = nodeOf(input, nodeId);
  const rec = input.nodes.get(nodeId);
  if (node.kind !== 'activity') {
    notAllowed(`only an activity can be forced to fail; '${nodeId}' is a ${node.kind}`, stateContext(input, nodeId, rec));
  }
  const running = requireState(input, nodeId, rec, ['RUNNING'], 'force-fail');
  if (version !== undefined && version !== running.version) {
    throw new ConflictError(`node '${nodeId}' is at version ${running.version}, not ${version}`, stateContext(input, nodeId, rec), 'STALE_VERSION');
  }
  const p = input.processes.find((x) => x.id === running.processId && x.state === 'IN_NODE' && x.currentNodeId === nodeId);
  if (!p) throw new EngineInvariantError(`no process is running node '${nodeId}'`, { runId: input.run.id, nodeId });
  const reason = exData ?? 'forced to fail';
  mustTransit(running, 'forced_fail', nodeId);
  b.event('pre_forced_fail_activity', nodeId, { ex_data: reason });
  b.history('forced_fail', { ...running, finishedAt: input.now });
  // A new version: whatever the node's in-flight work returns later is stale and dropped.
  const failed = b.node({
    ...running,
    state: 'FAILED',
    version: running.version + 1,
    exData: reason,
    outputs: { ...(running.outputs ?? {}), ex_data: reason },
    finishedAt: input.now,
    callbacks: [],
    callbackSeq: 0,
  });
  if (isDagWork(input.tree, nodeId)) {
    // A DAG work's failure blocks nothing: the rules downstream decide (§8.1).
    b.process(p, { state: 'DONE' });
    const coordinator = input.processes.find((x) => x.id === p.parentId);
    if (!coordinator) throw new EngineInvariantError(`DAG work '${nodeId}' has no coordinator`, { runId: input.run.id, nodeId });
    evaluateDag(b, input, running.scopeId, coordinator);
  } else {
    b.process(p, { state: 'BLOCKED' });
    // FAILED once nothing else moves, as with any failure (see `Decision.settleRun`).
    b.d.settleRun = true;
  }
  b.event('post_forced_fail_activity', nodeId, { ex_data: reason, old_version: running.version, new_version: failed.version });
  return b.d;
}

function skipExclusiveGateway(b: DecisionBuilder, input: OperationInput, nodeId: string, flowId: string): Decision {
  const node = nodeOf(input, nodeId);
  const rec = input.nodes.get(nodeId);
  if (node.kind !== 'exclusive') notAllowed(`node '${nodeId}' is not an exclusive gateway`, stateContext(input, nodeId, rec));
  const failed = requireState(input, nodeId, rec, ['FAILED'], 'skip');
  checkFlows(node, [flowId]);
  const p = blockedProcess(input, failed);
  mustTransit(failed, 'skip', nodeId);
  b.event('pre_skip_exclusive_gateway', nodeId, { flow_id: flowId });
  b.history('skip', failed);
  b.node({ ...failed, state: 'FINISHED', skip: true, version: failed.version + 1, outputs: { flow: flowId }, finishedAt: input.now });
  b.advance(b.process(p, { state: 'ACTIVE', currentNodeId: targetOf(node, flowId) }));
  releaseRun(b, input);
  b.event('post_skip_exclusive_gateway', nodeId, { flow_id: flowId });
  return b.d;
}

function skipConditionalParallelGateway(b: DecisionBuilder, input: OperationInput, nodeId: string, flowIds: string[]): Decision {
  const node = nodeOf(input, nodeId);
  const rec = input.nodes.get(nodeId);
  if (node.kind !== 'conditional_parallel') notAllowed(`node '${nodeId}' is not a conditional parallel gateway`, stateContext(input, nodeId, rec));
  const failed = requireState(input, nodeId, rec, ['FAILED'], 'skip');
  checkFlows(node, flowIds);
  const p = blockedProcess(input, failed);
  mustTransit(failed, 'skip', nodeId);
  const data = { flow_ids: flowIds, converge_gateway_id: node.convergeId ?? null };
  b.event('pre_skip_conditional_parallel_gateway', nodeId, data);
  b.history('skip', failed);
  b.node({ ...failed, state: 'FINISHED', skip: true, version: failed.version + 1, outputs: { flows: flowIds }, finishedAt: input.now });
  fork(b, input, p, node, flowIds.map((f) => targetOf(node, f)));
  releaseRun(b, input);
  b.event('post_skip_conditional_parallel_gateway', nodeId, data);
  return b.d;
}

function checkFlows(node: CompiledNode, flowIds: string[]): void {
  const outgoing = new Set(node.outgoing.map((o) => o.flowId));
  const bad = flowIds.filter((f) => !outgoing.has(f));
  if (flowIds.length === 0 || bad.length > 0 || new Set(flowIds).size !== flowIds.length) {
    throw new BadRequestError(
      flowIds.length === 0
        ? `choose at least one outgoing flow of '${node.id}'`
        : bad.length
          ? `flow(s) ${bad.join(', ')} are not outgoing flows of '${node.id}' (it has ${[...outgoing].join(', ')})`
          : `a flow is listed twice`,
      'INVALID_FLOW',
      { nodeId: node.id, flows: [...outgoing] },
    );
  }
}

/** Is `scopeId` the scope of sub-process `spId` or nested anywhere inside it? */
function isWithin(tree: CompiledTree, scopeId: string, spId: string): boolean {
  let s: string | undefined = scopeId;
  while (s) {
    if (s === spId) return true;
    const owner: string | undefined = tree.scope(s).parentNodeId;
    s = owner ? tree.node(owner).scopeId : undefined;
  }
  return false;
}

function retrySubprocess(b: DecisionBuilder, input: OperationInput, nodeId: string): Decision {
  const node = nodeOf(input, nodeId);
  const rec = input.nodes.get(nodeId);
  if (node.kind !== 'subprocess') notAllowed(`node '${nodeId}' is not a sub-process`, stateContext(input, nodeId, rec));
  const sp = requireState(input, nodeId, rec, ['FAILED', 'RUNNING'], 'retry sub-process');
  if (sp.state === 'FAILED') {
    // Failed before its child started (params): enter it again.
    const d = retryNode(b, input, nodeId);
    d.events = d.events.map((e) =>
      e.type === 'pre_retry_node' ? { ...e, type: 'pre_retry_subprocess' } : e.type === 'post_retry_node' ? { ...e, type: 'post_retry_subprocess' } : e,
    );
    return d;
  }
  const parent = input.processes.find((p) => p.id === sp.processId && p.state === 'WAITING' && p.currentNodeId === nodeId);
  if (!parent) throw new EngineInvariantError(`no process waits for sub-process '${nodeId}'`, { runId: input.run.id, nodeId });
  // Every process inside the sub-process, at any depth.
  const inside: ProcessRecord[] = [];
  const frontier = [parent.id];
  while (frontier.length) {
    const id = frontier.pop()!;
    for (const p of input.processes) {
      if (p.parentId === id && p.state !== 'DONE' && (id !== parent.id || p.scopeId === nodeId)) {
        inside.push(p);
        frontier.push(p.id);
      }
    }
  }
  const moving = inside.filter((p) => p.state === 'ACTIVE' || p.state === 'IN_NODE');
  if (moving.length) {
    notAllowed(`sub-process '${nodeId}' is still running (at ${moving.map((p) => p.currentNodeId).join(', ')}); retry it once nothing inside runs`, {
      ...stateContext(input, nodeId, rec),
      running: moving.map((p) => p.currentNodeId),
    });
  }
  if (!inside.some((p) => p.state === 'BLOCKED')) {
    notAllowed(`nothing inside sub-process '${nodeId}' has failed`, stateContext(input, nodeId, rec));
  }
  b.event('pre_retry_subprocess', nodeId, {});
  for (const p of inside) b.process(p, { state: 'DONE' });
  // Nodes inside are made ready again, their failed lives kept in history; finished ones
  // are re-entered later like any loop.
  for (const inner of input.nodes.values()) {
    if (inner.nodeId === nodeId || !isWithin(input.tree, inner.scopeId, nodeId)) continue;
    if (inner.state !== 'FAILED' && inner.state !== 'RUNNING') continue;
    b.history('retry', inner);
    if (inner.state === 'RUNNING') mustTransit(inner, 'fail', inner.nodeId);
    mustTransit({ ...inner, state: 'FAILED' }, 'reset', inner.nodeId);
    b.node(freshLife(inner, { state: 'READY' }));
  }
  b.history('retry', sp);
  mustTransit(sp, 'fail', nodeId);
  mustTransit({ ...sp, state: 'FAILED' }, 'reset', nodeId);
  const ready = b.node(freshLife(sp, { state: 'READY', retries: sp.retries + 1, inputs: sp.inputs }));
  b.advance(b.process(parent, { state: 'ACTIVE', pendingChildren: 0 }));
  releaseRun(b, input);
  b.event('post_retry_subprocess', nodeId, { version: ready.version });
  return b.d;
}

function callback(b: DecisionBuilder, input: OperationInput, op: Extract<Operation, { type: 'callback' }>): Decision {
  const { nodeId, version, data } = op;
  const node = nodeOf(input, nodeId);
  const rec = input.nodes.get(nodeId);
  if (node.kind !== 'activity' || !op.callbackType) {
    notAllowed(`node '${nodeId}' does not take callbacks (its component is not of a callback schedule type)`, stateContext(input, nodeId, rec));
  }
  const running = requireState(input, nodeId, rec, ['RUNNING'], 'call back');
  if (running.version !== version) {
    throw new ConflictError(
      `callback for version ${version} of node '${nodeId}', which is at version ${running.version}`,
      { ...stateContext(input, nodeId, rec), givenVersion: version },
      'STALE_VERSION',
    );
  }
  // A `callback` component takes one callback at a time: refused while one waits or is processed.
  if (op.callbackType === 'callback' && (running.callbacks.length > 0 || running.awaiting === 'schedule')) {
    throw new ConflictError(`node '${nodeId}' is already handling a callback (version ${version})`, stateContext(input, nodeId, rec), 'CALLBACK_ALREADY_RECEIVED');
  }
  b.event('pre_callback', nodeId, { version, data });
  // Stored first, processed by `schedule` in order; if execute is still in flight, its
  // completion picks the callback up (see `complete`).
  const wake = running.awaiting === 'callback';
  b.node({ ...running, callbacks: [...running.callbacks, data], awaiting: wake ? 'schedule' : running.awaiting });
  if (wake) b.d.effects.push({ type: 'schedule', nodeId, version, scheduleTimes: running.scheduleTimes, delayMs: 0 });
  b.event('post_callback', nodeId, { version, data });
  return b.d;
}

/**
 * A node timeout came due (DESIGN §8.3). When it has run out (`nodeTimeoutVerdict`), a
 * `node_timeout` event is logged and the attempt fails like a failing component: retried under
 * the node's retry policy while retries remain (same max, same delays), else failed (or
 * finished with the error ignored when `error_ignorable`) with `ex_data` naming the timeout.
 * Otherwise dropped; `notBefore` says when to check again if it may still run out.
 */
function nodeTimeout(b: DecisionBuilder, input: OperationInput, op: Extract<Operation, { type: 'node_timeout' }>): Decision {
  const node = nodeOf(input, op.nodeId);
  if (node.kind !== 'activity') return droppedDecision(`node '${op.nodeId}' is a ${node.kind}, not an activity`);
  const act = input.tree.activity(op.nodeId);
  const rec = input.nodes.get(op.nodeId);
  const verdict = nodeTimeoutVerdict(rec, act.timeout, op.timeout, op.version, input.now);
  if (verdict.kind === 'not_applicable') return droppedDecision(verdict.reason);
  if (verdict.kind === 'not_yet') return { ...droppedDecision(verdict.reason), notBefore: verdict.dueAt };
  const running = rec!;
  const p = input.processes.find((x) => x.id === running.processId && x.state === 'IN_NODE' && x.currentNodeId === op.nodeId);
  if (!p) throw new EngineInvariantError(`no process is running node '${op.nodeId}'`, { runId: input.run.id, nodeId: op.nodeId });
  const exData = verdict.exData;
  b.event('node_timeout', op.nodeId, { version: running.version, timeout: op.timeout, seconds: verdict.seconds, ex_data: exData });
  const failedRec: NodeRecord = { ...running, outputs: { ...(running.outputs ?? {}), ex_data: exData }, exData, callbacks: [] };
  failAttempt(b, input, act, running, failedRec, p, exData, 'node_execute_fail');
  return b.d;
}

function updateContext(b: DecisionBuilder, input: OperationInput, values: Record<string, unknown>): Decision {
  const keys = Object.keys(values);
  if (keys.length === 0) throw new BadRequestError('no variables to update', 'INVALID_CONTEXT');
  const bad = keys.filter((k) => !/^[A-Za-z_][\w.-]*$/.test(k.replace(/^\$\{(.*)\}$/, '$1')));
  if (bad.length) throw new BadRequestError(`invalid variable name(s): ${bad.join(', ')}`, 'INVALID_CONTEXT', { keys: bad });
  for (const k of keys) {
    const name = k.replace(/^\$\{(.*)\}$/, '$1');
    b.d.context.push({ scopeId: input.tree.rootId, key: varKey(name), value: values[k] });
  }
  return b.d;
}
