/**
 * Timer definitions of `events.timer_events` (DESIGN §7), parsed once into a `TimerSchedule`
 * and turned into due times (ms since the epoch) by `firstDue` / `nextDue`.
 *
 * - `time_date`: an ISO 8601 instant with an offset (`2019-10-01T12:00:00Z`,
 *   `2019-10-02T08:09:40+02:00`), a zone (`2019-10-02T08:09:40[Europe/Berlin]`), or both
 *   (`2019-10-02T08:09:40+02:00[Europe/Berlin]`, the offset must match the zone then). A
 *   local date-time without either is refused: it names no instant. An instant already past
 *   is due at once.
 * - `time_duration`: `PnYnMnWnDTnHnMnS` after the node started (zero allowed).
 * - `time_cycle`: `Rn/<duration>` fires n times, `R/<duration>` until the node leaves
 *   RUNNING, `Rn/<start>/<duration>` (or `R/<start>/<duration>`) at `start` and every
 *   duration after it; occurrences before the node started are skipped, not fired late, and
 *   n counts firings. A bare `<duration>` fires once (bamboo accepts it). The duration must
 *   be positive.
 *
 * Each next due time is the previous *due* time plus the duration (never the firing time),
 * so a late scan does not push later firings back. Calendar units follow the wall clock of
 * the schedule's zone: `P1D` in `Europe/Berlin` stays at 09:00 across a DST change, and
 * `P1M` from Jan 31 gives Feb 29 (2024), then Mar 29 (each step from the previous one, as
 * ISO 8601 repeating intervals chain). Relative schedules use `ParseTimerOptions.zone`
 * (UTC by default); a cycle with a start uses the start's zone (or its fixed offset).
 *
 * Parsing is luxon's (ISO 8601, IANA zones); only the `R…/…/…` and `[zone]` framing is
 * split here.
 */
import type { TimerEventDefinition } from '@app/pipeline';
import { DateTime, Duration, IANAZone, type DurationObjectUnits } from 'luxon';
import { InvalidTimerError } from './invalid-timer.error';

export type TimerType = TimerEventDefinition['timer_type'];

/** The `timer_type` values, as bamboo names them. */
export const TIMER_TYPES: readonly TimerType[] = Object.freeze([
  'time_date',
  'time_duration',
  'time_cycle',
]);

/** Longest `defined` text accepted; real definitions are a few dozen characters. */
export const MAX_TIMER_DEFINITION_LENGTH = 256;

/** Past this many calendar steps, catching up a cycle's start jumps instead of walking. */
const MAX_WALK = 10_000;

/** Calendar steps `occurrenceAt` walks before estimating the rest. */
const MAX_OCCURRENCE_WALK = 100_000;

export interface TimeDateSchedule {
  timerType: 'time_date';
  defined: string;
  /** The instant, ms since the epoch. */
  at: number;
  /** Always 1: a date fires once. */
  repetitions: 1;
}

export interface TimeDurationSchedule {
  timerType: 'time_duration';
  defined: string;
  /** The duration's units as written (luxon `Duration` object form). */
  duration: DurationObjectUnits;
  /** Zone whose wall clock calendar units follow (luxon zone name, e.g. `UTC`, `Europe/Berlin`). */
  zone: string;
  repetitions: 1;
}

export interface TimeCycleSchedule {
  timerType: 'time_cycle';
  defined: string;
  duration: DurationObjectUnits;
  zone: string;
  /** First occurrence (ms since the epoch), or `null`: the cycle starts when the node does. */
  start: number | null;
  /** How many times it fires; `null` = unbounded (`R/...`). */
  repetitions: number | null;
}

/** A parsed, valid timer definition. Plain data: safe to cache or serialize. */
export type TimerSchedule = TimeDateSchedule | TimeDurationSchedule | TimeCycleSchedule;

export interface ParseTimerOptions {
  /**
   * Zone of relative schedules (`time_duration`, cycles without a start): decides what a
   * day or a month is across DST changes. Default `UTC`.
   */
  zone?: string;
}

/**
 * Parses one timer event's `timer_type` and `defined` (other keys are ignored). Takes
 * `unknown`s so validation can call it on raw input.
 * @throws InvalidTimerError with a message saying what is wrong
 */
export function parseTimerEvent(
  def: { timer_type: unknown; defined: unknown },
  options: ParseTimerOptions = {},
): TimerSchedule {
  const { timer_type: timerType, defined: raw } = def ?? ({} as typeof def);
  const fail = (reason: string): never => {
    throw new InvalidTimerError(timerType, raw, reason);
  };
  if (!TIMER_TYPES.includes(timerType as TimerType)) {
    fail(`timer_type must be one of: ${TIMER_TYPES.join(', ')}`);
  }
  if (typeof raw !== 'string') return fail('defined must be a string');
  const defined = raw.trim();
  if (defined === '') return fail('defined is empty');
  if (defined.length > MAX_TIMER_DEFINITION_LENGTH) {
    return fail(`defined is longer than ${MAX_TIMER_DEFINITION_LENGTH} characters`);
  }
  const zone = options.zone ?? 'UTC';
  if (!IANAZone.isValidZone(zone)) fail(`unknown zone option '${zone}'`);

  if (timerType === 'time_date') {
    return { timerType, defined, at: parseInstant(defined, fail).toMillis(), repetitions: 1 };
  }
  if (timerType === 'time_duration') {
    const duration = parseDuration(defined, fail, true).toObject();
    return { timerType, defined, duration, zone, repetitions: 1 };
  }
  return parseCycle(defined, zone, fail);
}

