import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource, In, type EntityManager } from 'typeorm';
import type { ApplyResult, Decision, EngineEvent } from '../engine/decision';
import type { NodeRecord, ProcessRecord, RunRecord } from '../engine/run-state';
import type { NodeStateName } from '../engine/states';
import type { PipelineTree } from '../model/tree.types';
import {
  RunStore,
  type HistoryRow,
  ALL_SLICE_NEEDS,
  type NewRun,
  type NodeSlice,
  type ProcessSlice,
  type SliceNeeds,
  type RunListFilter,
  type RunRow,
  type RunSnapshot,
  type StoredEvent,
} from '../ports/run-store.port';
import { StaleStateError } from '../ports/stale-state.error';
import { ContextValueEntity } from './entities/context-value.entity';
import { NodeHistoryEntity } from './entities/node-history.entity';
import { NodeStateEntity } from './entities/node-state.entity';
import { RunEventEntity } from './entities/run-event.entity';
import { RunProcessEntity } from './entities/run-process.entity';
import { RunEntity } from './entities/run.entity';
import { isTransientConflict, isUniqueViolation } from './db-errors';
import { runInTransaction, runRead } from './transactions';
import { RunRecordMapper as M } from './run-record.mapper';

const FINAL_RUN_STATES = ['FINISHED', 'REVOKED'];

const eventEntity = (runId: string, e: EngineEvent, createdAt: Date): RunEventEntity =>
  Object.assign(new RunEventEntity(), { runId, nodeId: e.nodeId, eventType: e.type, data: e.data, createdAt });

const compareKeys = (a: string, b: string) => (a < b ? -1 : a > b ? 1 : 0);

const errorCode = (err: unknown) =>
  (err as { driverError?: { code?: string } }).driverError?.code ?? (err as { code?: string }).code ?? 'unknown';

/**
 * TypeORM's deep-partial insert/update typing cannot follow `unknown` JSON columns; the
 * values written are whole entities (or their column subsets), so the cast is sound.
 */
const row = <T = unknown>(value: T | T[] | object): never => value as never;

/**
 * RunStore on TypeORM: the same code serves SQLite (embedded) and MySQL (distributed).
 * On SQLite all work queues on the DataSource's one lock; on MySQL writes are pooled
 * READ COMMITTED transactions (see `transactions.ts`).
 */
@Injectable()
export class TypeormRunStore extends RunStore {
  constructor(@InjectDataSource() private readonly ds: DataSource) {
    super();
  }

  private tx<T>(fn: (m: EntityManager) => Promise<T>): Promise<T> {
    return runInTransaction(this.ds, fn);
  }

  private read<T>(fn: (m: EntityManager) => Promise<T>): Promise<T> {
    return runRead(this.ds, fn);
  }

  async createRun(run: NewRun): Promise<void> {
    await this.tx(async (m) => {
      await m.insert(RunEntity, row<RunEntity>({
        id: run.id,
        pipelineId: run.pipelineId,
        pipelineVersion: run.pipelineVersion,
        rootTreeId: run.tree.id,
        state: run.state,
        businessKey: run.businessKey,
        priority: run.priority,
        inputs: run.inputs,
        outputs: null,
        tree: run.tree,
        converges: run.converges,
        rev: 0,
        createdAt: run.createdAt,
        startedAt: run.state === 'RUNNING' ? run.createdAt : null,
        finishedAt: null,
      }));
      await m.insert(RunProcessEntity, M.processToEntity(run.rootProcess, run.createdAt));
      const ctx = Object.entries(run.context).map(([key, value]) =>
        Object.assign(new ContextValueEntity(), { runId: run.id, scopeId: run.tree.id, key, value }),
      );
      if (ctx.length) await m.insert(ContextValueEntity, row(ctx));
      if (run.events?.length) await m.insert(RunEventEntity, row(run.events.map((e) => eventEntity(run.id, e, run.createdAt))));
    });
  }

  async loadTree(runId: string) {
    const row = await this.read((m) =>
      m.findOne(RunEntity, { where: { id: runId }, select: { id: true, tree: true, converges: true } }),
    );
    return row ? { tree: row.tree as PipelineTree, converges: row.converges ?? {} } : null;
  }

  async loadProcessSlice(
    runId: string,
    processId: string,
    extraNodeIds: string[] = [],
    needs: (process: ProcessRecord) => SliceNeeds = () => ALL_SLICE_NEEDS,
  ): Promise<ProcessSlice | null> {
    return this.read(async (m) => {
      const head = await this.runAndProcess(m, runId, processId);
      if (!head) return null;
      const { run, process } = head;
      const want = needs(process);
      const parent = want.parent && process.parentId ? await this.processRow(m, process.parentId) : null;
      const ids = [...new Set([process.currentNodeId, ...(want.owner ? [process.scopeId] : []), ...extraNodeIds])];
      const nodes = await m.find(NodeStateEntity, { where: { runId, nodeId: In(ids) } });
      const context = want.context ? await this.contextOf(m, runId, process.scopeId) : {};
      return { run, process, parent, nodes: new Map(nodes.map((n) => [n.nodeId, M.nodeFromEntity(n)])), context };
    });
  }

