import { Injectable, Logger } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource, type EntityManager, type QueryRunner } from 'typeorm';
import type { AdmittedRun, ApplyResult, Decision } from '../engine/decision';
import type { NodeRecord, ProcessRecord, RunRecord } from '../engine/run-state';
import type { NodeStateName } from '../engine/states';
import type { PipelineTree } from '../model/tree.types';
import {
  RunStore,
  type CreatedRun,
  type HistoryRow,
  ALL_SLICE_NEEDS,
  type NodeKey,
  type NewRun,
  type NodeSlice,
  type ProcessSlice,
  type SliceNeeds,
  type RunListFilter,
  type RunDeadline,
  type RunRow,
  type RunSnapshot,
  type StoredEvent,
} from '../ports/run-store.port';
import { StaleStateError } from '../ports/stale-state.error';
import { ContextValueEntity } from './entities/context-value.entity';
import { NodeHistoryEntity } from './entities/node-history.entity';
import { NodeStateEntity } from './entities/node-state.entity';
import { RunEventEntity } from './entities/run-event.entity';
import { numberEventsSteps, unnumberedEventsQuery } from './event-numbering-sql';
import { RunProcessEntity } from './entities/run-process.entity';
import { RunEntity } from './entities/run.entity';
import { isTransientConflict, isUniqueViolation } from './db-errors';
import { isMysqlFamily, runOnSqlite, runRead, type SqliteDatabase, type SqliteStatement } from './transactions';
import { RunRecordMapper as M } from './run-record.mapper';
import { RunSql, type Sql, type Statement } from './run-sql';
import {
  AdmissionLockTooWeak,
  admitAfterRunEnded,
  admitNewRun,
  admitPendingRuns,
  definitionById,
  runStepsAsync,
  runStepsSync,
  type AdmissionSteps,
  type StepResult,
} from './admission-sql';

/** `lastInsertId`: MySQL's insert id of the statement (for `LAST_INSERT_ID(expr)` in an UPDATE, expr). */
type StatementResult = { affected?: number; rows?: Record<string, unknown>[]; lastInsertId?: number };

const FINAL_RUN_STATES = ['FINISHED', 'REVOKED'];



const errorCode = (err: unknown) =>
  (err as { driverError?: { code?: string } }).driverError?.code ?? (err as { code?: string }).code ?? 'unknown';


/**
 * RunStore on TypeORM: the same code serves SQLite (embedded) and MySQL (distributed).
 * On SQLite all work queues on the DataSource's one lock; on MySQL writes are pooled
 * READ COMMITTED transactions (see `transactions.ts`).
 */
@Injectable()
export class TypeormRunStore extends RunStore {
  private readonly sql: RunSql;
  private readonly logger = new Logger(TypeormRunStore.name);

  constructor(@InjectDataSource() private readonly ds: DataSource) {
    super();
    this.sql = new RunSql(isMysqlFamily(ds));
  }

  private read<T>(fn: (m: EntityManager) => Promise<T>): Promise<T> {
    return runRead(this.ds, fn);
  }

  /**
   * One transaction. A run of a stored definition is admitted in it (DESIGN §8.4, see
   * `admission-sql.ts`): under the definition's row lock its business key is checked and its
   * slot counted, so it is created RUNNING or PENDING. On MySQL an inline run is one round
   * trip (inserts only: nothing to check before COMMIT); a definition's run adds the
   * admission reads before it.
   */
  async createRun(run: NewRun): Promise<CreatedRun> {
    const admitted = !!run.pipelineId && run.state === 'RUNNING';
    if (!this.sql.mysql) {
      return runOnSqlite(this.ds, (db) =>
        db.transaction(() => {
          const created = admitted ? runStepsSync(admitNewRun(this.sql, run, 'exclusive'), (st) => this.sqliteStep(db, st)) : this.asGiven(run);
          this.sql.createRunStatements({ ...run, ...created }).forEach((st) => this.sqliteRun(db, st));
          return created;
        })(),
      );
    }
    // The caller's hint picks the lock; a definition that changed under it is started over exclusively.
    try {
      return await this.createRunOnMysql(run, admitted, run.admissionLock ?? 'exclusive');
    } catch (e) {
      if (!(e instanceof AdmissionLockTooWeak)) throw e;
      return this.createRunOnMysql(run, admitted, 'exclusive');
    }
  }

