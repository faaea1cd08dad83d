import { Injectable, Logger } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { randomUUID } from 'node:crypto';
import type { DataSource } from 'typeorm';
import { PipelineDefinitionService } from '../definitions/pipeline-definition.service';
import { NotFoundError } from '../errors/not-found.error';
import { PipelineError } from '../errors/pipeline.error';
import { RunEntity } from '../persistence/entities/run.entity';
import { isUniqueViolation } from '../persistence/db-errors';
import { isMysqlFamily, runInTransaction, runRead } from '../persistence/transactions';
import { RunService } from '../runtime/run.service';
import { InvalidScheduleError } from './invalid-schedule.error';
import { PipelineScheduleEntity } from './pipeline-schedule.entity';
import { checkTimezone, firstFireAt, nextFireAt, parseScheduleSpec, type ScheduleSpec, type ScheduleTiming } from './schedule-spec';
import { ScheduleTrigger, type ScheduleFiring } from './schedule-trigger.port';
import type { CreateScheduleInput, FireOutcome, ScheduleView, UpdateScheduleInput } from './schedule.views';

const iso = (d: Date | null | undefined): string | null => (d ? new Date(d).toISOString() : null);

/**
 * Scheduled runs of stored pipelines (DESIGN §8.5): CRUD, and `fire`, which handles one due
 * time. The database decides: a due time is handled only while it is the schedule's
 * `next_fire_at`; the run it starts carries `(scheduleId, scheduledFor)`, unique on runs; then
 * `next_fire_at` moves on with a compare-and-set from that due time. So any number of
 * processes may be woken for the same due time: one run starts, one process moves the
 * schedule on and arms its next due time.
 */
@Injectable()
export class ScheduleService {
  private readonly logger = new Logger(ScheduleService.name);

  constructor(
    @InjectDataSource() private readonly dataSource: DataSource,
    private readonly definitions: PipelineDefinitionService,
    private readonly runs: RunService,
    private readonly trigger: ScheduleTrigger,
  ) {}

  /** 201: a new schedule of a stored pipeline (id or key); 404 unknown pipeline, 400 INVALID_SCHEDULE. */
  async create(pipelineIdOrKey: string, input: CreateScheduleInput): Promise<ScheduleView> {
    const pipeline = await this.definitions.get(pipelineIdOrKey);
    const now = new Date();
    const spec = parseScheduleSpec(input as ScheduleTiming, now);
    const enabled = checkEnabled(input.enabled) ?? true;
    const row: PipelineScheduleEntity = {
      id: randomUUID(),
      pipelineId: pipeline.id,
      kind: spec.kind,
      expression: spec.expression,
      timezone: spec.timezone,
      inputs: checkInputs(input.inputs) ?? {},
      businessKey: checkBusinessKey(input.businessKey) ?? null,
      enabled,
      nextFireAt: enabled ? firstFireAt(spec, now) : null,
      lastDueAt: null,
      lastFiredAt: null,
      lastRunId: null,
      lastOutcome: null,
      createdAt: now,
      updatedAt: now,
    };
    await runInTransaction(this.dataSource, (em) => em.save(PipelineScheduleEntity, { ...row }));
    this.logger.log(`schedule ${row.id}: created for pipeline ${row.pipelineId} (${spec.kind} '${spec.expression}' ${spec.timezone}), next ${iso(row.nextFireAt) ?? 'never'}`);
    await this.arm(row);
    return toView(row);
  }

  /** The schedules of a pipeline (id or key), oldest first; 404 unknown pipeline. */
  async list(pipelineIdOrKey: string): Promise<ScheduleView[]> {
    const pipeline = await this.definitions.get(pipelineIdOrKey);
    const rows = await runRead(this.dataSource, (em) =>
      em.find(PipelineScheduleEntity, { where: { pipelineId: pipeline.id }, order: { createdAt: 'ASC', id: 'ASC' } }),
    );
    return rows.map(toView);
  }

  /** 404 unknown schedule. */
  async get(id: string): Promise<ScheduleView> {
    return toView(await this.load(id));
  }