  async loadNodeSlice(runId: string, nodeId: string, withContext: boolean): Promise<NodeSlice | null> {
    return this.read(async (m) => {
      const e = await m.findOne(NodeStateEntity, { where: { runId, nodeId } });
      if (!e) return null;
      const node = M.nodeFromEntity(e);
      const head = await this.runAndProcess(m, runId, node.processId);
      if (!head) return null;
      const context = withContext ? await this.contextOf(m, runId, node.scopeId) : {};
      return { ...head, parent: null, nodes: new Map([[nodeId, node]]), node, context };
    });
  }

  /** The run's state and the process, in one statement. */
  private async runAndProcess(m: EntityManager, runId: string, processId: string): Promise<{ run: RunRecord; process: ProcessRecord } | null> {
    const rows: Record<string, unknown>[] = await m.query(
      'SELECT r.`state` AS run_state, r.`rev` AS run_rev, p.`id`, p.`parent_id`, p.`scope_id`, p.`current_node_id`, ' +
        'p.`destination_id`, p.`state`, p.`pending_children`, p.`rev` ' +
        'FROM `run_process` p JOIN `run` r ON r.`id` = p.`run_id` WHERE p.`id` = ? AND p.`run_id` = ?',
      [processId, runId],
    );
    const r = rows[0];
    if (!r) return null;
    return {
      run: { id: runId, state: r.run_state as RunRecord['state'], rev: Number(r.run_rev) },
      process: {
        id: r.id as string,
        runId,
        parentId: (r.parent_id as string | null) ?? null,
        scopeId: r.scope_id as string,
        currentNodeId: r.current_node_id as string,
        destinationId: (r.destination_id as string | null) ?? null,
        state: r.state as ProcessRecord['state'],
        pendingChildren: Number(r.pending_children),
        rev: Number(r.rev),
      },
    };
  }

  private async processRow(m: EntityManager, id: string): Promise<ProcessRecord | null> {
    const e = await m.findOne(RunProcessEntity, { where: { id } });
    return e ? M.processFromEntity(e) : null;
  }

  private async contextOf(m: EntityManager, runId: string, scopeId: string): Promise<Record<string, unknown>> {
    const rows = await m.find(ContextValueEntity, { where: { runId, scopeId } });
    return Object.fromEntries(rows.map((c) => [c.key, c.value]));
  }

  async loadRunSnapshot(runId: string): Promise<RunSnapshot | null> {
    return this.read(async (m) => {
      const run = await m.findOne(RunEntity, { where: { id: runId }, select: { id: true, state: true, rev: true } });
      if (!run) return null;
      const procs = await m.find(RunProcessEntity, { where: { runId } });
      const nodes = await m.find(NodeStateEntity, { where: { runId } });
      return {
        run: { id: run.id, state: run.state, rev: run.rev },
        processes: procs.map((p) => M.processFromEntity(p)),
        nodes: new Map(nodes.map((n) => [n.nodeId, M.nodeFromEntity(n)])),
      };
    });
  }

  async loadNodeWithRun(runId: string, nodeId: string): Promise<{ run: RunRecord; node: NodeRecord | null } | null> {
    return this.read(async (m) => {
      const run = await m.findOne(RunEntity, { where: { id: runId }, select: { id: true, state: true, rev: true } });
      if (!run) return null;
      const node = await m.findOne(NodeStateEntity, { where: { runId, nodeId } });
      return { run: { id: run.id, state: run.state, rev: run.rev }, node: node ? M.nodeFromEntity(node) : null };
    });
  }

  async loadNode(runId: string, nodeId: string): Promise<NodeRecord | null> {
    const e = await this.read((m) => m.findOne(NodeStateEntity, { where: { runId, nodeId } }));
    return e ? M.nodeFromEntity(e) : null;
  }

  /**
   * Writes a decision in one transaction; every guard (node state@version, process and run rev)
   * is a compare-and-set in the UPDATE's WHERE, checked through the matched-row count (MySQL
   * connects with FOUND_ROWS, so rewriting identical values still counts). Losing any race —
   * a guard, a duplicate insert, a MySQL deadlock or lock wait timeout — rolls everything back
   * and surfaces as `StaleStateError`, so the caller reloads and decides again.
   */
  async apply(runId: string, d: Decision, now: Date): Promise<ApplyResult> {
    try {
      return await this.applyInTransaction(runId, d, now);
    } catch (err) {
      if (err instanceof StaleStateError) throw err;
      if (isUniqueViolation(err)) throw new StaleStateError(`a row of run ${runId} was inserted concurrently`, { runId });
      if (isTransientConflict(err)) throw new StaleStateError(`run ${runId} lost a lock race (${errorCode(err)})`, { runId });
      throw err;
    }
  }

