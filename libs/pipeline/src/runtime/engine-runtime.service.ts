import { Inject, Injectable, Logger, Optional } from '@nestjs/common';
import { randomUUID } from 'node:crypto';
import { ComponentRegistry } from '../components/component-registry.service';
import { LazyVariableRegistry } from '../components/lazy-variable-registry.service';
import { ComponentData, type ParentData, type Service } from '../components/service';
import type { CompiledTree } from '../engine/compiled-tree';
import { droppedDecision, type AdmittedRun, type ApplyResult, type Decision, type Effect } from '../engine/decision';
import { branchAdvance, mergeDecisions, ownAdvance, stateAfter, type ChainState } from '../engine/chain';
import { FINAL_RUN_STATES } from '../engine/node-machine';
import { operate, type Operation } from '../engine/operations';
import type { NodeRecord, ProcessRecord } from '../engine/run-state';
import type { RunStateName } from '../engine/states';
import { EngineInvariantError } from '../engine/engine-invariant.error';
import { complete, failOnInvariant, step, type ComponentOutcome } from '../engine/step';
import { isDagWork } from '../engine/dag';
import { needsPickUp, pickUp } from '../engine/node-timeouts';
import { lazyInputKey, lazyVariableKey, renderInputs, ScopeVariables } from '../engine/variables';
import { NotFoundError } from '../errors/not-found.error';
import { PipelineSignals } from '../signals/pipeline-signals.service';
import { PipelineMetrics } from '../metrics/pipeline-metrics.service';
import { callHook } from './component-hooks';
import { JobQueue, type QueuedJob } from '../ports/job-queue.port';
import { ALL_SLICE_NEEDS, RunStore, type CreatedRun, type NewRun, type NodeSlice, type ProcessSlice, type SliceNeeds } from '../ports/run-store.port';
import { StaleStateError } from '../ports/stale-state.error';
import { jobId, type EngineJob } from '../queue/engine-job';
import { DEFAULT_ENGINE_RUNTIME_OPTIONS, ENGINE_RUNTIME_OPTIONS, type EngineRuntimeOptions } from './engine-runtime.options';
import { TreeCache } from './tree-cache';

/** `schedule` calls of a poll due at once made in one go before saving (see `callComponent`). */
const MAX_IMMEDIATE_POLLS = 16;

/** Steps of a process's own way merged into one transaction at most (see `chain`). */
const MAX_CHAINED_STEPS = 8;

/** Branches a fork enters in its own transaction at most (the rest take a step of their own each). */
const MAX_CHAINED_BRANCHES = 128;

/** Compare-and-set conflicts retried before giving the job back to the queue. */
const MAX_STALE_RETRIES = 20;

/**
 * The runtime loop: load → decide (pure core) → save in one transaction → dispatch.
 * Runs in whichever process consumes the engine queue (the embedded app or a worker).
 */
@Injectable()
export class EngineRuntime {
  private readonly logger = new Logger(EngineRuntime.name);
  private readonly trees = new TreeCache();

  constructor(
    private readonly store: RunStore,
    private readonly queue: JobQueue,
    private readonly components: ComponentRegistry,
    private readonly lazyVariables: LazyVariableRegistry,
    private readonly signals: PipelineSignals,
    @Optional() @Inject(ENGINE_RUNTIME_OPTIONS) private readonly options: EngineRuntimeOptions = DEFAULT_ENGINE_RUNTIME_OPTIONS,
    @Optional() private readonly metrics?: PipelineMetrics,
  ) {}

  /**
   * Store a new run and dispatch its first step, unless the store held it `PENDING` for a
   * concurrency slot (DESIGN §8.4): then it is dispatched when admitted (`dispatchAdmitted`).
   */
  async startRun(run: NewRun, compiled: CompiledTree): Promise<CreatedRun> {
    const created = await this.store.createRun(run);
    this.metrics?.runStarted(created.state);
    this.trees.put(run.id, compiled);
    // A new run's events are numbered from 1 (see `NewRun.events`).
    this.signals.publish(run.id, run.events ?? [], 1);
    if (created.deadlineAt) await this.signals.publishRunDeadline({ runId: run.id, deadlineAt: created.deadlineAt });
    if (created.state === 'RUNNING') {
      const { id: processId, rev, currentNodeId: nodeId } = run.rootProcess;
      await this.enqueue([{ kind: 'advance', runId: run.id, processId, rev, nodeId }]);
    }
    return created;
  }