/**
 * When the timer is first due for a node that entered RUNNING at `nodeStartedAt` (ms):
 * the instant for `time_date` (maybe already past: fire at once), start + duration for
 * `time_duration` and relative cycles, the first occurrence at or after the node start for
 * a cycle with a start. Every valid schedule fires at least once, so this is never null
 * today; callers should still treat `null` as "never".
 */
export function firstDue(schedule: TimerSchedule, nodeStartedAt: number): number | null {
  switch (schedule.timerType) {
    case 'time_date':
      return schedule.at;
    case 'time_duration':
      return plus(nodeStartedAt, schedule.duration, schedule.zone);
    case 'time_cycle':
      return schedule.start === null
        ? plus(nodeStartedAt, schedule.duration, schedule.zone)
        : firstOccurrenceFrom(schedule, nodeStartedAt);
  }
}

/**
 * The due time after `previousDue`, once the timer has fired `firedCount` times (the
 * firing at `previousDue` included), or `null` when it is exhausted. Computed from the
 * previous due time, not from when it actually fired, so cycles do not drift.
 */
export function nextDue(
  schedule: TimerSchedule,
  previousDue: number,
  firedCount: number,
): number | null {
  if (schedule.timerType !== 'time_cycle') return null;
  if (schedule.repetitions !== null && firedCount >= schedule.repetitions) return null;
  return plus(previousDue, schedule.duration, schedule.zone);
}

/**
 * Which firing (1 = the first) of `schedule` is the one due at `dueAt`, for a node that
 * entered RUNNING at `nodeStartedAt`: the inverse of `firstDue` / `nextDue`, so a firing can
 * count itself from its due time alone (the executing pool stores nothing else). Always 1
 * for a date or a duration; capped at the cycle's repetitions.
 */
export function occurrenceAt(schedule: TimerSchedule, nodeStartedAt: number, dueAt: number): number {
  if (schedule.timerType !== 'time_cycle') return 1;
  const first = firstDue(schedule, nodeStartedAt);
  // Half a ms of slack: due times may carry fractions of a ms.
  if (first === null || dueAt <= first + 0.5) return 1;
  const fixed = fixedLengthMs(schedule.duration, schedule.zone);
  let n: number;
  if (fixed !== null) {
    n = Math.round((dueAt - first) / fixed) + 1;
  } else {
    // Calendar units (months, days across DST): walk, as nextDue chains them.
    let at = first;
    n = 1;
    while (at < dueAt - 0.5 && n < MAX_OCCURRENCE_WALK) {
      at = plus(at, schedule.duration, schedule.zone);
      n++;
    }
    if (at < dueAt - 0.5) {
      n += Math.round((dueAt - at) / Duration.fromObject(schedule.duration).toMillis());
    }
  }
  return schedule.repetitions === null ? n : Math.min(n, schedule.repetitions);
}

// ------------------------------------------------------------------ parsing

type Fail = (reason: string) => never;

function parseCycle(defined: string, zone: string, fail: Fail): TimeCycleSchedule {
  if (!defined.startsWith('R')) {
    // bamboo's form without repetitions: the duration alone, once.
    const duration = parseDuration(defined, fail, false);
    return {
      timerType: 'time_cycle',
      defined,
      duration: duration.toObject(),
      zone,
      start: null,
      repetitions: 1,
    };
  }
  const firstSlash = defined.indexOf('/');
  const lastSlash = defined.lastIndexOf('/');
  if (firstSlash < 0) fail('a cycle is Rn/<duration>, R/<duration> or Rn/<start>/<duration>');
  const count = defined.slice(1, firstSlash);
  let repetitions: number | null = null;
  if (count !== '') {
    if (!/^\d+$/.test(count)) fail(`the repetition count '${count}' is not a whole number`);
    repetitions = Number(count);
    if (!Number.isSafeInteger(repetitions)) fail(`the repetition count ${count} is too large`);
    if (repetitions < 1) fail('the repetition count must be at least 1');
  }
  const durationText = defined.slice(lastSlash + 1);
  if (durationText.endsWith(']'))
    fail('a cycle needs a duration after its start (Rn/<start>/<duration>)');
  // The start may hold a '/' of its own, inside a [Region/City] zone.
  const startText = lastSlash > firstSlash ? defined.slice(firstSlash + 1, lastSlash) : null;
  if (startText !== null && startText.startsWith('P')) {
    fail('the form R/<duration>/<end> is not supported; use R/<start>/<duration>');
  }
  const duration = parseDuration(durationText, fail, false);
  if (startText === null) {
    return {
      timerType: 'time_cycle',
      defined,
      duration: duration.toObject(),
      zone,
      start: null,
      repetitions,
    };
  }
  const start = parseInstant(startText, fail);
  return {
    timerType: 'time_cycle',
    defined,
    duration: duration.toObject(),
    zone: start.zoneName ?? 'UTC',
    start: start.toMillis(),
    repetitions,
  };
}