  private async applyInTransaction(runId: string, d: Decision, now: Date): Promise<ApplyResult> {
    // Rows are locked in one order (table by table, by key) so concurrent transitions of one
    // run queue behind each other instead of deadlocking.
    const nodeWrites = [...d.nodes].sort((a, b) => compareKeys(a.record.nodeId, b.record.nodeId));
    const processWrites = [...d.processes].sort((a, b) => compareKeys(a.record.id, b.record.id));
    return this.tx(async (m) => {
      const woken: ApplyResult['woken'] = [];
      for (const w of nodeWrites) {
        const entity = M.nodeToEntity(w.record, now);
        if (!w.expect) {
          // A row inserted meanwhile is a unique violation, surfaced as StaleStateError below.
          await m.insert(NodeStateEntity, row(entity));
          continue;
        }
        const { runId: _r, nodeId: _n, ...fields } = entity;
        const res = await m
          .createQueryBuilder()
          .update(NodeStateEntity)
            .set(row(fields))
          .where('run_id = :runId AND node_id = :nodeId AND state = :state AND version = :version AND callback_seq = :seq', {
            runId,
            nodeId: w.record.nodeId,
            state: w.expect.state,
            version: w.expect.version,
            seq: w.expect.callbackSeq,
          })
          .execute();
        if (res.affected !== 1) {
          throw new StaleStateError(`node ${w.record.nodeId} is no longer ${w.expect.state}@${w.expect.version}`, {
            runId,
            nodeId: w.record.nodeId,
          });
        }
      }
      for (const w of processWrites) {
        const entity = M.processToEntity(w.record, now);
        if (w.expectRev === null) {
          await m.insert(RunProcessEntity, entity);
          continue;
        }
        const { id: _id, ...fields } = entity;
        const res = await m
          .createQueryBuilder()
          .update(RunProcessEntity)
          .set(fields)
          .where('id = :id AND rev = :rev', { id: w.record.id, rev: w.expectRev })
          .execute();
        if (res.affected !== 1) throw new StaleStateError(`process ${w.record.id} moved past rev ${w.expectRev}`, { runId });
      }
      for (const j of d.joins) {
        // An atomic decrement (the row stays locked until commit), then the last joiner wakes
        // the parent: no compare-and-set, so concurrent branches never retry each other.
        const dec = await m
          .createQueryBuilder()
          .update(RunProcessEntity)
          .set({ pendingChildren: () => 'pending_children - 1', rev: () => 'rev + 1', updatedAt: now })
          .where('id = :id AND run_id = :runId AND state = :waiting', { id: j.parentId, runId, waiting: 'WAITING' })
          .execute();
        if (dec.affected !== 1) continue;
        const wake = await m
          .createQueryBuilder()
          .update(RunProcessEntity)
          .set({ state: 'ACTIVE', currentNodeId: j.destinationId })
          .where('id = :id AND state = :waiting AND pending_children <= 0', { id: j.parentId, waiting: 'WAITING' })
          .execute();
        if (wake.affected !== 1) continue;
        const parent = await m.findOne(RunProcessEntity, { where: { id: j.parentId }, select: { id: true, rev: true } });
        woken.push({ processId: j.parentId, rev: parent!.rev });
      }
      for (const scopeId of d.contextResets) {
        await m.delete(ContextValueEntity, { runId, scopeId });
      }
      if (d.context.length) {
        const sorted = [...d.context].sort((a, b) => compareKeys(a.scopeId, b.scopeId) || compareKeys(a.key, b.key));
        const rows = sorted.map((c) =>
          Object.assign(new ContextValueEntity(), { runId, scopeId: c.scopeId, key: c.key, value: c.value }),
        );
        await m.upsert(ContextValueEntity, row(rows), ['runId', 'scopeId', 'key']);
      }
      if (d.run) {
        const { expectRev, ...patch } = d.run;
        const res = await m
          .createQueryBuilder()
          .update(RunEntity)
          .set(row({ ...patch, rev: expectRev + 1 }))
          .where('id = :id AND rev = :rev', { id: runId, rev: expectRev })
          .execute();
        if (res.affected !== 1) throw new StaleStateError(`run ${runId} moved past rev ${expectRev}`, { runId });
      }
      if (d.histories.length) {
        await m.insert(
          NodeHistoryEntity,
          row(d.histories.map((h) => M.historyToEntity(h.kind, h.record, now))),
        );
      }
      if (d.events.length) {
        await m.insert(
          RunEventEntity,
          row(
            d.events.map((e) => eventEntity(runId, e, now)),
          ),
        );
      }
      return { woken };
    });
  }