  /**
   * Admit what fits of a definition's PENDING runs now (a raised cap, the reconciler) and
   * dispatch them. Returns the admitted runs.
   */
  async admitPending(pipelineId: string): Promise<AdmittedRun[]> {
    for (let attempt = 0; ; attempt++) {
      try {
        const admitted = await this.store.admitPending(pipelineId, new Date());
        await this.dispatchAdmitted(admitted);
        return admitted;
      } catch (e) {
        if (!(e instanceof StaleStateError) || attempt >= MAX_STALE_RETRIES) throw e;
      }
    }
  }

  /** Runs a transaction admitted (DESIGN §8.4): arm their run timeouts and dispatch their root processes. */
  private async dispatchAdmitted(admitted: AdmittedRun[] | undefined): Promise<void> {
    if (!admitted?.length) return;
    for (const a of admitted) {
      this.logger.log(`run ${a.runId}: admitted${a.deadlineAt ? `, times out at ${a.deadlineAt.toISOString()}` : ''}`);
      if (a.event) this.signals.publish(a.runId, [a.event], a.event.seq);
      if (a.deadlineAt) await this.signals.publishRunDeadline({ runId: a.runId, deadlineAt: a.deadlineAt });
    }
    await this.enqueue(admitted.map((a) => ({ kind: 'advance', runId: a.runId, processId: a.processId, rev: a.rev, nodeId: a.nodeId })));
  }

  /** Handle one job from the queue, walking on inline within a step budget. */
  async handle(first: EngineJob): Promise<void> {
    const work: EngineJob[] = [first];
    let budget = this.options.inlineStepBudget;
    for (let walked = 0; work.length > 0; walked++) {
      // Let the event loop breathe between inline steps: on SQLite every query is synchronous,
      // so a long chain would otherwise keep HTTP requests (and other runs) waiting.
      if (walked > 0) await new Promise<void>((resolve) => setImmediate(resolve));
      const job = work.shift()!;
      const effects = await this.handleOne(job);
      const later: QueuedJob[] = [];
      for (const effect of effects) {
        const next = this.toJob(job.runId, effect);
        const delayed = 'delayMs' in effect && (effect.delayMs ?? 0) > 0;
        // Keep the first immediate step of a chain in this worker: no queue hop per node. The
        // rest (a fork's branches, a DAG's ready works) go to the queue, so other workers (or
        // this one's other slots) run them side by side instead of one after the other here.
        const inline = work.length === 0 && (effect.type === 'advance' || this.options.inlineExecute);
        if (!delayed && budget > 0 && inline) {
          budget--;
          work.push(next);
        } else {
          later.push({ job: next, jobId: jobId(next), delayMs: 'delayMs' in effect ? effect.delayMs : undefined });
        }
      }
      if (later.length) await this.queue.add(later);
    }
  }

