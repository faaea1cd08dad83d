import type { AdmittedRun, EngineEvent } from '../engine/decision';
import type { RunStateName } from '../engine/states';
import { DuplicateBusinessKeyError } from '../errors/duplicate-business-key.error';
import type { NewRun } from '../ports/run-store.port';
import type { RunSql, Sql } from './run-sql';

/**
 * Admission of DESIGN §8.4 as steps of a transaction: each step yields one statement and gets
 * its result back, so the same logic drives SQLite (synchronously, inside `db.transaction`)
 * and MySQL (a statement at a time on the transaction's connection).
 *
 * Every transaction that changes how many runs of a definition hold a slot (a run created
 * RUNNING, a run ending FINISHED / REVOKED, runs admitted) first locks the definition's row
 * (`FOR UPDATE` on MySQL; SQLite has one writer at a time) and then counts the slot holders
 * (RUNNING, SUSPENDED, FAILED) through `idx_run_pipeline_state_created`. The lock serialises
 * them, and READ COMMITTED lets each count see the commits of those before it, so the cap
 * holds across any number of processes without a counter to keep in step.
 */
export interface StepResult {
  rows: Record<string, unknown>[];
  affected: number;
}

export type AdmissionSteps<T> = Generator<Sql, T, StepResult>;

/** Run states that hold a concurrency slot: admitted and not ended. */
export const SLOT_STATES: readonly RunStateName[] = ['RUNNING', 'SUSPENDED', 'FAILED'];
const slotList = SLOT_STATES.map((s) => `'${s}'`).join(', ');

/** At most this many PENDING runs are admitted by one transaction (a raised cap admits the rest in the next). */
const MAX_ADMIT_AT_ONCE = 200;

interface DefinitionLimits {
  id: string;
  cap: number | null;
  lifo: boolean;
  uniqueBusinessKey: boolean;
}

/**
 * How a transaction locks the definition's row on MySQL: `exclusive` (FOR UPDATE) where the
 * cap or the business key is decided; `shared` (LOCK IN SHARE MODE) for a definition with
 * neither, so its runs start and end concurrently while a PATCH that sets a cap (its UPDATE
 * needs the row exclusively) waits for them and they for it; `none` is a plain read.
 */
export type DefinitionLock = 'exclusive' | 'shared' | 'none';

/** A definition read under a shared lock turned out to need the exclusive one: roll back, start over. */
export class AdmissionLockTooWeak extends Error {
  constructor(readonly pipelineId: string) {
    super(`pipeline ${pipelineId} has a cap or unique business keys now: its admission needs the exclusive lock`);
  }
}

const needsExclusive = (def: DefinitionLimits) => def.cap !== null || def.uniqueBusinessKey;

function* lockDefinition(sql: RunSql, where: Sql, lock: DefinitionLock = 'exclusive'): AdmissionSteps<DefinitionLimits | null> {
  const suffix = !sql.mysql || lock === 'none' ? '' : lock === 'exclusive' ? ' FOR UPDATE' : ' LOCK IN SHARE MODE';
  const { rows } = yield {
    text: 'SELECT `id`, `max_concurrent_runs`, `queue_mode`, `unique_business_key` FROM `pipeline_definitions` WHERE ' + where.text + suffix,
    params: where.params,
  };
  const row = rows[0];
  if (!row) return null;
  const cap = row.max_concurrent_runs;
  return {
    id: row.id as string,
    cap: cap === null || cap === undefined ? null : Number(cap),
    lifo: row.queue_mode === 'lifo',
    uniqueBusinessKey: !!Number(row.unique_business_key),
  };
}

function* countSlotHolders(pipelineId: string): AdmissionSteps<number> {
  const { rows } = yield {
    text: `SELECT COUNT(*) AS \`n\` FROM \`run\` WHERE \`pipeline_id\` = ? AND \`state\` IN (${slotList})`,
    params: [pipelineId],
  };
  return Number(rows[0]?.n ?? 0);
}

/**
 * The state a new run of a stored definition is created in: RUNNING when a slot is free (or
 * the definition has no cap), else PENDING without a deadline (its run timeout counts from
 * admission). Throws `DuplicateBusinessKeyError` when the definition has `uniqueBusinessKey`
 * and a run with the same key is not yet FINISHED or REVOKED.
 */
export function* admitNewRun(sql: RunSql, run: NewRun, lock: 'exclusive' | 'shared'): AdmissionSteps<{ state: RunStateName; deadlineAt: Date | null }> {
  const asGiven = { state: run.state, deadlineAt: run.deadlineAt ?? null };
  if (!run.pipelineId || run.state !== 'RUNNING') return asGiven;
  const def = yield* lockDefinition(sql, definitionById(run.pipelineId), lock);
  if (!def) return asGiven;
  if (lock === 'shared' && sql.mysql && needsExclusive(def)) throw new AdmissionLockTooWeak(def.id);
  if (def.uniqueBusinessKey && run.businessKey !== null && run.businessKey !== undefined) {
    const { rows } = yield {
      text:
        "SELECT `id` FROM `run` WHERE `pipeline_id` = ? AND `business_key` = ? AND `state` NOT IN ('FINISHED', 'REVOKED') " +
        'ORDER BY `created_at` LIMIT 1',
      params: [def.id, run.businessKey],
    };
    if (rows[0]) throw new DuplicateBusinessKeyError(def.id, run.businessKey, rows[0].id as string);
  }
  if (def.cap === null) return asGiven;
  const holders = yield* countSlotHolders(def.id);
  return holders < def.cap ? asGiven : { state: 'PENDING', deadlineAt: null };
}

