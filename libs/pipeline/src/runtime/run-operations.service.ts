import { Injectable, Logger } from '@nestjs/common';
import { ComponentRegistry } from '../components/component-registry.service';
import type { ParentData, Service, ServiceHookName } from '../components/service';
import type { CompiledNode } from '../engine/compiled-tree';
import type { Decision } from '../engine/decision';
import type { NodeTimeoutName } from '../engine/node-timeouts';
import type { Operation } from '../engine/operations';
import type { NodeRecord } from '../engine/run-state';
import type { NodeStateName, RunStateName } from '../engine/states';
import { BadRequestError } from '../errors/bad-request.error';
import { NotFoundError } from '../errors/not-found.error';
import { RunStore } from '../ports/run-store.port';
import { callHook, readOnlyData } from './component-hooks';
import { EngineRuntime } from './engine-runtime.service';

/** What an operation answers: the run's state after it and, for node operations, the node's. */
export interface OperationResult {
  runId: string;
  runState: RunStateName;
  nodeId?: string;
  node?: { state: NodeStateName; version: number };
}

/** What a timer-fired operation (DESIGN §8.3) came to. */
export interface TimeoutResult {
  /** It changed the run (the node timed out / the run was revoked). */
  applied: boolean;
  /** Why not, when `applied` is false. */
  reason?: string;
  /** Not applied because it came too early: ask again at this time. */
  notBefore?: Date;
}

/** Options of `skipGateway`: `flowId` for an exclusive gateway, `flowIds` for a conditional parallel one. */
export interface SkipGatewayRequest {
  flowId?: string;
  flowIds?: string[];
}

/**
 * bamboo's engine API (DESIGN §5) as an injectable service: every way to steer a run. Each
 * method answers 404 (NotFoundError) for an unknown run or node, 409 (ConflictError, with the
 * current state) when the operation is not allowed now, 400 for a malformed request. Works
 * the same in embedded and distributed mode: the decision is saved in the database and the
 * resulting jobs go to the engine queue.
 */
@Injectable()
export class RunOperationsService {
  private readonly logger = new Logger(RunOperationsService.name);

  constructor(
    private readonly runtime: EngineRuntime,
    private readonly store: RunStore,
    private readonly components: ComponentRegistry,
  ) {}

  /** Running nodes finish; nothing new starts until `resumeRun`. */
  pauseRun(runId: string): Promise<OperationResult> {
    return this.apply(runId, { type: 'pause_run' });
  }

  resumeRun(runId: string): Promise<OperationResult> {
    return this.apply(runId, { type: 'resume_run' });
  }

  /** Final: nothing of the run executes or is scheduled again. */
  revokeRun(runId: string): Promise<OperationResult> {
    return this.apply(runId, { type: 'revoke_run' });
  }

  /** Appointed pause: the run stops at this node (not reached yet) as SUSPENDED. */
  pauseNode(runId: string, nodeId: string): Promise<OperationResult> {
    return this.withHooks(runId, nodeId, 'prePauseNode', 'postPauseNode', { type: 'pause_node', nodeId });
  }

  resumeNode(runId: string, nodeId: string): Promise<OperationResult> {
    return this.withHooks(runId, nodeId, 'preResumeNode', 'postResumeNode', { type: 'resume_node', nodeId });
  }

  /** Run a failed node again; an activity may get new inputs (merged over its last ones). */
  retryNode(runId: string, nodeId: string, inputs?: Record<string, unknown>): Promise<OperationResult> {
    if (inputs !== undefined && (inputs === null || typeof inputs !== 'object' || Array.isArray(inputs))) {
      throw new BadRequestError('inputs must be an object', 'INVALID_INPUTS');
    }
    return this.withHooks(runId, nodeId, 'preRetryNode', 'postRetryNode', { type: 'retry_node', nodeId, inputs });
  }

  /** Finish a failed (skippable) node and go on. */
  skipNode(runId: string, nodeId: string): Promise<OperationResult> {
    return this.withHooks(runId, nodeId, 'preSkipNode', 'postSkipNode', { type: 'skip_node', nodeId });
  }