  /**
   * Apply an operation (DESIGN §5) to a run: load the whole run, decide (the core throws a
   * 409/404/400 error when the operation is refused), save in one transaction, then emit
   * its events and dispatch its jobs. A concurrent change makes it decide again on fresh state,
   * so identical concurrent operations change state once.
   */
  async operate(runId: string, op: Operation): Promise<{ decision: Decision; runState: RunStateName }> {
    const tree = await this.tree(runId);
    if (!tree) throw new NotFoundError('run', runId);
    for (let attempt = 0; ; attempt++) {
      const snap = await this.store.loadRunSnapshot(runId);
      if (!snap) throw new NotFoundError('run', runId);
      const decision = operate({ tree, ...snap, now: new Date(), newId: randomUUID }, op);
      if (decision.dropped) {
        this.logger.debug(`run ${runId}${'nodeId' in op ? ` node ${op.nodeId}` : ''}: ${op.type} dropped (${decision.dropped})`);
        return { decision, runState: snap.run.state };
      }
      let failed = false;
      let applied: ApplyResult;
      try {
        applied = await this.store.apply(runId, decision, new Date());
        for (const w of applied.woken) decision.effects.push({ type: 'advance', processId: w.processId, rev: w.rev });
        failed = !!applied.failed;
      } catch (e) {
        if (!(e instanceof StaleStateError) || attempt >= MAX_STALE_RETRIES) throw e;
        // Concurrent callers (say, many callbacks at once) retry spread out, not in lockstep.
        if (attempt >= 2) await new Promise((r) => setTimeout(r, Math.random() * 5 * attempt));
        continue;
      }
      this.logger.log(`run ${runId}${'nodeId' in op ? ` node ${op.nodeId}` : ''}: ${op.type}${failed ? ' (run FAILED: nothing left moving)' : ''}`);
      this.countRunEnd(decision, failed);
      await this.signals.publishDecision(runId, decision);
      await this.dispatchAdmitted(applied.admitted);
      if (decision.effects.length) {
        await this.queue.add(decision.effects.map((e) => {
          const job = this.toJob(runId, e);
          return { job, jobId: jobId(job), delayMs: 'delayMs' in e ? e.delayMs : undefined };
        }));
      }
      return { decision, runState: failed ? 'FAILED' : (decision.run?.state ?? snap.run.state) };
    }
  }

  /** A node's inputs (an activity's, or a sub-process's params) rendered now from the run's context. */
  async previewInputs(runId: string, nodeId: string): Promise<Record<string, unknown>> {
    const tree = await this.tree(runId);
    if (!tree) throw new NotFoundError('run', runId);
    const node = tree.nodes.get(nodeId);
    if (!node) throw new NotFoundError('node', nodeId, { runId });
    const raw = node.kind === 'activity' ? tree.activity(nodeId).component.inputs : node.kind === 'subprocess' && node.raw.type === 'SubProcess' ? node.raw.params : undefined;
    if (node.kind !== 'activity' && node.kind !== 'subprocess') return {};
    const context = await this.store.loadContext(runId, node.scopeId);
    const lazy = await this.resolveLazy(tree, node.scopeId, context, runId, nodeId);
    return renderInputs(nodeId, raw ?? {}, new ScopeVariables(tree.scope(node.scopeId), context, lazy), lazy);
  }

  private toJob(runId: string, e: Effect): EngineJob {
    switch (e.type) {
      case 'advance':
        return { kind: 'advance', runId, processId: e.processId, rev: e.rev, ...(e.nodeId ? { nodeId: e.nodeId } : {}) };
      case 'execute':
        return { kind: 'execute', runId, nodeId: e.nodeId, version: e.version };
      case 'schedule':
        return { kind: 'schedule', runId, nodeId: e.nodeId, version: e.version, scheduleTimes: e.scheduleTimes };
    }
  }

  private async enqueue(jobs: EngineJob[]): Promise<void> {
    await this.queue.add(jobs.map((job) => ({ job, jobId: jobId(job) })));
  }

  private async handleOne(job: EngineJob): Promise<Effect[]> {
    switch (job.kind) {
      case 'advance':
        return this.advance(job.runId, job.processId, job.rev, job.nodeId);
      case 'execute':
        return this.runComponent(job.runId, job.nodeId, job.version, 'execute');
      case 'schedule':
        return this.runComponent(job.runId, job.nodeId, job.version, 'schedule', job.scheduleTimes);
    }
  }

  /** A run's compiled tree, parsed once per run and cached. Null for an unknown run. */
  compiledTree(runId: string): Promise<CompiledTree | null> {
    return this.tree(runId);
  }

  private async tree(runId: string): Promise<CompiledTree | null> {
    return this.trees.get(runId, () => this.store.loadTree(runId));
  }