/**
 * An ISO 8601 duration, all units ≥ 0. `allowZero`: `time_duration` may be `PT0S` (fire at
 * once); a cycle may not (it would fire in a busy loop).
 */
function parseDuration(text: string, fail: Fail, allowZero: boolean): Duration {
  const duration = Duration.fromISO(text);
  if (!duration.isValid) {
    return fail(`'${text}' is not an ISO 8601 duration (PnYnMnWnDTnHnMnS, e.g. PT15S, P1DT2H)`);
  }
  const units = Object.values(duration.toObject());
  if (units.length === 0) fail(`'${text}' has no units (e.g. PT15S)`);
  if (units.some((v) => v < 0)) fail('the duration must not be negative');
  if (!allowZero && !(duration.toMillis() > 0))
    fail('the duration of a cycle must be longer than 0');
  const probe = DateTime.fromMillis(0, { zone: 'UTC' }).plus(duration);
  if (!probe.isValid) fail('the duration is too long');
  return duration;
}

/** An instant: ISO 8601 date-time with an offset and/or a `[Region/City]` zone. */
function parseInstant(text: string, fail: Fail): DateTime {
  let body = text;
  let zoneName: string | null = null;
  if (text.endsWith(']')) {
    const open = text.lastIndexOf('[');
    if (open < 0) fail(`'${text}' has a ']' without '['`);
    zoneName = text.slice(open + 1, -1);
    body = text.slice(0, open);
    if (!IANAZone.isValidZone(zoneName)) fail(`unknown time zone '${zoneName}'`);
  }
  // Parsed twice with two default zones: the same instant both times means the text has
  // an offset of its own.
  const a = DateTime.fromISO(body, { setZone: true, zone: 'UTC' });
  if (!a.isValid) {
    return fail(
      `'${body}' is not an ISO 8601 date-time (e.g. 2019-10-01T12:00:00Z): ${a.invalidExplanation ?? a.invalidReason}`,
    );
  }
  const hasOffset =
    a.toMillis() === DateTime.fromISO(body, { setZone: true, zone: 'UTC+1' }).toMillis();
  if (zoneName === null) {
    if (!hasOffset) {
      fail(`'${body}' names no instant: add an offset (Z, +02:00) or a zone ([Europe/Berlin])`);
    }
    return a;
  }
  if (!hasOffset) return DateTime.fromISO(body, { zone: zoneName });
  const inZone = a.setZone(zoneName);
  if (inZone.offset !== a.offset) {
    fail(
      `the offset ${a.toFormat('ZZ')} does not match ${zoneName}, which is at ${inZone.toFormat('ZZ')} then`,
    );
  }
  return inZone;
}

// ------------------------------------------------------------------ arithmetic

function plus(ms: number, duration: DurationObjectUnits, zone: string): number {
  return DateTime.fromMillis(ms, { zone }).plus(duration).toMillis();
}

/** Calendar units whose length depends on the date (and, for days and weeks, on DST). */
function fixedLengthMs(duration: DurationObjectUnits, zone: string): number | null {
  if (duration.years || duration.quarters || duration.months) return null;
  const universal = DateTime.fromMillis(0, { zone }).zone.isUniversal;
  if (!universal && (duration.weeks || duration.days)) return null;
  return Duration.fromObject(duration).toMillis();
}

/** The first of start, start + d, start + d + d, ... that is at or after `floor`. */
function firstOccurrenceFrom(schedule: TimeCycleSchedule, floor: number): number {
  const start = schedule.start as number;
  const { duration, zone } = schedule;
  if (start >= floor) return start;
  const fixed = fixedLengthMs(duration, zone);
  if (fixed !== null) return start + Math.ceil((floor - start) / fixed) * fixed;
  let at = start;
  const approx = Duration.fromObject(duration).toMillis();
  const behind = Math.floor((floor - start) / approx);
  if (behind > MAX_WALK) {
    // Far behind: jump most of the way (k steps at once), then walk the rest.
    const k = behind - 2;
    at = DateTime.fromMillis(start, { zone })
      .plus(Duration.fromObject(duration).mapUnits((v) => v * k))
      .toMillis();
  }
  while (at < floor) at = plus(at, duration, zone);
  return at;
}