  /**
   * Fail a RUNNING activity now. Its version is renewed, so whatever its in-flight work
   * returns later is dropped. `version`, when given, must be the node's current one.
   */
  forcedFail(runId: string, nodeId: string, exData?: unknown, version?: number): Promise<OperationResult> {
    return this.withHooks(runId, nodeId, 'preForcedFailActivity', 'postForcedFailActivity', { type: 'forced_fail', nodeId, exData, version });
  }

  /** Skip a failed gateway: an exclusive one takes `flowId`, a conditional parallel one `flowIds`. */
  async skipGateway(runId: string, nodeId: string, req: SkipGatewayRequest): Promise<OperationResult> {
    const tree = await this.treeNodeKind(runId, nodeId);
    if (tree === 'exclusive') {
      const flowId = req.flowId ?? (req.flowIds?.length === 1 ? req.flowIds[0] : undefined);
      if (!flowId) throw new BadRequestError(`'${nodeId}' is an exclusive gateway: give the one flowId to take`, 'INVALID_FLOW');
      return this.apply(runId, { type: 'skip_exclusive_gateway', nodeId, flowId });
    }
    if (tree === 'conditional_parallel') {
      const flowIds = req.flowIds ?? (req.flowId ? [req.flowId] : undefined);
      if (!flowIds) throw new BadRequestError(`'${nodeId}' is a conditional parallel gateway: give the flowIds to take`, 'INVALID_FLOW');
      return this.apply(runId, { type: 'skip_conditional_parallel_gateway', nodeId, flowIds });
    }
    // Let the core refuse it with the node's current state.
    return this.apply(runId, { type: 'skip_exclusive_gateway', nodeId, flowId: req.flowId ?? '' });
  }

  /** Run a sub-process again from its start, once nothing inside it is running. */
  retrySubprocess(runId: string, nodeId: string): Promise<OperationResult> {
    return this.apply(runId, { type: 'retry_subprocess', nodeId });
  }

  /**
   * Deliver a callback to a waiting node. `version` must be the node's current version (else
   * 409 STALE_VERSION). The data is stored under that check and handed to the component's
   * `schedule` by a worker; a `callback` component takes one at a time, a `multi_callback`
   * one any number, processed in order.
   */
  async callback(runId: string, nodeId: string, version: number, data: unknown): Promise<OperationResult> {
    const ctx = await this.hookContext(runId, nodeId);
    const callbackType = ctx?.component?.scheduleType === 'callback' || ctx?.component?.scheduleType === 'multi_callback' ? ctx.component.scheduleType : null;
    if (ctx?.rec && ctx.rec.state === 'RUNNING' && ctx.rec.version === version) {
      await callHook(ctx.component, 'preCallback', readOnlyData(ctx.rec.inputs, ctx.rec.outputs), ctx.parentData, this.logger, structuredCloneSafe(data));
    }
    return this.apply(runId, { type: 'callback', nodeId, version, data, callbackType });
  }

  /** Set variables of the run's root scope (names with or without `${}`). */
  updateContext(runId: string, values: Record<string, unknown>): Promise<OperationResult> {
    if (values === null || typeof values !== 'object' || Array.isArray(values)) {
      throw new BadRequestError('context must be an object of variable names to values', 'INVALID_CONTEXT');
    }
    return this.apply(runId, { type: 'update_context', values });
  }

  /**
   * A node timeout (DESIGN §8.3) of the node life at `version` came due: when it has run out,
   * the node is retried under its retry policy if retries remain, else it fails with `ex_data`
   * naming the timeout. Called by the timers; answers what happened rather than throwing for a
   * node that moved on. 404 for an unknown run or node, 409 for a run that already ended.
   */
  async nodeTimeout(runId: string, nodeId: string, version: number, timeout: NodeTimeoutName): Promise<TimeoutResult> {
    const { decision } = await this.runtime.operate(runId, { type: 'node_timeout', nodeId, version, timeout });
    return timeoutResult(decision);
  }