  /**
   * Decide on `first` (or a fresh load), apply; on a compare-and-set conflict reload with
   * `load` and decide again. When the core finds its invariants broken, the node the job is
   * about (`subject`) fails instead (see `failOnInvariant`): a job that throws would be retried
   * into the same error and leave the run RUNNING with nobody told.
   */
  private async decideAndApply(
    runId: string,
    what: string,
    load: () => Promise<ProcessSlice | null>,
    decide: (tree: CompiledTree, slice: ProcessSlice) => Promise<Decision> | Decision,
    subject: (slice: ProcessSlice) => string,
    first?: ProcessSlice,
  ): Promise<Effect[]> {
    const tree = await this.tree(runId);
    if (!tree) {
      this.logger.warn(`run ${runId}: not found, job dropped`);
      return [];
    }
    let slice: ProcessSlice | null | undefined = first;
    for (let attempt = 0; ; attempt++) {
      slice ??= await load();
      if (!slice) {
        this.logger.warn(`run ${runId} ${what}: not found, job dropped`);
        return [];
      }
      const first = await this.decideOrFail(tree, slice, decide, subject(slice));
      if (first.dropped) {
        this.logger.debug(`run ${runId} ${what}: dropped (${first.dropped})`);
        return [];
      }
      const decision = await this.chain(tree, slice, first);
      try {
        const { woken, failed, admitted } = await this.store.apply(runId, decision, new Date());
        for (const w of woken) decision.effects.push({ type: 'advance', processId: w.processId, rev: w.rev, nodeId: decision.joins.find((j) => j.parentId === w.processId)?.destinationId });
        addNodeHints(decision);
        this.logDecision(runId, decision);
        if (failed) this.logger.warn(`run ${runId}: FAILED (a node failed and nothing else can move)`);
        this.countRunEnd(decision, !!failed);
        await this.signals.publishDecision(runId, decision);
        await this.dispatchAdmitted(admitted);
        return decision.effects;
      } catch (e) {
        if (!(e instanceof StaleStateError) || attempt >= MAX_STALE_RETRIES) throw e;
        this.logger.debug(`run ${runId} ${what}: ${e.message}; retrying`);
        slice = undefined;
      }
    }
  }

  /** `decide`, or the subject node failed when the core reports a broken invariant. */
  private async decideOrFail(
    tree: CompiledTree,
    slice: ProcessSlice,
    decide: (tree: CompiledTree, slice: ProcessSlice) => Promise<Decision> | Decision,
    nodeId: string,
  ): Promise<Decision> {
    try {
      return await decide(tree, slice);
    } catch (e) {
      if (!(e instanceof EngineInvariantError)) throw e;
      this.logger.error(
        `run ${slice.run.id} node ${nodeId} (process ${slice.process.id}): engine invariant violated, failing the node: ${e.message} ${JSON.stringify(e.context)}`,
        e.stack,
      );
      return failOnInvariant({ tree, ...slice, now: new Date(), newId: randomUUID }, nodeId, e);
    }
  }

  /**
   * While `d` moves its process on to a node whose row is known (read with the slice, or
   * written by `d`), decide that step too and merge it in: one transaction per transition
   * instead of two (see `engine/chain.ts`). Stops at anything needing another read.
   */
  private async chain(tree: CompiledTree, slice: ProcessSlice, d: Decision): Promise<Decision> {
    if (!slice.lookedUp) return d;
    const base: ChainState = { run: slice.run, process: slice.process, nodes: slice.nodes, context: slice.context };
    let merged = d;
    for (let own = 0, branches = 0; ; ) {
      // The process's own way on first, then the branches a fork in it just started.
      let next = own < MAX_CHAINED_STEPS ? ownAdvance(merged, slice.process.id) : undefined;
      if (next) own++;
      else if (branches < MAX_CHAINED_BRANCHES && (next = branchAdvance(merged, stateAfter(base, merged).process))) branches++;
      if (!next) break;
      const after = stateAfter(base, merged, next.processId);
      const p = after.process;
      if (p.id !== next.processId || p.state !== 'ACTIVE' || p.rev !== next.rev) break;
      if (p.destinationId !== p.currentNodeId) {
        const node = tree.nodes.get(p.currentNodeId);
        // A sub-process's end needs its parent process and owner node: not in this read.
        if (!node || (node.kind === 'end' && tree.scope(p.scopeId).parentNodeId)) break;
        // (A sub-process entered in this decision has a fresh scope: its context is all in `after`.)
        if (!slice.contextLoaded && p.scopeId === slice.process.scopeId && NEEDS_CONTEXT.has(node.kind)) break;
        if (!slice.lookedUp.has(p.currentNodeId) && !after.nodes.has(p.currentNodeId)) break;
      }
      let stepped: Decision;
      try {
        const lazy = await this.resolveLazy(tree, p.scopeId, after.context, slice.run.id, p.currentNodeId);
        const parent = p.id === slice.process.id ? slice.parent : stateAfter(base, merged).process;
        stepped = step({ tree, ...after, parent, lazy, now: new Date(), newId: randomUUID });
      } catch (e) {
        // Save what is decided so far; the advance left in it meets the violation again on its
        // own read and fails that node there (see `decideOrFail`).
        if (e instanceof EngineInvariantError) break;
        throw e;
      }
      if (stepped.dropped || stepped.contextResets.length) break;
      merged = mergeDecisions(merged, stepped, next);
    }
    return merged;
  }

