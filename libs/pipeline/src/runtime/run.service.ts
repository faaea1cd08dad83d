import { Injectable, Logger } from '@nestjs/common';
import { randomUUID } from 'node:crypto';
import { checkTimeoutSeconds, PipelineDefinitionService } from '../definitions/pipeline-definition.service';
import { compileTree } from '../engine/compiled-tree';
import { treeGraph, type TreeGraphView } from '../definitions/tree-graph';
import type { NodeRecord } from '../engine/run-state';
import { renderScopeVariables, varKey } from '../engine/variables';
import type { PipelineTree } from '../model/tree.types';
import { BadRequestError, ConflictError, NotFoundError } from '../errors';
import { RunStore, type RunRow } from '../ports/run-store.port';
import { EngineRuntime } from './engine-runtime.service';
import type {
  EventsPage,
  ListRunsQuery,
  NodeDetailView,
  NodeStateView,
  Page,
  RunEventView,
  RunSummaryView,
  RunView,
  StartInlineRunRequest,
  StartRunRequest,
} from './run-views';

const iso = (d: Date | null | undefined): string | null => (d ? new Date(d).toISOString() : null);

/** Starts runs and answers what they look like. */
@Injectable()
export class RunService {
  private readonly logger = new Logger(RunService.name);

  constructor(
    private readonly store: RunStore,
    private readonly runtime: EngineRuntime,
    private readonly definitions: PipelineDefinitionService,
  ) {}

  /** Start a run of a stored pipeline (latest version unless `version`). 404 unknown pipeline/version. */
  async start(req: StartRunRequest): Promise<RunView> {
    const def = await this.definitions.forRun(req.pipelineId, req.version);
    if (!def.enabled) {
      throw new ConflictError(`pipeline '${req.pipelineId}' is disabled`, { pipelineId: req.pipelineId }, 'PIPELINE_DISABLED');
    }
    const analysed = { tree: def.definition, converges: def.converges };
    // The start call's timeout wins over the definition's (DESIGN §8.3).
    const admissionLock = def.maxConcurrentRuns === null && !def.uniqueBusinessKey ? 'shared' : 'exclusive';
    return this.launch(
      analysed,
      { pipelineId: def.pipelineId, version: def.version, admissionLock },
      { ...req, timeoutSeconds: req.timeoutSeconds ?? def.timeoutSeconds ?? undefined },
    );
  }

  /**
   * Admit what now fits of a definition's PENDING runs (DESIGN §8.4: a raised cap admits at
   * once; also the reconciler's safety net). Returns how many were admitted.
   */
  async admitPending(pipelineId: string): Promise<number> {
    return (await this.runtime.admitPending(pipelineId)).length;
  }

  /** Validate an inline tree (400 InvalidTreeError) and run it once. */
  async startInline(req: StartInlineRunRequest): Promise<RunView> {
    return this.launch(this.definitions.analyse(req.format, req.definition), { pipelineId: null, version: null }, req);
  }

