import { Inject, Injectable, Logger, Optional, type OnModuleDestroy, type OnModuleInit } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { randomUUID } from 'node:crypto';
import type { DataSource } from 'typeorm';
import { BadRequestError } from '../errors/bad-request.error';
import { NotFoundError } from '../errors/not-found.error';
import { PipelineError } from '../errors/pipeline.error';
import { PipelineMetrics } from '../metrics/pipeline-metrics.service';
import { isTransientConflict } from '../persistence/db-errors';
import { isMysqlFamily, runInTransaction, runRead } from '../persistence/transactions';
import { RunOperationsService } from '../runtime/run-operations.service';
import { PipelineSignals } from '../signals/pipeline-signals.service';
import { ExternalTaskEntity, type ExternalTaskState } from './external-task.entity';
import { ExternalTaskConflictError } from './external-task.error';
import type {
  ExternalTaskListFilter,
  ExternalTaskPage,
  ExternalTaskView,
  FailTaskRequest,
  FetchAndLockRequest,
  LockedTask,
} from './external-task.views';
import { TaskWaiters } from './task-waiters';
import { TaskWakeupBus } from './task-wakeup-bus.port';

export interface ExternalTaskOptions {
  /** Longest long poll of `fetch-and-lock`, in seconds (a larger `waitSeconds` is capped to it). */
  maxWaitSeconds: number;
  /** Largest `maxTasks` of one `fetch-and-lock`. */
  maxTasksPerFetch: number;
  /**
   * A report (`complete`, `fail`) whose process died before it reached the node leaves the task
   * `completing` / `failing`; after this many seconds without change it is offered again.
   */
  stuckReportSeconds: number;
}

export const DEFAULT_EXTERNAL_TASK_OPTIONS: ExternalTaskOptions = { maxWaitSeconds: 60, maxTasksPerFetch: 100, stuckReportSeconds: 60 };
export const EXTERNAL_TASK_OPTIONS = Symbol('EXTERNAL_TASK_OPTIONS');

/** Longest lock a worker may ask for (one day): a dead worker's task is offered again at the latest then. */
export const MAX_LOCK_SECONDS = 86_400;
/** Longest `delay` or retry delay (30 days). */
export const MAX_DELAY_SECONDS = 30 * 86_400;

const OPEN: ExternalTaskState[] = ['available', 'locked'];
const FINAL_RUN_STATES = ['FINISHED', 'REVOKED'];
const iso = (d: Date | string | null): string | null => (d ? new Date(d).toISOString() : null);

/**
 * External tasks (DESIGN §8.6): nodes handed to workers outside the engine, in any language,
 * over REST, in Camunda's fetch-and-lock style. Tasks are stored by the engine with the node's
 * wait (`Decision.offers`); this service locks them to one worker at a time and turns the
 * holder's report into the node's callback (`complete`, `fail` under the node's retry policy),
 * a forced failure (`fail` with `retries: 0`), or a later offer (`fail` with retries left,
 * `delay`, a lock that ran out). Every change is a compare-and-set on the task's state and
 * holder, so a duplicate, late or foreign report answers 409 and changes nothing.
 */
@Injectable()
export class ExternalTaskService implements OnModuleInit, OnModuleDestroy {
  private readonly logger = new Logger(ExternalTaskService.name);
  private readonly waiters = new TaskWaiters();
  private readonly mysql: boolean;
  private unsubscribe: (() => void)[] = [];
  private listening = false;

  constructor(
    @InjectDataSource() private readonly dataSource: DataSource,
    private readonly operations: RunOperationsService,
    private readonly bus: TaskWakeupBus,
    private readonly signals: PipelineSignals,
    @Inject(EXTERNAL_TASK_OPTIONS) private readonly options: ExternalTaskOptions,
    @Optional() private readonly metrics?: PipelineMetrics,
  ) {
    this.mysql = isMysqlFamily(dataSource);
  }

  onModuleInit(): void {
    // Tasks offered by decisions committed here (embedded app, workers): tell every api process.
    this.unsubscribe.push(this.signals.onExternalTasksOffered((topics) => this.bus.publish({ topics: [...new Set(topics)] })));
  }

  async onModuleDestroy(): Promise<void> {
    for (const off of this.unsubscribe) off();
    this.waiters.close();
    await this.bus.close();
  }

  /** Long polls waiting in this process now. */
  get waiting(): number {
    return this.waiters.size;
  }

