import { CronExpressionParser } from 'cron-parser';
import { DateTime, Duration, IANAZone } from 'luxon';
import { InvalidScheduleError } from './invalid-schedule.error';

/**
 * When a schedule fires (DESIGN §8.5), as pure functions: no clock is read here, `now` is
 * always passed in, so the next-fire tables are plain unit tests.
 *
 * - `cron`: 5 fields (minute first) or 6 (seconds first), evaluated in `timezone` (IANA, default
 *   UTC) by `cron-parser` (the evaluator BullMQ's own job schedulers use; zones and DST through
 *   luxon). A wall time skipped by a DST change runs at the same offset past the gap (cron-parser's
 *   rule); an ambiguous one runs once.
 * - `every`: an ISO 8601 duration (`PT30S`, `P1D`) or milliseconds; a fixed interval (a day is
 *   24 h, a month 30 days: calendar-aligned schedules are what `cron` is for). The first firing is
 *   one interval after creation (or after switching the schedule on again).
 * - `at`: one ISO 8601 instant (an offset or `Z`; without one, read in `timezone`), in the future.
 */
export type ScheduleKind = 'cron' | 'every' | 'at';
export const SCHEDULE_KINDS: readonly ScheduleKind[] = ['cron', 'every', 'at'];

export interface ScheduleSpec {
  kind: ScheduleKind;
  /** The cron expression, the `every` interval as given (ISO duration or ms digits), or the `at` instant (ISO, UTC). */
  expression: string;
  /** IANA zone the cron (or an offset-less `at`) is read in. */
  timezone: string;
}

/** What a create or change call says about timing. */
export interface ScheduleTiming {
  cron?: unknown;
  every?: unknown;
  at?: unknown;
  timezone?: unknown;
}

/** The longest `every` accepted (10 years), so due times stay well inside a datetime column. */
export const MAX_EVERY_MS = 10 * 366 * 24 * 3600 * 1000;

/** The zone a timing names (`UTC` when none); 400 INVALID_SCHEDULE (`timezone`) for an unknown one. */
export function checkTimezone(value: unknown): string {
  if (value === undefined || value === null) return 'UTC';
  if (typeof value !== 'string' || !value.trim() || !IANAZone.isValidZone(value.trim())) {
    throw new InvalidScheduleError('timezone', `'${String(value)}' is not an IANA time zone (e.g. Europe/Paris, UTC)`);
  }
  return value.trim();
}

/**
 * The spec of a timing: exactly one of `cron`, `every`, `at`, each checked (400
 * INVALID_SCHEDULE naming the field). `at` must be after `now`.
 */
export function parseScheduleSpec(input: ScheduleTiming, now: Date): ScheduleSpec {
  const given = SCHEDULE_KINDS.filter((k) => input[k] !== undefined && input[k] !== null);
  if (given.length !== 1) {
    throw new InvalidScheduleError(
      given.length ? given.join(',') : 'cron|every|at',
      given.length ? `give exactly one of cron, every, at (got ${given.join(', ')})` : 'give one of cron, every, at',
    );
  }
  const kind = given[0];
  const timezone = checkTimezone(input.timezone);
  switch (kind) {
    case 'cron':
      return { kind, expression: checkCron(input.cron, timezone), timezone };
    case 'every': {
      const expression = typeof input.every === 'number' ? String(input.every) : input.every;
      everyMs(expression);
      return { kind, expression: String(expression).trim(), timezone };
    }
    case 'at':
      return { kind, expression: checkAt(input.at, timezone, now), timezone };
  }
}

function checkCron(value: unknown, timezone: string): string {
  if (typeof value !== 'string' || !value.trim()) throw new InvalidScheduleError('cron', 'a cron expression is a string of 5 or 6 fields');
  const expression = value.trim().split(/\s+/).join(' ');
  const fields = expression.split(' ').length;
  if (fields !== 5 && fields !== 6) {
    throw new InvalidScheduleError('cron', `'${expression}' has ${fields} field(s); give 5 (minute hour day month weekday) or 6 (seconds first)`);
  }
  try {
    // Parsing checks the fields; one next() checks that it can ever fire.
    CronExpressionParser.parse(expression, { tz: timezone, currentDate: new Date(0), strict: false }).next();
  } catch (e) {
    throw new InvalidScheduleError('cron', `'${expression}': ${(e as Error).message}`);
  }
  return expression;
}

/** An `every` in milliseconds; 400 INVALID_SCHEDULE (`every`) unless a positive ISO 8601 duration or integer. */
export function everyMs(value: unknown): number {
  let ms: number;
  if (typeof value === 'number' || (typeof value === 'string' && /^\s*-?\d+(\.\d+)?\s*$/.test(value))) {
    ms = Number(value);
    if (!Number.isInteger(ms)) throw new InvalidScheduleError('every', `${String(value)} is not a whole number of milliseconds`);
  } else if (typeof value === 'string') {
    const d = Duration.fromISO(value.trim());
    if (!d.isValid) throw new InvalidScheduleError('every', `'${value}' is neither an ISO 8601 duration (e.g. PT30S, P1D) nor milliseconds`);
    ms = d.toMillis();
  } else {
    throw new InvalidScheduleError('every', 'give an ISO 8601 duration (e.g. PT5M) or milliseconds');
  }
  if (!(ms > 0)) throw new InvalidScheduleError('every', `the interval must be greater than zero (got ${String(value)})`);
  if (ms > MAX_EVERY_MS) throw new InvalidScheduleError('every', 'the interval must be at most 10 years');
  return ms;
}

function checkAt(value: unknown, timezone: string, now: Date): string {
  if (typeof value !== 'string' || !value.trim()) throw new InvalidScheduleError('at', 'give an ISO 8601 instant, e.g. 2030-01-01T09:00:00Z');
  const dt = DateTime.fromISO(value.trim(), { zone: timezone });
  if (!dt.isValid) throw new InvalidScheduleError('at', `'${value}' is not an ISO 8601 instant`);
  if (dt.toMillis() <= now.getTime()) throw new InvalidScheduleError('at', `'${value}' is not in the future`);
  return dt.toUTC().toISO()!;
}

/** The first due time of a schedule created (or switched on) at `now`; null when it will never fire. */
export function firstFireAt(spec: ScheduleSpec, now: Date): Date | null {
  switch (spec.kind) {
    case 'cron':
      return cronAfter(spec, now);
    case 'every':
      return new Date(now.getTime() + everyMs(spec.expression));
    case 'at': {
      const at = new Date(spec.expression);
      return at.getTime() > now.getTime() ? at : null;
    }
  }
}

/**
 * The due time after the one handled (`due`), handled at `now`: the first one after both. So a
 * schedule that missed slots (everything was down) fires once for them and carries on from
 * now; `every` keeps its grid (due + k × interval), so it never drifts. Null: no more firings.
 */
export function nextFireAt(spec: ScheduleSpec, due: Date, now: Date): Date | null {
  switch (spec.kind) {
    case 'cron':
      return cronAfter(spec, new Date(Math.max(due.getTime(), now.getTime())));
    case 'every': {
      const ms = everyMs(spec.expression);
      const behind = now.getTime() - due.getTime();
      const steps = behind < ms ? 1 : Math.floor(behind / ms) + 1;
      return new Date(due.getTime() + steps * ms);
    }
    case 'at':
      return null;
  }
}

function cronAfter(spec: ScheduleSpec, after: Date): Date | null {
  const it = CronExpressionParser.parse(spec.expression, { tz: spec.timezone, currentDate: after });
  try {
    return it.next().toDate();
  } catch {
    return null;
  }
}