  private async launch(
    { tree, converges }: { tree: PipelineTree; converges: Record<string, string> },
    origin: { pipelineId: string | null; version: number | null; admissionLock?: 'exclusive' | 'shared' },
    req: Omit<StartRunRequest, 'pipelineId' | 'version'>,
  ): Promise<RunView> {
    const inputs = req.inputs ?? {};
    if (typeof inputs !== 'object' || Array.isArray(inputs)) {
      throw new BadRequestError('inputs must be an object', 'INVALID_INPUTS');
    }
    const timeoutSeconds = req.timeoutSeconds === undefined ? null : checkTimeoutSeconds(req.timeoutSeconds);
    const context: Record<string, unknown> = {};
    for (const [k, v] of Object.entries(inputs)) context[varKey(k)] = v;
    const id = randomUUID();
    const now = new Date();
    // Counted from the moment the run is RUNNING: its creation, or its admission when the store holds it PENDING.
    const deadlineAt = timeoutSeconds === null ? null : new Date(now.getTime() + timeoutSeconds * 1000);
    const compiled = compileTree(tree, converges);
    const prepare = {
      pipeline: tree.id,
      root_pipeline_id: id,
      root_pipeline_data: inputs,
      root_pipeline_context: context,
      subprocess_context: {},
    };
    const created = await this.runtime.startRun(
      {
        id,
        pipelineId: origin.pipelineId,
        pipelineVersion: origin.version,
        tree,
        converges,
        state: 'RUNNING',
        businessKey: req.businessKey ?? null,
        priority: req.priority ?? 0,
        inputs,
        context,
        rootProcess: {
          id: randomUUID(),
          runId: id,
          parentId: null,
          scopeId: tree.id,
          currentNodeId: tree.start_event.id,
          destinationId: null,
          state: 'ACTIVE',
          pendingChildren: 0,
          rev: 0,
        },
        createdAt: now,
        timeoutSeconds,
        deadlineAt,
        admissionLock: origin.admissionLock,
        scheduleId: req.scheduleId ?? null,
        scheduledFor: req.scheduledFor ?? null,
        events: [
          { type: 'pre_prepare_run_pipeline', nodeId: null, data: prepare },
          { type: 'post_prepare_run_pipeline', nodeId: null, data: prepare },
        ],
      },
      compiled,
    );
    const pending = created.state === 'PENDING';
    this.logger.log(
      `run ${id}: ${pending ? 'created PENDING (waiting for a concurrency slot)' : 'started'} (tree ${tree.id}${origin.pipelineId ? `, pipeline ${origin.pipelineId} v${origin.version}` : ''}${created.deadlineAt ? `, times out at ${created.deadlineAt.toISOString()}` : ''})`,
    );
    // The run as created (no read back): nodes appear as the engine enters them.
    return {
      id,
      pipelineId: origin.pipelineId,
      version: origin.version,
      state: created.state,
      businessKey: req.businessKey ?? null,
      createdAt: iso(now)!,
      startedAt: pending ? null : iso(now),
      finishedAt: null,
      timeoutSeconds,
      deadlineAt: iso(created.deadlineAt),
      reason: null,
      scheduleId: req.scheduleId ?? null,
      scheduledFor: iso(req.scheduledFor),
      inputs,
      outputs: {},
      nodes: {},
    };
  }

  /**
   * The run's root-scope variables as `{name: value}` (names without `${}`): the tree's
   * `data.inputs` resolved (splices rendered, node outputs once their node finished) under the
   * stored values (run inputs, context updates). 404 for an unknown run.
   */
  async context(runId: string): Promise<Record<string, unknown>> {
    const run = await this.store.getRun(runId);
    if (!run) throw new NotFoundError('run', runId);
    const compiled = await this.runtime.compiledTree(runId);
    if (!compiled) throw new NotFoundError('run', runId);
    const stored = await this.store.loadContext(runId, compiled.rootId);
    return renderScopeVariables(compiled.scope(compiled.rootId), stored);
  }

  async list(query: ListRunsQuery): Promise<Page<RunSummaryView>> {
    const page = Math.max(1, query.page ?? 1);
    const pageSize = Math.min(500, Math.max(1, query.pageSize ?? 20));
    const { items, total } = await this.store.listRuns({
      pipelineId: query.pipelineId,
      state: query.state,
      businessKey: query.businessKey,
      offset: (page - 1) * pageSize,
      limit: pageSize,
    });
    return { items: items.map((r) => this.summary(r)), total, page, pageSize };
  }

  /** 404 NotFoundError for an unknown id. */
  async get(runId: string): Promise<RunView> {
    const run = await this.store.getRun(runId);
    if (!run) throw new NotFoundError('run', runId);
    const nodes = await this.store.listNodes(runId);
    return { ...this.summary(run), inputs: run.inputs, outputs: run.outputs, nodes: nestNodes(run.rootTreeId, nodes) };
  }

  /** The graph of the tree the run runs (its own version, or its inline tree), for drawing (DESIGN §10); 404 unknown. */
  async graph(runId: string): Promise<TreeGraphView> {
    const compiled = await this.runtime.compiledTree(runId);
    if (!compiled) throw new NotFoundError('run', runId);
    return treeGraph(compiled.tree);
  }