  private async createRunOnMysql(run: NewRun, admitted: boolean, lock: 'exclusive' | 'shared'): Promise<CreatedRun> {
    const qr = this.ds.createQueryRunner();
    try {
      await qr.connect();
      let created = this.asGiven(run);
      const head = ['SET TRANSACTION ISOLATION LEVEL READ COMMITTED', 'START TRANSACTION'];
      try {
        if (admitted) {
          await qr.query(head.join(';\n'));
          head.length = 0;
          created = await runStepsAsync(admitNewRun(this.sql, run, lock), (st) => this.mysqlStep(qr, st));
        }
        const statements = this.sql.createRunStatements({ ...run, ...created });
        const texts = [...head, ...statements.map((st) => st.text), 'COMMIT'];
        await qr.query(texts.join(';\n'), statements.flatMap((st) => st.params));
      } catch (e) {
        await qr.query('ROLLBACK').catch(() => undefined);
        if (isTransientConflict(e)) throw new StaleStateError(`run ${run.id} lost a lock race at admission (${errorCode(e)})`, { runId: run.id });
        throw e;
      }
      return created;
    } finally {
      await qr.release();
    }
  }

  private asGiven(run: NewRun): CreatedRun {
    return { state: run.state, deadlineAt: run.deadlineAt ?? null };
  }

  /**
   * Admits PENDING runs of a definition into its free slots, in one transaction (DESIGN §8.4):
   * what a raised cap and the reconciler call. Returns the admitted runs to dispatch.
   */
  async admitPending(pipelineId: string, now: Date): Promise<AdmittedRun[]> {
    try {
      if (!this.sql.mysql) {
        return await runOnSqlite(this.ds, (db) =>
          db.transaction(() => runStepsSync(admitPendingRuns(this.sql, definitionById(pipelineId), now), (st) => this.sqliteStep(db, st)))(),
        );
      }
      const qr = this.ds.createQueryRunner();
      try {
        await qr.connect();
        await qr.query('SET TRANSACTION ISOLATION LEVEL READ COMMITTED;\nSTART TRANSACTION');
        try {
          const admitted = await runStepsAsync(admitPendingRuns(this.sql, definitionById(pipelineId), now), (st) => this.mysqlStep(qr, st));
          await qr.query('COMMIT');
          return admitted;
        } catch (e) {
          await qr.query('ROLLBACK').catch(() => undefined);
          throw e;
        }
      } finally {
        await qr.release();
      }
    } catch (err) {
      if (isTransientConflict(err)) throw new StaleStateError(`admission of pipeline ${pipelineId} lost a lock race (${errorCode(err)})`, { pipelineId });
      throw err;
    }
  }

  async listPipelinesWithPendingRuns(limit: number): Promise<string[]> {
    const rows = await this.read((m) =>
      m.query("SELECT DISTINCT `pipeline_id` FROM `run` WHERE `state` = 'PENDING' AND `pipeline_id` IS NOT NULL LIMIT " + Math.max(1, Math.floor(limit))),
    );
    return (rows as Record<string, unknown>[]).map((r) => r.pipeline_id as string);
  }

  private sqliteStep(db: SqliteDatabase, st: Sql): StepResult {
    const r = this.sqliteRun(db, st);
    return { rows: r.rows ?? [], affected: r.affected ?? 0 };
  }