  /**
   * Locks up to `maxTasks` available tasks of the topics to `workerId` (first topics first);
   * when none is there, waits up to `waitSeconds` for one, returning as soon as one appears
   * (in any process). `signal` aborts the wait (the client went away): nothing is locked then.
   */
  async fetchAndLock(req: FetchAndLockRequest, signal?: AbortSignal): Promise<LockedTask[]> {
    const request = this.checkFetch(req);
    const topics = request.topics.map((t) => t.topic);
    const deadline = Date.now() + Math.min(request.waitSeconds ?? 0, this.options.maxWaitSeconds) * 1000;
    if (deadline > Date.now()) this.listen();
    for (;;) {
      const ticket = this.waiters.ticket(topics);
      const tasks = await this.claim(request);
      if (tasks.length > 0 || signal?.aborted || Date.now() >= deadline) return tasks;
      const next = await this.nextAvailable(topics);
      await this.waiters.wait(ticket, Math.min(deadline, next ?? Infinity), signal);
      if (signal?.aborted) return [];
      if (Date.now() >= deadline) return this.claim(request);
    }
  }

  /** The holder finished the task: `outputs` become the node's outputs and the node finishes. */
  async complete(id: string, workerId: string, outputs: Record<string, unknown> = {}): Promise<ExternalTaskView> {
    if (outputs === null || typeof outputs !== 'object' || Array.isArray(outputs)) {
      throw new BadRequestError('outputs must be an object', 'INVALID_OUTPUTS');
    }
    const task = await this.takeForReport(id, workerId, 'completing');
    await this.deliver(task, 'completed', () => this.operations.callback(task.runId, task.nodeId, task.nodeVersion, { outputs }));
    this.logger.log(`run ${task.runId} node ${task.nodeId}: external task ${id} completed by worker ${workerId}`);
    return this.view(id);
  }

  /**
   * The holder could not do the task. `retries` left above 0: offered again after
   * `retryDelaySeconds` with `attempt` + 1; 0: the node fails (`ex_data` = `error`, no retry);
   * omitted: the node fails under its own retry policy.
   */
  async fail(id: string, req: FailTaskRequest): Promise<ExternalTaskView> {
    const error = typeof req.error === 'string' ? req.error : '';
    if (error.trim() === '') throw new BadRequestError('error must be a non-empty string', 'INVALID_ERROR');
    const retries = req.retries;
    if (retries !== undefined && (!Number.isInteger(retries) || retries < 0)) {
      throw new BadRequestError('retries must be an integer >= 0', 'INVALID_RETRIES');
    }
    const delaySeconds = checkSeconds(req.retryDelaySeconds ?? 0, 'retryDelaySeconds', 0, MAX_DELAY_SECONDS);
    if (retries !== undefined && retries > 0) {
      const availableAt = new Date(Date.now() + delaySeconds * 1000);
      await this.casFromHeld(id, req.workerId, {
        state: 'available',
        availableAt,
        attempt: () => '`attempt` + 1',
        retries,
        error,
        workerId: null,
        lockExpiresAt: null,
        claimToken: null,
      });
      const task = await this.load(id);
      this.logger.log(`run ${task.runId} node ${task.nodeId}: external task ${id} failed by worker ${req.workerId} (${retries} retries left, again at ${availableAt.toISOString()}): ${error}`);
      await this.bus.publish({ topics: [task.topic], at: availableAt.getTime() });
      return toView(task);
    }
    const task = await this.takeForReport(id, req.workerId, 'failing', { error, retries: retries ?? null });
    await this.deliver(task, 'failed', () =>
      retries === 0
        ? this.operations.forcedFail(task.runId, task.nodeId, error, task.nodeVersion)
        : this.operations.callback(task.runId, task.nodeId, task.nodeVersion, { error }),
    );
    this.logger.log(`run ${task.runId} node ${task.nodeId}: external task ${id} failed by worker ${req.workerId}${retries === 0 ? ' (no retries left)' : ''}: ${error}`);
    return this.view(id);
  }

  /** The holder needs longer: its lock now ends `lockSeconds` from now. */
  async extendLock(id: string, workerId: string, lockSeconds: number): Promise<ExternalTaskView> {
    const seconds = checkSeconds(lockSeconds, 'lockSeconds', 1, MAX_LOCK_SECONDS);
    const lockExpiresAt = new Date(Date.now() + seconds * 1000);
    await this.casFromHeld(id, workerId, { lockExpiresAt });
    return this.view(id);
  }