  /** 404 for an unknown run, a node id that is not in the run's tree, or a node that has not run yet. */
  async getNode(runId: string, nodeId: string): Promise<NodeDetailView> {
    const run = await this.store.getRun(runId);
    if (!run) throw new NotFoundError('run', runId);
    const compiled = await this.runtime.compiledTree(runId);
    const node = compiled?.nodes.get(nodeId);
    if (!node) throw new NotFoundError('node', nodeId, { runId });
    const rec = await this.store.loadNode(runId, nodeId);
    if (!rec) throw new NotFoundError('node', nodeId, { runId, reason: 'the node has not run' });
    const histories = await this.store.listHistories(runId, nodeId);
    return {
      runId,
      nodeId,
      pipelineId: rec.scopeId,
      type: node.raw.type,
      name: node.name,
      ...stateView(rec),
      inputs: rec.inputs,
      outputs: rec.outputs,
      exData: rec.exData ?? null,
      histories: histories.map((h) => ({
        id: h.id,
        kind: h.kind,
        version: h.record.version,
        loop: h.record.loop,
        retries: h.record.retries,
        state: h.record.state,
        inputs: h.record.inputs,
        outputs: h.record.outputs,
        exData: h.record.exData ?? null,
        startedAt: iso(h.record.startedAt),
        finishedAt: iso(h.record.finishedAt),
      })),
    };
  }

  /**
   * The run's event log in `seq` order (404 for an unknown run), from after `afterSeq`, or
   * from after the event whose id is `afterId` (what clients paged with before `seq`
   * existed; an id the run does not have is a 400). Either way the page starts at a
   * sequence number, so a reader paging on from the last event it got never misses one.
   */
  async events(runId: string, page: EventsPage = {}): Promise<RunEventView[]> {
    const run = await this.store.getRun(runId);
    if (!run) throw new NotFoundError('run', runId);
    const { afterSeq, afterId, limit = 500 } = page;
    if (afterSeq !== undefined && afterId !== undefined) throw new BadRequestError('give afterSeq or afterId, not both', 'INVALID_REQUEST');
    let after = Math.max(0, afterSeq ?? 0);
    if (afterId) {
      const seq = await this.store.findEventSeq(runId, afterId);
      if (seq === null) throw new BadRequestError(`run ${runId} has no event ${afterId}`, 'INVALID_REQUEST', { afterId });
      after = seq;
    }
    const rows = await this.store.listEvents(runId, after, Math.min(5000, Math.max(1, limit)));
    return rows.map((e) => ({
      id: Number(e.id),
      seq: Number(e.seq),
      eventType: e.eventType,
      nodeId: e.nodeId ?? null,
      data: e.data ?? {},
      time: iso(e.createdAt)!,
    }));
  }

  private summary(r: RunRow): RunSummaryView {
    return {
      id: r.id,
      pipelineId: r.pipelineId,
      version: r.pipelineVersion,
      state: r.state,
      businessKey: r.businessKey,
      createdAt: iso(r.createdAt)!,
      startedAt: iso(r.startedAt),
      finishedAt: iso(r.finishedAt),
      timeoutSeconds: r.timeoutSeconds ?? null,
      deadlineAt: iso(r.deadlineAt),
      reason: r.reason ?? null,
      scheduleId: r.scheduleId ?? null,
      scheduledFor: iso(r.scheduledFor),
    };
  }
}

function stateView(r: NodeRecord): Omit<NodeStateView, 'children'> {
  return {
    state: r.state,
    version: r.version,
    loop: r.loop,
    retries: r.retries,
    skip: r.skip,
    ...(r.skipReason ? { skipReason: r.skipReason } : {}),
    errorIgnored: r.errorIgnored,
    startedAt: iso(r.startedAt),
    finishedAt: iso(r.finishedAt),
  };
}

/** Node views keyed by id; a sub-process's nodes go under its `children`, at any depth. */
function nestNodes(rootScopeId: string, records: NodeRecord[]): Record<string, NodeStateView> {
  const views = new Map<string, NodeStateView>(records.map((r) => [r.nodeId, stateView(r)]));
  const top: Record<string, NodeStateView> = {};
  for (const r of records) {
    const view = views.get(r.nodeId)!;
    const owner = r.scopeId === rootScopeId ? undefined : views.get(r.scopeId);
    if (owner) (owner.children ??= {})[r.nodeId] = view;
    else top[r.nodeId] = view;
  }
  return top;
}