  private logDecision(runId: string, d: Decision): void {
    for (const e of d.events) {
      if (e.type === 'node_execute_fail' || e.type === 'node_schedule_fail') {
        this.logger.warn(`run ${runId} node ${e.nodeId}: ${e.type} ${JSON.stringify(e.data.ex_data)}`);
      } else if (e.type === 'pipeline_finish') {
        this.logger.log(`run ${runId}: finished`);
      }
    }
  }

  private async advance(runId: string, processId: string, rev: number, nodeId?: string): Promise<Effect[]> {
    const tree = await this.tree(runId);
    // Knowing the node it enters, read the rows it may walk into too, so those steps chain.
    // (A DAG's steps read every work's row: without the hint, still read them.)
    const ahead = tree && nodeId && tree.nodes.has(nodeId) ? lookahead(tree, nodeId) : (tree?.root.dag?.order ?? []);
    const load = () =>
      this.store.loadProcessSlice(runId, processId, ahead, (p) => {
        const needs = sliceNeeds(tree, p);
        // Steps chained after this one may render inputs or conditions: read the context too.
        return ahead.length && !needs.context ? { ...needs, context: true } : needs;
      });
    return this.decideAndApply(
      runId,
      `process ${processId}`,
      load,
      async (tree, slice) => {
        if (slice.process.rev !== rev) return droppedDecision(`process rev ${slice.process.rev}, job for ${rev}`);
        const lazy = await this.resolveLazy(tree, slice.process.scopeId, slice.context, slice.run.id, slice.process.currentNodeId);
        return step({ tree, ...slice, lazy, now: new Date(), newId: randomUUID });
      },
      (slice) => slice.process.currentNodeId,
    );
  }

  /** Values of lazy variables of the scope and lazy inputs of the node about to be entered. */
  private async resolveLazy(
    tree: CompiledTree,
    scopeId: string,
    context: Record<string, unknown>,
    runId: string,
    nodeId: string,
  ): Promise<Map<string, unknown>> {
    const out = new Map<string, unknown>();
    const scope = tree.scope(scopeId);
    const node = tree.nodes.get(nodeId);
    const wanted: { key: string; code: string | undefined; value: unknown }[] = [];
    if (node && (node.kind === 'activity' || node.kind === 'subprocess' || node.kind === 'exclusive' || node.kind === 'conditional_parallel')) {
      for (const [key, def] of Object.entries(scope.variables)) {
        if (def?.type === 'lazy') wanted.push({ key: lazyVariableKey(scope.id, key), code: def.custom_type, value: def.value });
      }
      if (node.kind === 'activity') {
        for (const [key, input] of Object.entries(tree.activity(nodeId).component.inputs ?? {})) {
          if (input?.type === 'lazy') wanted.push({ key: lazyInputKey(nodeId, key), code: input.custom_type, value: input.value });
        }
      }
    }
    for (const w of wanted) {
      if (!w.code || !this.lazyVariables.has(w.code)) {
        out.set(w.key, w.value);
        continue;
      }
      out.set(w.key, await this.lazyVariables.get(w.code).getValue({ value: w.value, context, runId }));
    }
    return out;
  }

  /** Counts a run that a committed decision ended (`failed`: the store settled it FAILED). */
  private countRunEnd(d: Decision, failed: boolean): void {
    const state = failed ? 'FAILED' : d.run?.state;
    if (state === 'FINISHED' || state === 'FAILED' || state === 'REVOKED') this.metrics?.runEnded(state);
  }