  /** Termite's postpone: the holder releases the task; it is offered again in `seconds`, same attempt. */
  async delay(id: string, workerId: string, seconds: number): Promise<ExternalTaskView> {
    const s = checkSeconds(seconds, 'seconds', 0, MAX_DELAY_SECONDS);
    const availableAt = new Date(Date.now() + s * 1000);
    await this.casFromHeld(id, workerId, { state: 'available', availableAt, workerId: null, lockExpiresAt: null, claimToken: null });
    const task = await this.load(id);
    this.logger.log(`run ${task.runId} node ${task.nodeId}: external task ${id} delayed by worker ${workerId} until ${availableAt.toISOString()}`);
    await this.bus.publish({ topics: [task.topic], at: availableAt.getTime() });
    return toView(task);
  }

  /** 404 unknown id. */
  async get(id: string): Promise<ExternalTaskView> {
    return this.view(id);
  }

  /** Tasks by topic, state and run, newest first. Open tasks whose node moved on are cancelled first. */
  async list(filter: ExternalTaskListFilter): Promise<ExternalTaskPage> {
    await this.cancelOrphans();
    const [rows, total] = await runRead(this.dataSource, (em) => {
      const qb = em.createQueryBuilder(ExternalTaskEntity, 't');
      if (filter.topic !== undefined) qb.andWhere('t.topic = :topic', { topic: filter.topic });
      if (filter.state !== undefined) qb.andWhere('t.state = :state', { state: filter.state });
      if (filter.runId !== undefined) qb.andWhere('t.run_id = :runId', { runId: filter.runId });
      return qb
        .orderBy('t.created_at', 'DESC')
        .addOrderBy('t.id', 'ASC')
        .skip((filter.page - 1) * filter.pageSize)
        .take(filter.pageSize)
        .getManyAndCount();
    });
    return { items: rows.map(toView), total, page: filter.page, pageSize: filter.pageSize };
  }

  /**
   * Cancels open tasks whose node no longer waits for them (run revoked or finished, node
   * skipped, forced to fail, timed out, retried by an operator). A fetch also finds them one by
   * one; this does it for all at once. Answers how many.
   */
  async cancelOrphans(): Promise<number> {
    const result = await runInTransaction(this.dataSource, (em) =>
      em
        .createQueryBuilder()
        .update(ExternalTaskEntity)
        .set({ state: 'cancelled', updatedAt: new Date() })
        .where('`state` IN (:...open)', { open: OPEN })
        .andWhere(
          'NOT EXISTS (SELECT 1 FROM `node_state` `n` INNER JOIN `run` `r` ON `r`.`id` = `n`.`run_id` ' +
            'WHERE `n`.`run_id` = `external_task`.`run_id` AND `n`.`node_id` = `external_task`.`node_id` ' +
            "AND `n`.`state` = 'RUNNING' AND `n`.`version` = `external_task`.`node_version` AND `r`.`state` NOT IN (:...finalRun))",
          { finalRun: FINAL_RUN_STATES },
        )
        .execute(),
    );
    return result.affected ?? 0;
  }

  // ------------------------------------------------------------------ internals

  private listen(): void {
    if (this.listening) return;
    this.listening = true;
    this.unsubscribe.push(this.bus.subscribe((w) => this.waiters.notify(w.topics, w.at)));
  }

  private checkFetch(req: FetchAndLockRequest): FetchAndLockRequest {
    if (typeof req.workerId !== 'string' || req.workerId.trim() === '' || req.workerId.length > 128) {
      throw new BadRequestError('workerId must be a non-empty string of at most 128 characters', 'INVALID_WORKER');
    }
    if (!Array.isArray(req.topics) || req.topics.length === 0) throw new BadRequestError('topics must name at least one topic', 'INVALID_TOPICS');
    const seen = new Set<string>();
    for (const t of req.topics) {
      if (typeof t?.topic !== 'string' || t.topic === '' || t.topic.length > 128) {
        throw new BadRequestError('each topic must be a non-empty string of at most 128 characters', 'INVALID_TOPICS');
      }
      if (seen.has(t.topic)) throw new BadRequestError(`topic '${t.topic}' is listed twice`, 'INVALID_TOPICS');
      seen.add(t.topic);
      checkSeconds(t.lockSeconds, `lockSeconds of topic '${t.topic}'`, 1, MAX_LOCK_SECONDS);
    }
    const maxTasks = req.maxTasks ?? 1;
    if (!Number.isInteger(maxTasks) || maxTasks < 1 || maxTasks > this.options.maxTasksPerFetch) {
      throw new BadRequestError(`maxTasks must be an integer from 1 to ${this.options.maxTasksPerFetch}`, 'INVALID_MAX_TASKS');
    }
    if (req.waitSeconds !== undefined) checkSeconds(req.waitSeconds, 'waitSeconds', 0, MAX_DELAY_SECONDS);
    return { ...req, maxTasks };
  }