  private async mysqlStep(qr: QueryRunner, st: Sql): Promise<StepResult> {
    const raw = (await qr.query(st.text, st.params)) as unknown;
    if (Array.isArray(raw)) return { rows: raw as Record<string, unknown>[], affected: raw.length };
    return { rows: [], affected: Number((raw as { affectedRows?: number }).affectedRows ?? 0) };
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
    const sql = this.sql;
    if (sql.mysql) {
      // One round trip: everything a step may need (the extra rows cost the server little).
      // Processes before node rows (the statements are not one snapshot): see `loadNodeSlice`.
      const [head, parent, nodes, ctx] = await this.batchRead([
        sql.runAndProcess(runId, processId),
        sql.parentOf(processId),
        sql.nodesOfProcess(runId, processId, extraNodeIds),
        sql.contextOfProcess(runId, processId),
      ]);
      if (!head[0]) return null;
      const process = sql.processFromRow(head[0]);
      return {
        run: sql.runFromRow(runId, head[0]),
        process,
        parent: parent[0] ? sql.processFromRow(parent[0]) : null,
        nodes: new Map(nodes.map((r) => [r.node_id as string, sql.nodeFromRow(r)])),
        context: sql.contextFromRows(ctx),
        lookedUp: new Set([process.currentNodeId, process.scopeId, ...extraNodeIds]),
        contextLoaded: true,
      };
    }
    return runOnSqlite(this.ds, (db) => {
      const [head] = this.sqliteAll(db, sql.runAndProcess(runId, processId));
      if (!head) return null;
      const process = sql.processFromRow(head);
      const want = needs(process);
      const ids = [...new Set([process.currentNodeId, ...(want.owner ? [process.scopeId] : []), ...extraNodeIds])];
      const nodes = this.sqliteAll(db, sql.nodes(runId, ids));
      const ctx = want.context ? this.sqliteAll(db, sql.context(runId, process.scopeId)) : [];
      const parent = want.parent && process.parentId ? this.sqliteAll(db, sql.processById(process.parentId))[0] : undefined;
      return {
        run: sql.runFromRow(runId, head),
        process,
        parent: parent ? sql.processFromRow(parent) : null,
        nodes: new Map(nodes.map((r) => [r.node_id as string, sql.nodeFromRow(r)])),
        context: sql.contextFromRows(ctx),
        lookedUp: new Set(ids),
        contextLoaded: want.context,
      };
    });
  }

  async loadNodeSlice(
    runId: string,
    nodeId: string,
    withContext: boolean,
    lookahead: string[] = [],
    withParent = false,
  ): Promise<NodeSlice | null> {
    const sql = this.sql;
    const ids = [...new Set([nodeId, ...lookahead])];
    // On MySQL the batch's SELECTs are not one snapshot: a commit may land between two of them.
    // The parent (a DAG's coordinator) is read FIRST: every decision that settles a work writes
    // the work's row and the coordinator in one transaction, so node rows read after the
    // coordinator are at least as new as it is, and a decision built on rows older than the
    // coordinator's rev it guards on cannot happen (it would evaluate rules on a stale view).
    const statements = [
      withParent ? sql.parentOfNodeProcess(runId, nodeId) : null,
      sql.nodes(runId, ids),
      sql.runAndProcessOfNode(runId, nodeId),
      withContext ? sql.contextOfNode(runId, nodeId) : null,
    ].filter((st): st is Sql => st !== null);
    const results = sql.mysql
      ? await this.batchRead(statements)
      : await runOnSqlite(this.ds, (db) => statements.map((st) => this.sqliteAll(db, st)));
    const parentRow = withParent ? results.shift()![0] : undefined;
    const [nodeRows, head] = results;
    const ctx = withContext ? results[2] : [];
    const nodes = new Map(nodeRows.map((r) => [r.node_id as string, sql.nodeFromRow(r)]));
    const node = nodes.get(nodeId);
    if (!node || !head[0]) return null;
    return {
      run: sql.runFromRow(runId, head[0]),
      process: sql.processFromRow(head[0]),
      parent: parentRow ? sql.processFromRow(parentRow) : null,
      nodes,
      node,
      context: sql.contextFromRows(ctx),
      lookedUp: new Set(ids),
      contextLoaded: withContext,
    };
  }