  /**
   * Changes a schedule: its timing (one of `cron`/`every`/`at`, or only `timezone`), inputs,
   * business key, or `enabled`. Off: no next due time. On again, or a new timing: the next due
   * time from now (no catch-up of what passed meanwhile).
   */
  async update(id: string, input: UpdateScheduleInput): Promise<ScheduleView> {
    const now = new Date();
    const { before, after } = await runInTransaction(this.dataSource, async (em) => {
      const row = await em.findOne(PipelineScheduleEntity, {
        where: { id },
        lock: isMysqlFamily(this.dataSource) ? { mode: 'pessimistic_write' } : undefined,
      });
      if (!row) throw new NotFoundError('schedule', id);
      const before = { ...row };
      let spec = specOf(row);
      const retimed = ['cron', 'every', 'at'].some((k) => (input as Record<string, unknown>)[k] !== undefined && (input as Record<string, unknown>)[k] !== null);
      if (retimed) {
        spec = parseScheduleSpec({ ...input, timezone: input.timezone ?? row.timezone }, now);
      } else if (input.timezone !== undefined && input.timezone !== null) {
        // Only the zone: the same expression read in the new zone (checked again).
        spec = parseScheduleSpec({ [spec.kind]: spec.kind === 'at' ? row.expression : spec.expression, timezone: checkTimezone(input.timezone) }, spec.kind === 'at' ? new Date(0) : now);
      }
      const enabled = checkEnabled(input.enabled) ?? row.enabled;
      const timingChanged = spec.expression !== row.expression || spec.kind !== row.kind || spec.timezone !== row.timezone;
      row.kind = spec.kind;
      row.expression = spec.expression;
      row.timezone = spec.timezone;
      if (input.inputs !== undefined) row.inputs = checkInputs(input.inputs) ?? {};
      if (input.businessKey !== undefined) row.businessKey = checkBusinessKey(input.businessKey) ?? null;
      if (!enabled) row.nextFireAt = null;
      else if (!row.enabled || timingChanged) row.nextFireAt = firstFireAt(spec, now);
      row.enabled = enabled;
      row.updatedAt = now;
      await em.save(PipelineScheduleEntity, row);
      return { before, after: row };
    });
    if (before.nextFireAt?.getTime() !== after.nextFireAt?.getTime()) {
      await this.disarm(before);
      await this.arm(after);
    }
    this.logger.log(`schedule ${id}: updated (${after.enabled ? 'on' : 'off'}, ${after.kind} '${after.expression}' ${after.timezone}), next ${iso(after.nextFireAt) ?? 'never'}`);
    return toView(after);
  }

  /** 404 unknown schedule. Its armed firing is dropped (one already delivered finds it gone). */
  async delete(id: string): Promise<void> {
    const row = await runInTransaction(this.dataSource, async (em) => {
      const found = await em.findOneBy(PipelineScheduleEntity, { id });
      if (!found) throw new NotFoundError('schedule', id);
      await em.delete(PipelineScheduleEntity, { id });
      return found;
    });
    await this.disarm(row);
    this.logger.log(`schedule ${id}: deleted`);
  }

  /**
   * Handles due time `due` of a schedule, if it still is its next one: starts a run of the
   * pipeline's latest version through `RunService.start` (admission applies) with
   * `scheduleId` and `scheduledFor = due`, or skips it when the definition is off (or the
   * start is refused), then moves the schedule on to its next due time after both `due` and
   * now (a due time missed while everything was down fires once) and arms it. Safe to call
   * any number of times, from any process, for the same due time. Throws only what is worth
   * retrying (the database, the queue).
   */
  async fire(scheduleId: string, due: Date): Promise<{ outcome: FireOutcome; runId: string | null }> {
    const row = await runRead(this.dataSource, (em) => em.findOneBy(PipelineScheduleEntity, { id: scheduleId }));
    if (!row || !row.enabled || !row.nextFireAt || row.nextFireAt.getTime() !== due.getTime()) {
      this.logger.debug(`schedule ${scheduleId}: due ${due.toISOString()} is not due (any more)`);
      return { outcome: 'stale', runId: null };
    }
    let outcome: FireOutcome = 'started';
    let runId: string | null = null;
    try {
      const run = await this.runs.start({
        pipelineId: row.pipelineId,
        inputs: row.inputs ?? {},
        ...(row.businessKey ? { businessKey: row.businessKey } : {}),
        scheduleId: row.id,
        scheduledFor: due,
      });
      runId = run.id;
    } catch (e) {
      if (isUniqueViolation(e)) {
        // Another process started it: this one only makes sure the schedule moves on.
        runId = await this.runFor(row.id, due);
      } else if (e instanceof PipelineError && e.code === 'PIPELINE_DISABLED') {
        outcome = 'skipped_disabled';
      } else if (e instanceof PipelineError && e.kind !== 'unavailable') {
        outcome = 'skipped_refused';
        this.logger.warn(`schedule ${row.id}: due ${due.toISOString()}: start refused (${e.code}): ${e.message}`);
      } else {
        throw e;
      }
    }
    const now = new Date();
    const next = nextFireAt(specOf(row), due, now);
    const moved = await runInTransaction(this.dataSource, (em) =>
      em
        .createQueryBuilder()
        .update(PipelineScheduleEntity)
        .set({ nextFireAt: next, lastDueAt: due, lastFiredAt: now, lastRunId: runId, lastOutcome: outcome, updatedAt: now })
        .where('id = :id AND next_fire_at = :due', { id: row.id, due: this.dbDate(due) })
        .execute(),
    );
    if (moved.affected === 1) {
      this.logger.log(
        `schedule ${row.id}: due ${due.toISOString()} ${outcome === 'started' ? `started run ${runId}` : outcome}; next ${iso(next) ?? 'never'}`,
      );
      if (next) await this.trigger.arm([{ scheduleId: row.id, dueAt: next.getTime() }]);
    } else {
      // Another process moved it on: arm what it moved it to here too (arming is idempotent), so
      // every process that was woken for this due time stays in the race for the next one.
      const now = await runRead(this.dataSource, (em) => em.findOneBy(PipelineScheduleEntity, { id: row.id }));
      if (now?.enabled && now.nextFireAt && now.nextFireAt.getTime() > due.getTime()) {
        await this.trigger.arm([{ scheduleId: now.id, dueAt: now.nextFireAt.getTime() }]);
      }
    }
    return { outcome, runId };
  }