  /** One look for tasks: lock what is there (topic by topic), drop and cancel what went stale. */
  private async claim(req: FetchAndLockRequest): Promise<LockedTask[]> {
    const out: LockedTask[] = [];
    const want = req.maxTasks ?? 1;
    for (const { topic, lockSeconds } of req.topics) {
      // A few rounds: a racing fetch may take some candidates, and stale ones are cancelled.
      for (let round = 0; round < 8 && out.length < want; round++) {
        const now = new Date();
        const ids = await this.candidates(topic, want - out.length, now);
        if (ids.length === 0) break;
        const token = randomUUID();
        const lockExpiresAt = new Date(now.getTime() + lockSeconds * 1000);
        let claimed: Awaited<ReturnType<ExternalTaskService['lock']>>;
        try {
          claimed = await this.lock(ids, token, req.workerId, lockExpiresAt, now);
        } catch (e) {
          // A deadlock or lock wait with a racing fetch: nothing was locked, look again.
          if (isTransientConflict(e)) continue;
          throw e;
        }
        // Long polls elsewhere learn when these locks run out (the tasks are offered again then).
        if (claimed.some((r) => !r.stale)) await this.bus.publish({ topics: [topic], at: lockExpiresAt.getTime() });
        for (const row of claimed) {
          if (row.stale) continue;
          out.push(row.task);
          this.metrics?.taskLocked(topic);
          this.logger.log(`run ${row.task.runId} node ${row.task.nodeId}: external task ${row.task.id} (${topic}, attempt ${row.task.attempt}) locked by worker ${req.workerId} until ${row.task.lockExpiresAt}`);
        }
      }
      if (out.length >= want) break;
    }
    return out;
  }

  /** What may be locked now: available, or its lock (or a dead report) ran out. */
  private claimable(now: Date): { sql: string; params: unknown[] } {
    const stuck = new Date(now.getTime() - this.options.stuckReportSeconds * 1000);
    return {
      sql:
        "((`state` = 'available' AND `available_at` <= ?) OR (`state` = 'locked' AND `lock_expires_at` <= ?) " +
        "OR (`state` IN ('completing', 'failing') AND `updated_at` <= ?))",
      params: [this.dbDate(now), this.dbDate(now), this.dbDate(stuck)],
    };
  }

  private async candidates(topic: string, limit: number, now: Date): Promise<string[]> {
    const c = this.claimable(now);
    const rows = await runRead(this.dataSource, (em) =>
      em.query(`SELECT \`id\` FROM \`external_task\` WHERE \`topic\` = ? AND ${c.sql} ORDER BY \`available_at\`, \`id\` LIMIT ${Number(limit)}`, [topic, ...c.params]),
    );
    return (rows as { id: string }[]).map((r) => r.id);
  }