  /** SELECTs as one multi-statement round trip (MySQL). */
  private async batchRead(statements: Sql[]): Promise<Record<string, unknown>[][]> {
    const raw = await this.ds.query(statements.map((st) => st.text).join(';\n'), statements.flatMap((st) => st.params));
    return (statements.length === 1 ? [raw] : raw) as Record<string, unknown>[][];
  }

  /** Prepared statements of the SQLite connection, by text (a few dozen distinct texts in practice). */
  private readonly sqliteStatements = new Map<string, SqliteStatement>();

  private sqliteStatement(db: SqliteDatabase, text: string): SqliteStatement {
    let st = this.sqliteStatements.get(text);
    if (!st) {
      if (this.sqliteStatements.size >= 1000) this.sqliteStatements.clear();
      st = db.prepare(text);
      this.sqliteStatements.set(text, st);
    }
    return st;
  }

  private sqliteAll(db: SqliteDatabase, st: Sql): Record<string, unknown>[] {
    return this.sqliteStatement(db, st.text).all(...st.params.map(sqliteValue)) as Record<string, unknown>[];
  }

  private sqliteRun(db: SqliteDatabase, st: Sql): StatementResult {
    const prepared = this.sqliteStatement(db, st.text);
    const params = st.params.map(sqliteValue);
    if (!prepared.reader) return { affected: prepared.run(...params).changes };
    // A reader is a SELECT, or a write with RETURNING (one row per row it changed).
    const rows = prepared.all(...params) as Record<string, unknown>[];
    return { rows, affected: rows.length };
  }

  async touchNode(runId: string, nodeId: string, version: number): Promise<void> {
    await this.read((m) =>
      m.query("UPDATE `node_state` SET `updated_at` = ? WHERE `run_id` = ? AND `node_id` = ? AND `version` = ? AND `state` = 'RUNNING'", [
        this.sql.date(new Date()),
        runId,
        nodeId,
        version,
      ]),
    );
  }