  /** Run a component's execute (or schedule) outside any transaction, then record the outcome. */
  private async runComponent(
    runId: string,
    nodeId: string,
    version: number,
    phase: 'execute' | 'schedule',
    scheduleTimes = 0,
  ): Promise<Effect[]> {
    const tree = await this.tree(runId);
    // Read once, before the component runs; the outcome is decided on this same read and only
    // reloaded if the node changed meanwhile (the compare-and-set says so).
    // A DAG work's outcome re-evaluates its DAG: every work's row and the coordinator are read with it.
    const dagWork = !!tree && isDagWork(tree, nodeId);
    const ahead = tree ? lookahead(tree, nodeId) : [];
    let slice = tree ? await this.store.loadNodeSlice(runId, nodeId, true, ahead, dagWork) : null;
    const rec = slice?.node;
    if (!tree || !slice || !rec || rec.state !== 'RUNNING' || rec.version !== version || tree.nodes.get(nodeId)?.kind !== 'activity') {
      this.logger.debug(`run ${runId} node ${nodeId}: ${phase} for version ${version} is stale, dropped`);
      return [];
    }
    // A DAG work's outcome re-evaluates its DAG (every work's row and the coordinator); result
    // bindings read the scope's variables: a reload for them needs the context too.
    const reload = () =>
      this.store.loadNodeSlice(runId, nodeId, !!tree.activity(nodeId).results?.length, dagWork ? ahead : [], dagWork);
    const decide = (outcome: ComponentOutcome) => (t: CompiledTree, s: ProcessSlice) =>
      complete({ tree: t, ...s, nodeId, version, outcome, now: new Date(), newId: randomUUID });
    if (FINAL_RUN_STATES.has(slice.run.state)) {
      // Never run a component of a revoked run (bamboo PR #275); tidy the node row instead.
      this.logger.debug(`run ${runId} node ${nodeId}: run is ${slice.run.state}, ${phase} dropped`);
      return this.decideAndApply(runId, `node ${nodeId}`, reload, decide({ ok: false, outputs: {}, finished: true, phase }), () => nodeId, slice);
    }
    if (phase === 'schedule' && rec.scheduleTimes !== scheduleTimes) return [];
    if (phase === 'execute' && needsPickUp(tree.activity(nodeId).timeout)) {
      // DESIGN §8.3: the queue time ends and the running time starts here (only nodes with a timeout pay this write).
      const picked = await this.pickUp(slice, version, () => this.store.loadNodeSlice(runId, nodeId, true, ahead, dagWork));
      if (!picked) return [];
      slice = picked;
    }
    const started = slice;
    const outcome = await this.withHeartbeat(started.node, () => this.callComponent(tree, started.node, phase, started.context));
    return this.decideAndApply(runId, `node ${nodeId}`, reload, decide(outcome), () => nodeId, started);
  }

  /**
   * Records that a worker began the execute of this node life (`pickUp`), deciding again on a
   * fresh read when it races another write. Answers the slice as it is after the write (the
   * outcome is decided on it), or null when the node moved on meanwhile (a queue timeout
   * renewed it, say): the job is then stale and dropped.
   */
  private async pickUp(slice: NodeSlice, version: number, load: () => Promise<NodeSlice | null>): Promise<NodeSlice | null> {
    const { run, node } = slice;
    for (let attempt = 0, current: NodeSlice | null = slice; ; attempt++) {
      if (!current) return null;
      const d = pickUp({ run: current.run, nodes: current.nodes, now: new Date() }, node.nodeId, version);
      if (d.dropped) {
        if (current.node.state === 'RUNNING' && current.node.version === version && current.node.pickedUpAt) return current;
        this.logger.debug(`run ${run.id} node ${node.nodeId}: execute for version ${version} is stale (${d.dropped}), dropped`);
        return null;
      }
      try {
        await this.store.apply(run.id, d, new Date());
        const written = d.nodes[0].record;
        const nodes = new Map(current.nodes).set(written.nodeId, written);
        return { ...current, node: written, nodes };
      } catch (e) {
        if (!(e instanceof StaleStateError) || attempt >= MAX_STALE_RETRIES) throw e;
        current = await load();
      }
    }
  }