  /**
   * Locks those of `ids` still claimable to `workerId` under one fresh token (the UPDATE
   * re-checks each row under its lock, so of two racing fetches each row goes to one), then
   * reads back what this token got with its node and run: a task whose node no longer waits
   * for it is cancelled instead.
   */
  private async lock(ids: string[], token: string, workerId: string, lockExpiresAt: Date, now: Date) {
    const c = this.claimable(now);
    const marks = ids.map(() => '?').join(', ');
    return runInTransaction(this.dataSource, async (em) => {
      // `attempt` first: MySQL evaluates SET left to right, so it must read the old `state`.
      await em.query(
        "UPDATE `external_task` SET `attempt` = `attempt` + CASE WHEN `state` = 'available' THEN 0 ELSE 1 END, " +
          "`state` = 'locked', `worker_id` = ?, `claim_token` = ?, `lock_expires_at` = ?, `updated_at` = ? " +
          `WHERE \`id\` IN (${marks}) AND ${c.sql}`,
        [workerId, token, this.dbDate(lockExpiresAt), this.dbDate(now), ...ids, ...c.params],
      );
      const rows = (await em.query(
        'SELECT `t`.`id`, `t`.`topic`, `t`.`run_id`, `t`.`node_id`, `t`.`node_version`, `t`.`payload`, `t`.`attempt`, ' +
          '`n`.`state` AS `node_state`, `n`.`version` AS `node_version_now`, `r`.`state` AS `run_state`, `r`.`business_key` ' +
          'FROM `external_task` `t` LEFT JOIN `node_state` `n` ON `n`.`run_id` = `t`.`run_id` AND `n`.`node_id` = `t`.`node_id` ' +
          `LEFT JOIN \`run\` \`r\` ON \`r\`.\`id\` = \`t\`.\`run_id\` WHERE \`t\`.\`id\` IN (${marks}) AND \`t\`.\`claim_token\` = ?`,
        [...ids, token],
      )) as ClaimedRow[];
      const claimed = rows.map((r) => {
        const stale = r.node_state !== 'RUNNING' || Number(r.node_version_now) !== Number(r.node_version) || FINAL_RUN_STATES.includes(String(r.run_state));
        const task: LockedTask = {
          id: r.id,
          topic: r.topic,
          runId: r.run_id,
          nodeId: r.node_id,
          businessKey: r.business_key ?? null,
          payload: parseJson(r.payload),
          attempt: Number(r.attempt),
          lockExpiresAt: lockExpiresAt.toISOString(),
        };
        return { stale, task };
      });
      const stale = claimed.filter((c) => c.stale).map((c) => c.task.id);
      if (stale.length) {
        await em.query(
          `UPDATE \`external_task\` SET \`state\` = 'cancelled', \`worker_id\` = NULL, \`lock_expires_at\` = NULL, \`updated_at\` = ? WHERE \`id\` IN (${stale.map(() => '?').join(', ')}) AND \`claim_token\` = ?`,
          [this.dbDate(now), ...stale, token],
        );
        for (const c of claimed.filter((x) => x.stale)) {
          this.logger.log(`run ${c.task.runId} node ${c.task.nodeId}: external task ${c.task.id} cancelled (its node moved on)`);
        }
      }
      // Oldest first, as they were offered.
      const order = new Map(ids.map((id, i) => [id, i]));
      return claimed.sort((a, b) => (order.get(a.task.id) ?? 0) - (order.get(b.task.id) ?? 0));
    });
  }

  /** When the next task of these topics becomes available or loses its lock (ms), if any is known. */
  private async nextAvailable(topics: string[]): Promise<number | null> {
    const marks = topics.map(() => '?').join(', ');
    const rows = (await runRead(this.dataSource, (em) =>
      em.query(
        "SELECT MIN(CASE WHEN `state` = 'available' THEN `available_at` ELSE `lock_expires_at` END) AS `next` FROM `external_task` " +
          `WHERE \`topic\` IN (${marks}) AND \`state\` IN ('available', 'locked')`,
        topics,
      ),
    )) as { next: unknown }[];
    const next = rows[0]?.next;
    if (next === null || next === undefined) return null;
    const at = next instanceof Date ? next.getTime() : Date.parse(`${String(next).replace(' ', 'T')}Z`);
    return Number.isFinite(at) ? at : null;
  }

  /**
   * Compare-and-set of a task the caller holds (locked to `workerId`, lock not run out). When
   * it does not hold, explains why (404 / 409) and changes nothing.
   */
  private async casFromHeld(id: string, workerId: string, set: Record<string, unknown>): Promise<void> {
    if (typeof workerId !== 'string' || workerId === '') throw new BadRequestError('workerId must be a non-empty string', 'INVALID_WORKER');
    const now = new Date();
    const result = await runInTransaction(this.dataSource, (em) =>
      em
        .createQueryBuilder()
        .update(ExternalTaskEntity)
        .set({ ...set, updatedAt: now })
        .where('`id` = :id AND `state` = :locked AND `worker_id` = :workerId AND `lock_expires_at` > :now', {
          id,
          locked: 'locked',
          workerId,
          now: this.dbDate(now),
        })
        .execute(),
    );
    if (result.affected === 1) return;
    throw this.refusal(await this.find(id), id, workerId, now);
  }

  /** Moves a held task to `completing` / `failing` for its report; answers it as it was. */
  private async takeForReport(id: string, workerId: string, state: 'completing' | 'failing', extra: Record<string, unknown> = {}): Promise<ExternalTaskEntity> {
    await this.casFromHeld(id, workerId, { state, ...extra });
    return this.load(id);
  }