  async loadRunSnapshot(runId: string): Promise<RunSnapshot | null> {
    return this.read(async (m) => {
      const run = await m.findOne(RunEntity, { where: { id: runId }, select: { id: true, state: true, rev: true, deadlineAt: true } });
      if (!run) return null;
      const procs = await m.find(RunProcessEntity, { where: { runId } });
      const nodes = await m.find(NodeStateEntity, { where: { runId } });
      return {
        run: { id: run.id, state: run.state, rev: run.rev, deadlineAt: run.deadlineAt ?? null },
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
      // A cap set while this run ended (under the shared lock): decide and apply again.
      if (err instanceof AdmissionLockTooWeak) throw new StaleStateError(err.message, { runId });
      if (isUniqueViolation(err)) throw new StaleStateError(`a row of run ${runId} was inserted concurrently`, { runId });
      if (isTransientConflict(err)) throw new StaleStateError(`run ${runId} lost a lock race (${errorCode(err)})`, { runId });
      throw err;
    }
  }

  private async applyInTransaction(runId: string, d: Decision, now: Date): Promise<ApplyResult> {
    const statements = this.sql.decisionStatements(runId, d, now);
    if (statements.length === 0) return { woken: [] };
    // The run ends holding a slot: admit the next PENDING runs of its definition before COMMIT.
    const admit = d.run?.releasesSlot ? () => admitAfterRunEnded(this.sql, runId, now) : undefined;
    return this.sql.mysql ? this.applyOnMysql(runId, statements, admit) : this.applyOnSqlite(runId, statements, admit);
  }

  /**
   * MySQL: the whole transaction goes as one multi-statement batch (one round trip), then
   * COMMIT or ROLLBACK once the guards' matched-row counts are checked.
   */
  private async applyOnMysql(runId: string, statements: Statement[], admit?: () => AdmissionSteps<AdmittedRun[]>): Promise<ApplyResult> {
    // Admission reads between the guards and COMMIT, so COMMIT cannot travel with the batch.
    const fold = !admit && (await this.canFoldCommit());
    const qr = this.ds.createQueryRunner();
    let open = false;
    try {
      await qr.connect();
      const head = ['SET TRANSACTION ISOLATION LEVEL READ COMMITTED', 'START TRANSACTION'];
      // With `fold`, each guard is followed by a check that aborts the batch when it did not
      // hold, so COMMIT can travel in the same batch: one round trip per transition.
      const texts: string[] = [...head];
      const resultIndex: number[] = [];
      for (const st of statements) {
        resultIndex.push(texts.length);
        texts.push(st.text);
        if (fold && st.role.kind === 'guard') texts.push(GUARD_CHECK);
      }
      if (fold) texts.push('COMMIT');
      open = true;
      let raw: unknown[];
      try {
        raw = (await qr.query(texts.join(';\n'), statements.flatMap((st) => st.params))) as unknown[];
      } catch (e) {
        if (fold && errnoOf(e) === GUARD_LOST_ERRNO) throw new StaleStateError(`a guard of run ${runId} no longer held`, { runId });
        throw e;
      }
      if (fold) open = false;
      const results = resultIndex.map((i) => {
        const r = raw[i];
        if (Array.isArray(r)) return { rows: r as Record<string, unknown>[] };
        const header = r as { affectedRows: number; insertId: number };
        return { affected: header.affectedRows, lastInsertId: Number(header.insertId) };
      });
      const outcome = this.readResults(runId, statements, results);
      if (admit) {
        const admitted = await runStepsAsync(admit(), (st) => this.mysqlStep(qr, st));
        if (admitted.length) outcome.admitted = admitted;
      }
      if (!fold) {
        await qr.query('COMMIT');
        open = false;
      }
      return outcome;
    } finally {
      if (open) await qr.query('ROLLBACK').catch(() => undefined);
      await qr.release();
    }
  }

  private foldCommit?: Promise<boolean>;

  /** Whether this server aborts a batch at a failed GUARD_CHECK (probed once, on a temporary table). */
  private canFoldCommit(): Promise<boolean> {
    return (this.foldCommit ??= this.probeFoldCommit());
  }

  private async probeFoldCommit(): Promise<boolean> {
    const qr = this.ds.createQueryRunner();
    try {
      await qr.connect();
      await qr.query('CREATE TEMPORARY TABLE `pipeline_guard_probe` (`id` INT PRIMARY KEY)');
      await qr.query('INSERT INTO `pipeline_guard_probe` VALUES (1)');
      // A guard that holds (matched, not changed: FOUND_ROWS) must pass...
      await qr.query(`START TRANSACTION;\nUPDATE \`pipeline_guard_probe\` SET \`id\` = 1 WHERE \`id\` = 1;\n${GUARD_CHECK};\nROLLBACK`);
      // ...and one that does not must stop the batch before what follows.
      try {
        await qr.query(`START TRANSACTION;\nUPDATE \`pipeline_guard_probe\` SET \`id\` = 1 WHERE \`id\` = 2;\n${GUARD_CHECK};\nROLLBACK`);
        return false;
      } catch (e) {
        await qr.query('ROLLBACK');
        return errnoOf(e) === GUARD_LOST_ERRNO;
      }
    } catch (e) {
      this.logger.warn(`one round trip per transaction is off (the guard probe failed: ${(e as Error)?.message ?? e})`);
      return false;
    } finally {
      // A batch stopped by an error leaves its transaction open: never hand that back to the pool.
      await qr.query('ROLLBACK').catch(() => undefined);
      await qr.query('DROP TEMPORARY TABLE IF EXISTS `pipeline_guard_probe`').catch(() => undefined);
      await qr.release();
    }
  }

  private async applyOnSqlite(runId: string, statements: Statement[], admit?: () => AdmissionSteps<AdmittedRun[]>): Promise<ApplyResult> {
    return runOnSqlite(this.ds, (db) =>
      db.transaction(() => {
        const results: StatementResult[] = [];
        for (const st of statements) {
          const r = this.sqliteRun(db, st);
          results.push(r);
          // Stop at the first lost guard: readResults throws, and the transaction rolls back.
          if (st.role.kind === 'guard' && r.affected !== 1) break;
        }
        const outcome = this.readResults(runId, statements.slice(0, results.length), results);
        if (admit) {
          const admitted = runStepsSync(admit(), (st) => this.sqliteStep(db, st));
          if (admitted.length) outcome.admitted = admitted;
        }
        return outcome;
      })(),
    );
  }

  /** Checks each guard held (else StaleStateError), which joins woke their parent and where the events went. */
  private readResults(runId: string, statements: Statement[], results: StatementResult[]): ApplyResult {
    const woken: ApplyResult['woken'] = [];
    let failed = false;
    const decremented = new Set<string>();
    const wokenIds = new Set<string>();
    statements.forEach((st, i) => {
      const r = results[i];
      switch (st.role.kind) {
        case 'guard':
          if (r?.affected !== 1) throw new StaleStateError(st.role.what, { runId });
          break;
        case 'join-decrement':
          if (r?.affected === 1) decremented.add(st.role.parentId);
          break;
        case 'join-wake':
          if (r?.affected === 1 && decremented.has(st.role.parentId)) wokenIds.add(st.role.parentId);
          break;
        case 'join-rev':
          if (wokenIds.has(st.role.parentId) && r?.rows?.[0]) woken.push({ processId: st.role.parentId, rev: Number(r.rows[0].rev) });
          break;
        case 'settle-run':
          failed = r?.affected === 1;
          break;
      }
    });
    return { woken, ...(failed ? { failed } : {}) };
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
      timeoutSeconds: e.timeoutSeconds ?? null,
      deadlineAt: e.deadlineAt ?? null,
      reason: e.reason ?? null,
      scheduleId: e.scheduleId ?? null,
      scheduledFor: e.scheduledFor ?? null,
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
        skipReason: null,
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

  async listEvents(runId: string, afterSeq: number, limit: number): Promise<StoredEvent[]> {
    await this.numberEvents(runId);
    return this.read((m) =>
      m
        .createQueryBuilder(RunEventEntity, 'e')
        .where('e.run_id = :runId AND e.seq > :afterSeq', { runId, afterSeq })
        .orderBy('e.seq', 'ASC')
        .limit(limit)
        .getMany(),
    ) as Promise<StoredEvent[]>; // `seq > afterSeq` leaves out unnumbered rows
  }

  async findEventSeq(runId: string, eventId: number): Promise<number | null> {
    const find = () => this.read((m) => m.findOne(RunEventEntity, { where: { id: eventId, runId }, select: { id: true, seq: true } }));
    let row = await find();
    if (row && row.seq === null) {
      await this.numberEvents(runId);
      row = await find();
    }
    return row?.seq ?? null;
  }

  /**
   * Numbers the run's committed events that have no `seq` yet (see `numberEventsSteps`): one
   * plain read when there are none, else one short transaction. Answers how many it numbered.
   */
  async numberEvents(runId: string): Promise<number> {
    const probe = unnumberedEventsQuery(runId);
    if (!this.sql.mysql) {
      return runOnSqlite(this.ds, (db) => {
        if (!this.sqliteStep(db, probe).rows.length) return 0;
        return db.transaction(() => runStepsSync(numberEventsSteps(this.sql, runId), (st) => this.sqliteStep(db, st)))();
      });
    }
    if (!((await this.ds.query(probe.text, probe.params)) as unknown[]).length) return 0;
    const qr = this.ds.createQueryRunner();
    try {
      await qr.connect();
      await qr.query('SET TRANSACTION ISOLATION LEVEL READ COMMITTED;\nSTART TRANSACTION');
      try {
        const numbered = await runStepsAsync(numberEventsSteps(this.sql, runId), (st) => this.mysqlStep(qr, st));
        await qr.query('COMMIT');
        return numbered;
      } catch (e) {
        await qr.query('ROLLBACK').catch(() => undefined);
        throw e;
      }
    } finally {
      await qr.release();
    }
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
        .where('p.state IN (:...states) AND r.state NOT IN (:...final)', { states, final: [...FINAL_RUN_STATES, 'PENDING'] });
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

  async pageLiveNodes(states: NodeStateName[], after: NodeKey | null, limit: number): Promise<NodeRecord[]> {
    const rows = await this.read((m) => {
      // The run's state through a correlated subquery, not a join: a join lets MySQL start from
      // the live runs and sort all their nodes for every page (quadratic over a rebuild); this
      // way it walks node_state's primary key from the cursor (no sort) and looks each RUNNING
      // node's run up by its key, so the pages of a rebuild read the table once between them.
      const q = m
        .createQueryBuilder(NodeStateEntity, 'n')
        .where('n.state IN (:...states)', { states })
        .andWhere('(SELECT r.state FROM run r WHERE r.id = n.run_id) NOT IN (:...final)', { final: FINAL_RUN_STATES });
      // Keyset on the primary key (binary collation on both databases, so the comparison and
      // the ORDER BY agree): each page starts where the last one ended, in index order.
      if (after) q.andWhere('(n.run_id > :afterRun OR (n.run_id = :afterRun AND n.node_id > :afterNode))', { afterRun: after.runId, afterNode: after.nodeId });
      return q.orderBy('n.run_id', 'ASC').addOrderBy('n.node_id', 'ASC').limit(limit).getMany();
    });
    return rows.map((e) => M.nodeFromEntity(e));
  }

  async pageRunDeadlines(after: RunDeadline | null, limit: number): Promise<RunDeadline[]> {
    const rows = await this.read((m) => {
      // Keyset on (deadline_at, id): idx_run_deadline's order (InnoDB's secondary index carries the key).
      const q = m
        .createQueryBuilder(RunEntity, 'r')
        .select(['r.id', 'r.deadlineAt'])
        .where('r.deadline_at IS NOT NULL AND r.state NOT IN (:...final)', { final: FINAL_RUN_STATES });
      if (after) {
        q.andWhere('(r.deadline_at > :afterAt OR (r.deadline_at = :afterAt AND r.id > :afterId))', {
          afterAt: this.sql.date(after.deadlineAt),
          afterId: after.runId,
        });
      }
      return q.orderBy('r.deadline_at', 'ASC').addOrderBy('r.id', 'ASC').limit(limit).getMany();
    });
    return rows.filter((r) => r.deadlineAt).map((r) => ({ runId: r.id, deadlineAt: r.deadlineAt! }));
  }
}

/**
 * Fails the statement (ER_SUBQUERY_NO_1_ROW, 1242) unless the statement before it matched
 * exactly one row; the server then runs nothing more of the batch, so a COMMIT after it never
 * happens. Whether the server evaluates the subquery only when needed is probed at first use.
 */
const GUARD_CHECK = 'SELECT IF(ROW_COUNT() = 1, 1, (SELECT 1 UNION ALL SELECT 2))';
const GUARD_LOST_ERRNO = 1242;

function errnoOf(e: unknown): number | undefined {
  const err = e as { errno?: number; driverError?: { errno?: number } };
  return err?.driverError?.errno ?? err?.errno;
}

/** better-sqlite3 binds null but not undefined, numbers/strings/buffers but not booleans. */
function sqliteValue(v: unknown): unknown {
  if (v === undefined) return null;
  if (typeof v === 'boolean') return v ? 1 : 0;
  return v;
}