  /** Runs `work` while touching the node row every `heartbeatMs` (see EngineRuntimeOptions). */
  private async withHeartbeat<T>(rec: NodeRecord, work: () => Promise<T>): Promise<T> {
    const every = this.options.heartbeatMs;
    if (!every) return work();
    const timer = setInterval(() => {
      this.store.touchNode(rec.runId, rec.nodeId, rec.version).catch((e: unknown) => {
        this.logger.warn(`run ${rec.runId} node ${rec.nodeId}: heartbeat failed: ${(e as Error)?.message ?? e}`);
      });
    }, every);
    timer.unref();
    try {
      return await work();
    } finally {
      clearInterval(timer);
    }
  }

  private async callComponent(
    tree: CompiledTree,
    rec: NodeRecord,
    phase: 'execute' | 'schedule',
    storedContext: Record<string, unknown>,
  ): Promise<ComponentOutcome> {
    const act = tree.activity(rec.nodeId);
    let component: Service;
    try {
      component = this.components.get(act.component.code, act.component.version);
    } catch (e) {
      return { ok: false, outputs: {}, exData: (e as Error).message, finished: true, phase };
    }
    const context = new ScopeVariables(tree.scope(rec.scopeId), storedContext);
    const data = new ComponentData({ ...(rec.inputs ?? {}) }, { ...(rec.outputs ?? {}) });
    const parentData: ParentData = {
      runId: rec.runId,
      nodeId: rec.nodeId,
      version: rec.version,
      pipelineId: rec.scopeId,
      loop: rec.loop,
      retries: rec.retries,
      scheduleTimes: rec.scheduleTimes,
      context: Object.freeze(safeSnapshot(context)),
    };
    // A callback-driven schedule processes the oldest accepted callback.
    const consumedCallback = phase === 'schedule' && rec.callbacks.length > 0;
    const callbackData = consumedCallback ? rec.callbacks[0] : undefined;
    if (phase === 'execute') await callHook(component, 'nodeEnter', data, parentData, this.logger);
    let call = phase;
    let ok = true;
    let exData: unknown;
    let threw = false;
    let finished = false;
    let schedules = 0;
    let pollDelayMs: number | undefined;
    const began = performance.now();
    for (let immediate = 0; ; immediate++) {
      parentData.scheduleTimes = rec.scheduleTimes + schedules;
      try {
        const result =
          call === 'execute' ? await component.execute(data, parentData) : await component.schedule(data, parentData, callbackData);
        ok = result !== false;
        if (!ok) exData = data.outputs.ex_data;
      } catch (e) {
        ok = false;
        threw = true;
        exData = data.outputs.ex_data ?? (e instanceof Error ? e.message : String(e));
        this.logger.warn(`run ${rec.runId} node ${rec.nodeId}: ${call} threw: ${(e as Error)?.stack ?? e}`);
      }
      if (call === 'schedule') schedules++;
      finished = !component.scheduleType || data.scheduleFinished;
      if (!ok || finished || component.scheduleType !== 'poll') break;
      pollDelayMs = Math.max(0, Math.round(component.pollIntervalSeconds(data, rec.scheduleTimes + schedules) * 1000));
      // A poll due at once is called right here, not through a saved state and a queued job.
      if (pollDelayMs > 0 || immediate >= MAX_IMMEDIATE_POLLS) break;
      pollDelayMs = undefined;
      call = 'schedule';
    }
    this.metrics?.nodeExecuted(act.component.code, phase, threw ? 'error' : ok ? 'ok' : 'failed', (performance.now() - began) / 1000);
    if (threw) {
      await callHook(component, call === 'execute' ? 'nodeExecuteException' : 'nodeScheduleException', data, parentData, this.logger, callbackData);
    }
    const retrying = !!act.retry && rec.retries < act.retry.max;
    if (!ok && !act.error_ignorable) {
      await callHook(component, call === 'execute' ? 'nodeExecuteFail' : 'nodeScheduleFail', data, parentData, this.logger, callbackData);
    } else if ((ok && finished) || (!ok && !retrying)) {
      await callHook(component, 'nodeFinish', data, parentData, this.logger);
    }
    const outcome: ComponentOutcome = { ok, outputs: data.outputs, exData, finished, phase: call, schedules, threw, consumedCallback };
    if (ok && !finished && phase === 'execute' && data.externalTask) outcome.offer = data.externalTask;
    if (pollDelayMs !== undefined) outcome.pollDelayMs = pollDelayMs;
    return outcome;
  }
}