/**
 * Admits PENDING runs of a definition into its free slots, oldest first (`fifo`) or newest
 * first (`lifo`): each becomes RUNNING with `started_at` and its deadline counted from now.
 * `where` picks the definition (by id, or as the pipeline of a run that just ended).
 */
export function* admitPendingRuns(sql: RunSql, where: Sql, now: Date, lock: DefinitionLock = 'exclusive'): AdmissionSteps<AdmittedRun[]> {
  const def = yield* lockDefinition(sql, where, lock);
  if (!def) return [];
  if (lock === 'shared' && sql.mysql && needsExclusive(def)) throw new AdmissionLockTooWeak(def.id);
  let room = MAX_ADMIT_AT_ONCE;
  if (def.cap !== null) room = Math.min(room, def.cap - (yield* countSlotHolders(def.id)));
  if (room <= 0) return [];
  const order = def.lifo ? 'DESC' : 'ASC';
  const { rows: pending } = yield {
    text:
      "SELECT `id`, `timeout_seconds` FROM `run` WHERE `pipeline_id` = ? AND `state` = 'PENDING' " +
      `ORDER BY \`created_at\` ${order}, \`id\` ${order} LIMIT ${Math.floor(room)}${sql.mysql ? ' FOR UPDATE' : ''}`,
    params: [def.id],
  };
  const admitted: AdmittedRun[] = [];
  for (const row of pending) {
    const runId = row.id as string;
    const timeout = row.timeout_seconds === null || row.timeout_seconds === undefined ? null : Number(row.timeout_seconds);
    const deadlineAt = timeout === null ? null : new Date(now.getTime() + timeout * 1000);
    // The run row is locked from here to COMMIT: its next event number is reserved with it.
    const { affected } = yield {
      text:
        "UPDATE `run` SET `state` = 'RUNNING', `started_at` = ?, `deadline_at` = ?, `rev` = `rev` + 1, `event_seq` = `event_seq` + 1 " +
        "WHERE `id` = ? AND `state` = 'PENDING'",
      params: [sql.date(now), sql.date(deadlineAt), runId],
    };
    if (affected !== 1) continue;
    const event = admittedEvent(runId, deadlineAt);
    yield {
      text:
        'INSERT INTO `run_event` (`run_id`, `seq`, `node_id`, `event_type`, `data`, `created_at`) ' +
        'SELECT ?, `event_seq`, NULL, ?, ?, ? FROM `run` WHERE `id` = ?',
      params: [runId, event.type, sql.json(event.data), sql.date(now), runId],
    };
    const { rows: roots } = yield {
      text:
        'SELECT p.`id`, p.`rev`, p.`current_node_id`, r.`event_seq` FROM `run_process` p JOIN `run` r ON r.`id` = p.`run_id` ' +
        'WHERE p.`run_id` = ? AND p.`parent_id` IS NULL',
      params: [runId],
    };
    const root = roots[0];
    if (!root) continue;
    admitted.push({
      runId,
      processId: root.id as string,
      rev: Number(root.rev),
      nodeId: root.current_node_id as string,
      deadlineAt,
      event: { ...event, seq: Number(root.event_seq) },
    });
  }
  return admitted;
}

/**
 * Admission after a run ended holding a slot: a plain read of its definition first (none for
 * an inline run: nothing to do), then the lock that definition needs (see `DefinitionLock`).
 */
export function* admitAfterRunEnded(sql: RunSql, runId: string, now: Date): AdmissionSteps<AdmittedRun[]> {
  const where = definitionOfRun(runId);
  if (!sql.mysql) return yield* admitPendingRuns(sql, where, now, 'exclusive');
  const def = yield* lockDefinition(sql, where, 'none');
  if (!def) return [];
  return yield* admitPendingRuns(sql, definitionById(def.id), now, needsExclusive(def) ? 'exclusive' : 'shared');
}

/** What the run's event log says of its admission. */
export function admittedEvent(runId: string, deadlineAt: Date | null): EngineEvent {
  return { type: 'pipeline_admitted', nodeId: null, data: { pipeline_id: runId, ...(deadlineAt ? { deadline: deadlineAt.toISOString() } : {}) } };
}

/** `where` for `admitPendingRuns`: the definition a run belongs to. */
export const definitionOfRun = (runId: string): Sql => ({
  text: '`id` = (SELECT `pipeline_id` FROM `run` WHERE `id` = ?)',
  params: [runId],
});

export const definitionById = (pipelineId: string): Sql => ({ text: '`id` = ?', params: [pipelineId] });

/** Drives steps synchronously (SQLite inside `db.transaction`). */
export function runStepsSync<T>(steps: AdmissionSteps<T>, exec: (st: Sql) => StepResult): T {
  let next = steps.next();
  while (!next.done) next = steps.next(exec(next.value));
  return next.value;
}

/** Drives steps one statement at a time (MySQL, on the transaction's connection). */
export async function runStepsAsync<T>(steps: AdmissionSteps<T>, exec: (st: Sql) => Promise<StepResult>): Promise<T> {
  let next = steps.next();
  while (!next.done) next = steps.next(await exec(next.value));
  return next.value;
}