  private toRunRow(e: RunEntity): RunRow {
    return {
      id: e.id,
      state: e.state,
      rev: e.rev,
      pipelineId: e.pipelineId ?? null,
      pipelineVersion: e.pipelineVersion ?? null,
      rootTreeId: e.rootTreeId,
      businessKey: e.businessKey ?? null,
      priority: e.priority,
      inputs: e.inputs ?? {},
      outputs: e.outputs ?? {},
      createdAt: e.createdAt,
      startedAt: e.startedAt ?? null,
      finishedAt: e.finishedAt ?? null,
    };
  }

  async getRun(runId: string): Promise<RunRow | null> {
    const e = await this.read((m) => m.findOne(RunEntity, { where: { id: runId } }));
    return e ? this.toRunRow(e) : null;
  }

  async listRuns(f: RunListFilter): Promise<{ items: RunRow[]; total: number }> {
    const where: Record<string, unknown> = {};
    if (f.pipelineId) where.pipelineId = f.pipelineId;
    if (f.state) where.state = f.state;
    if (f.businessKey) where.businessKey = f.businessKey;
    const [items, total] = await this.read((m) =>
      m.findAndCount(RunEntity, { where, order: { createdAt: 'DESC', id: 'DESC' }, skip: f.offset, take: f.limit }),
    );
    return { items: items.map((e) => this.toRunRow(e)), total };
  }

  async listNodes(runId: string): Promise<NodeRecord[]> {
    const rows = await this.read((m) => m.find(NodeStateEntity, { where: { runId } }));
    return rows.map((e) => M.nodeFromEntity(e));
  }

  async listHistories(runId: string, nodeId: string): Promise<HistoryRow[]> {
    const rows = await this.read((m) => m.find(NodeHistoryEntity, { where: { runId, nodeId }, order: { id: 'ASC' } }));
    return rows.map((h) => ({
      id: h.id,
      kind: h.kind,
      createdAt: h.createdAt,
      record: {
        runId: h.runId,
        nodeId: h.nodeId,
        scopeId: '',
        processId: '',
        state: h.state,
        version: h.version,
        loop: h.loop,
        retries: h.retries,
        skip: false,
        errorIgnored: false,
        scheduleTimes: 0,
        awaiting: null,
        callbacks: [],
        callbackSeq: 0,
        inputs: h.inputs ?? null,
        outputs: h.outputs ?? null,
        exData: h.exData ?? null,
        startedAt: h.startedAt ?? null,
        finishedAt: h.finishedAt ?? null,
      },
    }));
  }

  async listEvents(runId: string, afterId: number, limit: number): Promise<StoredEvent[]> {
    return this.read((m) =>
      m
        .createQueryBuilder(RunEventEntity, 'e')
        .where('e.run_id = :runId AND e.id > :afterId', { runId, afterId })
        .orderBy('e.id', 'ASC')
        .limit(limit)
        .getMany(),
    );
  }

  async loadContext(runId: string, scopeId: string): Promise<Record<string, unknown>> {
    const rows = await this.read((m) => m.find(ContextValueEntity, { where: { runId, scopeId } }));
    return Object.fromEntries(rows.map((c) => [c.key, c.value]));
  }

  async listLiveProcesses(states: ProcessRecord['state'][], limit: number, updatedBefore?: Date): Promise<ProcessRecord[]> {
    const rows = await this.read((m) => {
      const q = m
        .createQueryBuilder(RunProcessEntity, 'p')
        .innerJoin(RunEntity, 'r', 'r.id = p.run_id')
        .where('p.state IN (:...states) AND r.state NOT IN (:...final)', { states, final: FINAL_RUN_STATES });
      if (updatedBefore) q.andWhere('p.updated_at < :before', { before: updatedBefore });
      return q.orderBy('p.updated_at', 'ASC').limit(limit).getMany();
    });
    return rows.map((e) => M.processFromEntity(e));
  }

  async listLiveNodes(states: NodeStateName[], limit: number, updatedBefore?: Date): Promise<NodeRecord[]> {
    const rows = await this.read((m) => {
      const q = m
        .createQueryBuilder(NodeStateEntity, 'n')
        .innerJoin(RunEntity, 'r', 'r.id = n.run_id')
        .where('n.state IN (:...states) AND r.state NOT IN (:...final)', { states, final: FINAL_RUN_STATES });
      if (updatedBefore) q.andWhere('n.updated_at < :before', { before: updatedBefore });
      return q.orderBy('n.updated_at', 'ASC').limit(limit).getMany();
    });
    return rows.map((e) => M.nodeFromEntity(e));
  }
}