/** The scope's variables for a component; a variable that cannot render is left out rather than failing the node. */
function safeSnapshot(scope: ScopeVariables): Record<string, unknown> {
  try {
    return scope.snapshot();
  } catch {
    return {};
  }
}

/**
 * What a step of `p` reads besides its run and node rows: conditions, inputs and outputs need
 * the scope's context; a sub-process's end also finishes the owning node and wakes the parent.
 */
function sliceNeeds(tree: CompiledTree | null, p: ProcessRecord): SliceNeeds {
  const node = p.destinationId === p.currentNodeId ? undefined : tree?.nodes.get(p.currentNodeId);
  // A DAG work that fails as it is entered re-evaluates its DAG: it needs the coordinator.
  if (node?.kind === 'activity' && tree && isDagWork(tree, node.id)) return DAG_WORK_NEEDS;
  switch (node?.kind) {
    case undefined:
    case 'start':
    case 'converge':
    case 'parallel':
      return NO_NEEDS;
    case 'end':
      return ALL_SLICE_NEEDS;
    default:
      return CONTEXT_ONLY;
  }
}

/** Node kinds whose step reads the scope's context (inputs, params, conditions, outputs). */
const NEEDS_CONTEXT: ReadonlySet<string> = new Set(['activity', 'subprocess', 'exclusive', 'conditional_parallel', 'end']);

const NO_NEEDS: SliceNeeds = Object.freeze({ parent: false, context: false, owner: false });
const DAG_WORK_NEEDS: SliceNeeds = Object.freeze({ parent: true, context: true, owner: false });
const CONTEXT_ONLY: SliceNeeds = Object.freeze({ parent: false, context: true, owner: false });

/**
 * Nodes a completing activity's process may walk into next without a decision of its own:
 * along single flows (converge gateways, start events), and every target of an exclusive or
 * parallel gateway. Their rows are read with the node's, so those steps chain into one transaction.
 */
function lookahead(tree: CompiledTree, nodeId: string): string[] {
  const out: string[] = [];
  let cur = tree.nodes.get(nodeId);
  // In a DAG scope, starting it or settling a work evaluates every work's rule: read them all.
  const dag = cur && (cur.kind === 'start' || cur.kind === 'activity') ? tree.scope(cur.scopeId).dag : undefined;
  if (dag) return dag.order;
  const intoSub = (): void => {
    // Entering a sub-process starts its process at its start event, which chains on too
    // (not into a DAG scope, whose first step reads every work's row).
    if (cur?.kind !== 'subprocess') return;
    const sub = tree.scope(cur.id);
    if (sub.dag) return;
    out.push(sub.startId);
    cur = tree.nodes.get(sub.startId);
  };
  intoSub();
  for (let depth = 0; cur && depth < 4 && out.length < 16; depth++) {
    // An exclusive gateway takes one of its targets; a parallel one forks into all of them,
    // and the fork enters each branch's first node in the same transaction (see `chain`).
    if (cur.kind === 'exclusive' || cur.kind === 'parallel') {
      out.push(...cur.outgoing.map((o) => o.target));
      break;
    }
    if (cur.outgoing.length !== 1) break;
    const target = cur.outgoing[0].target;
    out.push(target);
    cur = tree.nodes.get(target);
    intoSub();
    if (!cur || (cur.kind !== 'converge' && cur.kind !== 'exclusive' && cur.kind !== 'parallel' && cur.kind !== 'start')) break;
  }
  return out;
}

/** Tells each advance effect which node its process will enter (see `lookahead`). */
function addNodeHints(d: Decision): void {
  for (const e of d.effects) {
    if (e.type !== 'advance' || e.nodeId) continue;
    const p = d.processes.find((w) => w.record.id === e.processId)?.record;
    if (p) e.nodeId = p.currentNodeId;
  }
}