  /**
   * Delivers a report to the node, then records the task `done`. A node that moved on meanwhile
   * cancels the task (409); any other failure puts the lock back so the holder may try again.
   */
  private async deliver(task: ExternalTaskEntity, done: 'completed' | 'failed', report: () => Promise<unknown>): Promise<void> {
    const from = task.state;
    try {
      await report();
    } catch (e) {
      const gone = e instanceof PipelineError && (e.kind === 'conflict' || e.kind === 'not_found');
      await this.setState(task.id, from, gone ? { state: 'cancelled' } : { state: 'locked' });
      if (gone) {
        this.logger.log(`run ${task.runId} node ${task.nodeId}: external task ${task.id} cancelled: ${(e as Error).message}`);
        throw new ExternalTaskConflictError('TASK_CANCELLED', `task ${task.id}: its node no longer waits for it (${(e as Error).message})`, {
          taskId: task.id,
          state: 'cancelled',
        });
      }
      throw e;
    }
    await this.setState(task.id, from, { state: done, lockExpiresAt: null });
  }

  private async setState(id: string, from: ExternalTaskState, set: Record<string, unknown>): Promise<void> {
    await runInTransaction(this.dataSource, (em) =>
      em
        .createQueryBuilder()
        .update(ExternalTaskEntity)
        .set({ ...set, updatedAt: new Date() })
        .where('`id` = :id AND `state` = :from', { id, from })
        .execute(),
    );
  }

  private refusal(row: ExternalTaskEntity | null, id: string, workerId: string, now: Date): PipelineError {
    if (!row) return new NotFoundError('external task', id);
    const context = { taskId: id, state: row.state };
    switch (row.state) {
      case 'completed':
      case 'failed':
        return new ExternalTaskConflictError('TASK_ALREADY_REPORTED', `task ${id} was ${row.state} already`, context);
      case 'cancelled':
        return new ExternalTaskConflictError('TASK_CANCELLED', `task ${id} was cancelled: its node moved on`, context);
      case 'completing':
      case 'failing':
        return new ExternalTaskConflictError('TASK_BEING_REPORTED', `task ${id} is being reported (${row.state})`, context);
      default:
        if (row.state === 'locked' && row.workerId === workerId && row.lockExpiresAt && row.lockExpiresAt.getTime() <= now.getTime()) {
          return new ExternalTaskConflictError('LOCK_EXPIRED', `the lock of worker '${workerId}' on task ${id} expired at ${iso(row.lockExpiresAt)}`, context);
        }
        return new ExternalTaskConflictError('LOCK_NOT_HELD', `worker '${workerId}' does not hold task ${id}`, context);
    }
  }

  private find(id: string): Promise<ExternalTaskEntity | null> {
    return runRead(this.dataSource, (em) => em.findOneBy(ExternalTaskEntity, { id }));
  }

  private async load(id: string): Promise<ExternalTaskEntity> {
    const row = await this.find(id);
    if (!row) throw new NotFoundError('external task', id);
    return row;
  }

  private async view(id: string): Promise<ExternalTaskView> {
    return toView(await this.load(id));
  }

  /** A date as the database compares it (TypeORM's SQLite datetime text, a Date on MySQL). */
  private dbDate(d: Date): unknown {
    return this.mysql ? d : d.toISOString().replace('T', ' ').replace('Z', '');
  }
}

interface ClaimedRow {
  id: string;
  topic: string;
  run_id: string;
  node_id: string;
  node_version: number | string;
  payload: unknown;
  attempt: number | string;
  node_state: string | null;
  node_version_now: number | string | null;
  run_state: string | null;
  business_key: string | null;
}

function parseJson(v: unknown): unknown {
  if (v === null || v === undefined) return null;
  return typeof v === 'string' ? JSON.parse(v) : v;
}

function checkSeconds(value: unknown, name: string, min: number, max: number): number {
  if (typeof value !== 'number' || !Number.isFinite(value) || value < min || value > max) {
    throw new BadRequestError(`${name} must be a number of seconds from ${min} to ${max}`, 'INVALID_SECONDS');
  }
  return value;
}

function toView(t: ExternalTaskEntity): ExternalTaskView {
  return {
    id: t.id,
    topic: t.topic,
    runId: t.runId,
    nodeId: t.nodeId,
    nodeVersion: t.nodeVersion,
    state: t.state,
    attempt: t.attempt,
    retries: t.retries,
    workerId: t.workerId,
    lockExpiresAt: iso(t.lockExpiresAt),
    availableAt: iso(t.availableAt)!,
    error: t.error,
    createdAt: iso(t.createdAt)!,
    updatedAt: iso(t.updatedAt)!,
  };
}