  /**
   * The firings of every enabled schedule with a next due time, a page at a time in id order
   * (the runner's rebuild). `overdueBefore`: only those due before it (the sweep).
   */
  async pageArmed(afterId: string | null, limit: number, overdueBefore?: Date): Promise<ScheduleFiring[]> {
    const rows = await runRead(this.dataSource, (em) => {
      const qb = em
        .createQueryBuilder(PipelineScheduleEntity, 's')
        .select(['s.id', 's.nextFireAt'])
        .where('s.enabled = :on AND s.next_fire_at IS NOT NULL', { on: isMysqlFamily(this.dataSource) ? true : 1 });
      if (afterId) qb.andWhere('s.id > :afterId', { afterId });
      if (overdueBefore) qb.andWhere('s.next_fire_at < :before', { before: this.dbDate(overdueBefore) });
      return qb.orderBy('s.id', 'ASC').limit(limit).getMany();
    });
    return rows.map((r) => ({ scheduleId: r.id, dueAt: r.nextFireAt!.getTime() }));
  }

  private async runFor(scheduleId: string, due: Date): Promise<string | null> {
    const run = await runRead(this.dataSource, (em) =>
      em.createQueryBuilder(RunEntity, 'r').select(['r.id']).where('r.schedule_id = :scheduleId AND r.scheduled_for = :due', { scheduleId, due: this.dbDate(due) }).getOne(),
    );
    return run?.id ?? null;
  }

  /** A date as the database compares it (TypeORM's SQLite datetime text, a Date on MySQL). */
  private dbDate(d: Date): unknown {
    return isMysqlFamily(this.dataSource) ? d : d.toISOString().replace('T', ' ').replace('Z', '');
  }

  private async load(id: string): Promise<PipelineScheduleEntity> {
    const row = await runRead(this.dataSource, (em) => em.findOneBy(PipelineScheduleEntity, { id }));
    if (!row) throw new NotFoundError('schedule', id);
    return row;
  }

  /** Arms the next due time; a queue that is down is logged, not answered: the scanner's sweep arms it later. */
  private async arm(row: PipelineScheduleEntity): Promise<void> {
    if (!row.enabled || !row.nextFireAt) return;
    try {
      await this.trigger.arm([{ scheduleId: row.id, dueAt: row.nextFireAt.getTime() }]);
    } catch (e) {
      this.logger.warn(`schedule ${row.id}: could not arm ${row.nextFireAt.toISOString()} (${(e as Error)?.message ?? e}); the sweep will`);
    }
  }

  private async disarm(row: PipelineScheduleEntity): Promise<void> {
    try {
      await this.trigger.disarm(row.id, row.nextFireAt ? row.nextFireAt.getTime() : null);
    } catch (e) {
      this.logger.debug(`schedule ${row.id}: disarm failed: ${(e as Error)?.message ?? e}`);
    }
  }
}

function specOf(row: PipelineScheduleEntity): ScheduleSpec {
  return { kind: row.kind, expression: row.expression, timezone: row.timezone };
}

function checkEnabled(value: unknown): boolean | undefined {
  if (value === undefined || value === null) return undefined;
  if (typeof value !== 'boolean') throw new InvalidScheduleError('enabled', 'must be true or false');
  return value;
}

function checkInputs(value: unknown): Record<string, unknown> | undefined {
  if (value === undefined || value === null) return undefined;
  if (typeof value !== 'object' || Array.isArray(value)) throw new InvalidScheduleError('inputs', 'must be an object');
  return value as Record<string, unknown>;
}

function checkBusinessKey(value: unknown): string | undefined {
  if (value === undefined || value === null) return undefined;
  if (typeof value !== 'string' || value.length > 255) throw new InvalidScheduleError('businessKey', 'must be a string of at most 255 characters');
  return value;
}

export function toView(row: PipelineScheduleEntity): ScheduleView {
  const timing: Pick<ScheduleView, 'cron' | 'every' | 'at'> =
    row.kind === 'cron'
      ? { cron: row.expression }
      : row.kind === 'every'
        ? { every: /^\d+$/.test(row.expression) ? Number(row.expression) : row.expression }
        : { at: row.expression };
  return {
    id: row.id,
    pipelineId: row.pipelineId,
    kind: row.kind,
    ...timing,
    timezone: row.timezone,
    inputs: row.inputs ?? {},
    businessKey: row.businessKey ?? null,
    enabled: !!row.enabled,
    nextFireAt: iso(row.nextFireAt),
    lastDueAt: iso(row.lastDueAt),
    lastFiredAt: iso(row.lastFiredAt),
    lastRunId: row.lastRunId ?? null,
    lastOutcome: row.lastOutcome ?? null,
    createdAt: iso(row.createdAt)!,
    updatedAt: iso(row.updatedAt)!,
  };
}