  /**
   * The run's deadline came due (DESIGN §8.3): the run is revoked with `reason: "timeout"` (a
   * `pipeline_timeout` event, then the revoke's). Called by the timers. 404 for an unknown run,
   * 409 for a run that already ended.
   */
  async timeoutRun(runId: string): Promise<TimeoutResult> {
    const { decision } = await this.runtime.operate(runId, { type: 'timeout_run' });
    return timeoutResult(decision);
  }

  /** The inputs a node would get if it were entered now (bamboo's preview_node_inputs). */
  previewInputs(runId: string, nodeId: string): Promise<Record<string, unknown>> {
    return this.runtime.previewInputs(runId, nodeId);
  }

  private async apply(runId: string, op: Operation): Promise<OperationResult> {
    const { decision, runState } = await this.runtime.operate(runId, op);
    return this.result(runId, runState, 'nodeId' in op ? op.nodeId : undefined, decision);
  }

  private result(runId: string, runState: RunStateName, nodeId: string | undefined, d: Decision): OperationResult {
    const written = nodeId ? d.nodes.find((w) => w.record.nodeId === nodeId)?.record : undefined;
    return {
      runId,
      runState,
      ...(nodeId ? { nodeId } : {}),
      ...(written ? { node: { state: written.state, version: written.version } } : {}),
    };
  }

  /** A node operation with the component's read-only pre/post hooks around it. */
  private async withHooks(runId: string, nodeId: string, pre: ServiceHookName, post: ServiceHookName, op: Operation): Promise<OperationResult> {
    const ctx = await this.hookContext(runId, nodeId);
    if (ctx?.component?.needRunHook) {
      await callHook(ctx.component, pre, readOnlyData(ctx.rec?.inputs ?? null, ctx.rec?.outputs ?? null), ctx.parentData, this.logger);
    }
    const { decision, runState } = await this.runtime.operate(runId, op);
    if (ctx?.component?.needRunHook) {
      const after = decision.nodes.find((w) => w.record.nodeId === nodeId)?.record ?? ctx.rec;
      await callHook(ctx.component, post, readOnlyData(after?.inputs ?? null, after?.outputs ?? null), { ...ctx.parentData, version: after?.version ?? ctx.parentData.version }, this.logger);
    }
    return this.result(runId, runState, nodeId, decision);
  }

  private async treeNodeKind(runId: string, nodeId: string): Promise<string> {
    return (await this.treeNode(runId, nodeId)).kind;
  }

  private async treeNode(runId: string, nodeId: string): Promise<CompiledNode> {
    const tree = await this.runtime.compiledTree(runId);
    if (!tree) throw new NotFoundError('run', runId);
    const node = tree.nodes.get(nodeId);
    if (!node) throw new NotFoundError('node', nodeId, { runId });
    return node;
  }

  /** The node's component (for hooks and its schedule type) and read-only data; null when not an activity. */
  private async hookContext(
    runId: string,
    nodeId: string,
  ): Promise<{ component?: Service; rec: NodeRecord | null; parentData: ParentData } | null> {
    const node = (await this.treeNode(runId, nodeId)).raw;
    if (node.type !== 'ServiceActivity') return null;
    const component = this.components.has(node.component.code, node.component.version)
      ? this.components.get(node.component.code, node.component.version)
      : undefined;
    const withRun = await this.store.loadNodeWithRun(runId, nodeId);
    const rec = withRun?.node ?? null;
    const parentData: ParentData = Object.freeze({
      runId,
      nodeId,
      version: rec?.version ?? 0,
      pipelineId: rec?.scopeId ?? '',
      loop: rec?.loop ?? 0,
      retries: rec?.retries ?? 0,
      scheduleTimes: rec?.scheduleTimes ?? 0,
      context: Object.freeze({}),
    });
    return { component, rec, parentData };
  }
}

function timeoutResult(d: Decision): TimeoutResult {
  if (!d.dropped) return { applied: true };
  return { applied: false, reason: d.dropped, ...(d.notBefore ? { notBefore: d.notBefore } : {}) };
}

function structuredCloneSafe<T>(v: T): T {
  try {
    return structuredClone(v);
  } catch {
    return v;
  }
}

