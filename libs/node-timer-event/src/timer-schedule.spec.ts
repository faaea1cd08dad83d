import { InvalidTimerError } from './invalid-timer.error';
import {
  firstDue,
  nextDue,
  occurrenceAt,
  parseTimerEvent,
  type ParseTimerOptions,
  type TimerSchedule,
  type TimerType,
} from './timer-schedule';

const at = (iso: string): number => {
  const ms = Date.parse(iso);
  if (Number.isNaN(ms)) throw new Error(`bad test date ${iso}`);
  return ms;
};
const parse = (timer_type: TimerType, defined: string, options?: ParseTimerOptions) =>
  parseTimerEvent({ timer_type, defined }, options);
const S = 1_000;
const H = 3_600 * S;
const D = 24 * H;

/** The first `n` due times of a schedule for a node started at `started`, firing on time. */
function dues(schedule: TimerSchedule, started: number, n: number): (number | null)[] {
  const out: (number | null)[] = [];
  let due = firstDue(schedule, started);
  for (let fired = 1; out.length < n; fired++) {
    out.push(due);
    if (due === null) break;
    due = nextDue(schedule, due, fired);
  }
  return out;
}

describe('parseTimerEvent: time_date', () => {
  const started = at('2024-05-05T10:00:00Z');
  it.each([
    ['2019-10-01T12:00:00Z', '2019-10-01T12:00:00Z'],
    ['2019-10-02T08:09:40+02:00', '2019-10-02T06:09:40Z'],
    ['2019-10-02T08:09:40+02:00[Europe/Berlin]', '2019-10-02T06:09:40Z'],
    ['2019-10-02T08:09:40[Europe/Berlin]', '2019-10-02T06:09:40Z'],
    ['2019-01-02T08:09:40[Europe/Berlin]', '2019-01-02T07:09:40Z'],
    ['2024-07-01T12:00:00-04:00[America/New_York]', '2024-07-01T16:00:00Z'],
    // DST: a wall time that does not exist moves forward; a repeated one takes its offset.
    ['2030-03-31T02:30:00[Europe/Berlin]', '2030-03-31T01:30:00Z'],
    ['2030-10-27T02:30:00+02:00[Europe/Berlin]', '2030-10-27T00:30:00Z'],
    ['2030-10-27T02:30:00+01:00[Europe/Berlin]', '2030-10-27T01:30:00Z'],
    ['2019-10-02T08:09:40.123Z', '2019-10-02T08:09:40.123Z'],
    ['2019-10-02T08:09:40.123+0530', '2019-10-02T02:39:40.123Z'],
    ['20191002T080940Z', '2019-10-02T08:09:40Z'],
    ['2019-W40-3T10:00Z', '2019-10-02T10:00:00Z'],
    ['2030-01-01[Asia/Tokyo]', '2029-12-31T15:00:00Z'],
    ['  2019-10-01T12:00:00Z  ', '2019-10-01T12:00:00Z'],
  ])('%s is the instant %s, due once', (defined, expected) => {
    const schedule = parse('time_date', defined);
    expect(schedule).toMatchObject({ timerType: 'time_date', at: at(expected), repetitions: 1 });
    expect(dues(schedule, started, 3)).toEqual([at(expected), null]);
  });

  it('keeps an instant in the past as is: the pool fires it at once', () => {
    const schedule = parse('time_date', '2019-10-01T12:00:00Z');
    expect(firstDue(schedule, started)).toBeLessThan(started);
  });

  it.each([
    ['2019-10-02T08:09:40', /names no instant: add an offset/],
    ['2019-10-02', /names no instant/],
    ['2019-13-01T00:00:00Z', /not an ISO 8601 date-time.*month/],
    ['2019-02-29T00:00:00Z', /not an ISO 8601 date-time/],
    ['2019-10-02T25:00:00Z', /not an ISO 8601 date-time/],
    ['2019-10-02 08:09:40Z', /not an ISO 8601 date-time/],
    [
      '2019-10-02T08:09:40+05:00[Europe/Berlin]',
      /offset \+05:00 does not match Europe\/Berlin, which is at \+02:00/,
    ],
    [
      '2030-03-31T02:30:00+02:00[Europe/Berlin]',
      /offset \+02:00 does not match Europe\/Berlin, which is at \+01:00/,
    ],
    ['2019-10-02T08:09:40+02:00[Mars/Olympus_Mons]', /unknown time zone 'Mars\/Olympus_Mons'/],
    ['2019-10-02T08:09:40Z]', /']' without '\['/],
    ['tomorrow', /not an ISO 8601 date-time/],
    ['PT1M', /not an ISO 8601 date-time/],
    ['', /defined is empty/],
    ['   ', /defined is empty/],
    ['x'.repeat(300), /longer than 256/],
  ])('refuses %j (%s)', (defined, message) => {
    expect(() => parse('time_date', defined)).toThrow(message);
  });
});

describe('parseTimerEvent: time_duration', () => {
  const started = at('2024-01-31T10:00:00Z');
  it.each([
    ['PT15S', 15 * S],
    ['PT1H30M', 1.5 * H],
    ['P14D', 14 * D],
    ['P14DT1H30M', 14 * D + 1.5 * H],
    ['PT0.5S', 500],
    ['PT1.5H', 1.5 * H],
    ['P2W', 14 * D],
    ['PT36H', 36 * H],
    ['PT0S', 0],
    ['P0D', 0],
  ])('%s after the node starts is +%d ms', (defined, delta) => {
    const schedule = parse('time_duration', defined);
    expect(schedule).toMatchObject({ timerType: 'time_duration', zone: 'UTC', repetitions: 1 });
    expect(dues(schedule, started, 3)).toEqual([started + delta, null]);
  });

  it.each([
    ['P1M', '2024-01-31T10:00:00Z', '2024-02-29T10:00:00Z'],
    ['P1M', '2023-01-31T10:00:00Z', '2023-02-28T10:00:00Z'],
    ['P1M', '2024-04-30T10:00:00Z', '2024-05-30T10:00:00Z'],
    ['P2M', '2024-12-31T00:00:00Z', '2025-02-28T00:00:00Z'],
    ['P1Y', '2024-02-29T12:00:00Z', '2025-02-28T12:00:00Z'],
    ['P1Y2M10DT2H30M', '2024-01-01T00:00:00Z', '2025-03-11T02:30:00Z'],
  ])('%s from %s is %s (calendar months and years)', (defined, from, expected) => {
    expect(firstDue(parse('time_duration', defined), at(from))).toBe(at(expected));
  });

  it.each([
    // Spring forward in Berlin (2024-03-31 02:00 → 03:00): a day is 23 hours of wall clock.
    ['P1D', 'Europe/Berlin', '2024-03-30T09:00:00+01:00', '2024-03-31T09:00:00+02:00'],
    ['PT24H', 'Europe/Berlin', '2024-03-30T09:00:00+01:00', '2024-03-31T10:00:00+02:00'],
    ['P1D', 'UTC', '2024-03-30T09:00:00+01:00', '2024-03-31T10:00:00+02:00'],
    // Fall back (2024-10-27 03:00 → 02:00): a day is 25 hours.
    ['P1D', 'Europe/Berlin', '2024-10-26T09:00:00+02:00', '2024-10-27T09:00:00+01:00'],
    ['P1W', 'America/New_York', '2024-03-05T09:00:00-05:00', '2024-03-12T09:00:00-04:00'],
  ])('%s in zone %s from %s is %s (DST)', (defined, zone, from, expected) => {
    expect(firstDue(parse('time_duration', defined, { zone }), at(from))).toBe(at(expected));
  });

  it.each([
    ['P', /has no units/],
    ['PT', /has no units/],
    ['-PT1M', /must not be negative/],
    ['PT-1M', /must not be negative/],
    ['pt1h', /not an ISO 8601 duration/],
    ['P1H', /not an ISO 8601 duration/],
    ['1h', /not an ISO 8601 duration/],
    ['15', /not an ISO 8601 duration/],
    ['PT1M junk', /not an ISO 8601 duration/],
    ['R5/PT1M', /not an ISO 8601 duration/],
    ['2019-10-01T12:00:00Z', /not an ISO 8601 duration/],
    ['P99999999999Y', /too long/],
  ])('refuses %j (%s)', (defined, message) => {
    expect(() => parse('time_duration', defined)).toThrow(message);
  });
});

describe('parseTimerEvent: time_cycle', () => {
  const started = at('2024-05-05T10:00:00Z');

  it.each([
    ['R5/PT10S', 5, [10, 20, 30, 40, 50].map((s) => started + s * S)],
    ['R1/P1D', 1, [started + D]],
    ['R3/PT1H', 3, [started + H, started + 2 * H, started + 3 * H]],
    ['PT10S', 1, [started + 10 * S]],
  ])('%s fires %d time(s), each due from the previous due time', (defined, n, expected) => {
    const schedule = parse('time_cycle', defined);
    expect(schedule).toMatchObject({ timerType: 'time_cycle', repetitions: n, start: null });
    expect(dues(schedule, started, n + 2)).toEqual([...expected, null]);
  });

  it('R/<duration> is unbounded and never drifts', () => {
    const schedule = parse('time_cycle', 'R/PT10S');
    expect(schedule).toMatchObject({ repetitions: null, start: null });
    const got = dues(schedule, started, 10_000);
    expect(got).toHaveLength(10_000);
    expect(got[9_999]).toBe(started + 10_000 * 10 * S);
    expect(nextDue(schedule, started, Number.MAX_SAFE_INTEGER)).toBe(started + 10 * S);
  });

  it('computes the next due time from the previous due time, not from a late firing', () => {
    const schedule = parse('time_cycle', 'R3/PT1M');
    const first = firstDue(schedule, started)!;
    // However late the first firing ran, the second is one minute after the first *due* time.
    expect(nextDue(schedule, first, 1)).toBe(first + 60 * S);
  });

  it('chains calendar months from each previous due time (Jan 31 → Feb 29 → Mar 29)', () => {
    const schedule = parse('time_cycle', 'R3/P1M');
    expect(dues(schedule, at('2024-01-01T10:00:00Z'), 4)).toEqual([
      at('2024-02-01T10:00:00Z'),
      at('2024-03-01T10:00:00Z'),
      at('2024-04-01T10:00:00Z'),
      null,
    ]);
    expect(dues(parse('time_cycle', 'R3/P1M'), at('2023-12-31T10:00:00Z'), 3)).toEqual([
      at('2024-01-31T10:00:00Z'),
      at('2024-02-29T10:00:00Z'),
      at('2024-03-29T10:00:00Z'),
    ]);
  });

  it('Rn/<start>/<duration> fires at the start, then every duration, in the start zone (DST kept)', () => {
    const schedule = parse('time_cycle', 'R3/2030-03-30T09:00:00+01:00[Europe/Berlin]/P1D');
    expect(schedule).toMatchObject({
      repetitions: 3,
      start: at('2030-03-30T08:00:00Z'),
      zone: 'Europe/Berlin',
    });
    expect(dues(schedule, at('2030-03-01T00:00:00Z'), 4)).toEqual([
      at('2030-03-30T08:00:00Z'),
      at('2030-03-31T07:00:00Z'), // 09:00 CEST: the clocks went forward overnight
      at('2030-04-01T07:00:00Z'),
      null,
    ]);
  });

  it('uses the fixed offset of a start without a zone', () => {
    const schedule = parse('time_cycle', 'R2/2030-03-30T09:00:00+01:00/P1D');
    expect(dues(schedule, at('2030-03-01T00:00:00Z'), 2)).toEqual([
      at('2030-03-30T08:00:00Z'),
      at('2030-03-31T08:00:00Z'),
    ]);
  });

  it.each([
    ['R/2020-01-01T00:00:00Z/PT1H', '2024-05-05T10:30:00Z', '2024-05-05T11:00:00Z'],
    ['R/2020-01-01T00:00:00Z/PT1H', '2024-05-05T10:00:00Z', '2024-05-05T10:00:00Z'],
    ['R/2024-01-31T10:00:00Z/P1M', '2024-04-15T00:00:00Z', '2024-04-29T10:00:00Z'],
    ['R/2024-05-05T10:00:00Z/PT1M', '2024-05-05T10:00:00Z', '2024-05-05T10:00:00Z'],
    // Far behind, calendar days in a DST zone: jumps, then walks; stays at 09:00 Berlin.
    ['R/2000-01-01T09:00:00[Europe/Berlin]/P1D', '2030-06-15T12:00:00Z', '2030-06-16T07:00:00Z'],
    ['R/2000-01-01T09:00:00[Europe/Berlin]/P1D', '2030-01-15T12:00:00Z', '2030-01-16T08:00:00Z'],
  ])(
    '%s for a node started %s first fires at %s (earlier occurrences skipped)',
    (defined, from, expected) => {
      expect(firstDue(parse('time_cycle', defined), at(from))).toBe(at(expected));
    },
  );

  it('counts firings, not skipped occurrences, against n', () => {
    const schedule = parse('time_cycle', 'R2/2020-01-01T00:00:00Z/PT1H');
    expect(dues(schedule, at('2024-05-05T10:30:00Z'), 3)).toEqual([
      at('2024-05-05T11:00:00Z'),
      at('2024-05-05T12:00:00Z'),
      null,
    ]);
  });

  it.each([
    ['R0/PT1M', /at least 1/],
    ['Rx/PT1M', /'x' is not a whole number/],
    ['R-1/PT1M', /'-1' is not a whole number/],
    ['R1.5/PT1M', /not a whole number/],
    ['RR/PT1M', /not a whole number/],
    ['R99999999999999999999/PT1M', /too large/],
    ['R5', /a cycle is Rn\/<duration>/],
    ['R5/', /not an ISO 8601 duration/],
    ['R5/PT0S', /longer than 0/],
    ['R/PT0.0001S', /longer than 0/],
    ['PT0S', /longer than 0/],
    ['R5/P', /has no units/],
    ['R/-PT1M', /must not be negative/],
    ['R5/2019-10-02T08:09:40/PT1M', /names no instant/],
    ['R5/PT1M/2030-01-01T00:00:00Z', /R\/<duration>\/<end> is not supported/],
    ['R5/2030-01-01T00:00:00+02:00[Europe/Berlin]', /needs a duration after its start/],
    ['R5/2030-01-01T00:00:00+02:00[Nowhere/Land]/PT1M', /unknown time zone/],
    ['R5/tomorrow/PT1M', /not an ISO 8601 date-time/],
    ['every 5 minutes', /not an ISO 8601 duration/],
    ['*/5 * * * *', /not an ISO 8601 duration/],
  ])('refuses %j (%s)', (defined, message) => {
    expect(() => parse('time_cycle', defined)).toThrow(message);
  });
});

describe('parseTimerEvent: garbage', () => {
  it.each([
    [
      { timer_type: 'sometimes', defined: 'PT1M' },
      /timer_type must be one of: time_date, time_duration, time_cycle/,
    ],
    [{ timer_type: undefined, defined: 'PT1M' }, /timer_type must be one of/],
    [{ timer_type: 'time_duration', defined: 60 }, /defined must be a string/],
    [{ timer_type: 'time_duration', defined: null }, /defined must be a string/],
    [{ timer_type: 'time_duration', defined: ['PT1M'] }, /defined must be a string/],
    [null, /timer_type must be one of/],
  ])('refuses %j', (def, message) => {
    expect(() => parseTimerEvent(def as never)).toThrow(message);
  });

  it('refuses an unknown zone option', () => {
    expect(() => parse('time_duration', 'PT1M', { zone: 'Mars/Base' })).toThrow(
      /unknown zone option/,
    );
  });

  it('throws InvalidTimerError: code INVALID_TIMER, kind invalid, a message naming the definition', () => {
    try {
      parse('time_cycle', 'R0/PT1M');
      throw new Error('expected a throw');
    } catch (error) {
      expect(error).toBeInstanceOf(InvalidTimerError);
      const e = error as InvalidTimerError;
      expect(e.code).toBe('INVALID_TIMER');
      expect(e.kind).toBe('invalid');
      expect(e.message).toBe(
        'Invalid timer time_cycle "R0/PT1M": the repetition count must be at least 1',
      );
      expect(e.reason).toBe('the repetition count must be at least 1');
      expect(e.context).toEqual({ timerType: 'time_cycle', defined: 'R0/PT1M' });
    }
  });

  it('gives plain, JSON-safe schedules', () => {
    const schedule = parse('time_cycle', 'R3/2030-03-30T09:00:00+01:00[Europe/Berlin]/P1DT2H');
    expect(JSON.parse(JSON.stringify(schedule))).toEqual(schedule);
    expect(schedule.timerType === 'time_cycle' && schedule.duration).toEqual({ days: 1, hours: 2 });
  });
});

describe('occurrenceAt: a firing counts itself from its due time', () => {
  const started = at('2024-01-31T09:00:00Z');

  it.each([
    ['time_cycle', 'R5/PT10S'],
    ['time_cycle', 'R/PT0.25S'],
    ['time_cycle', 'R4/P1M'],
    ['time_cycle', 'R6/P1D'],
    ['time_cycle', 'R3/2024-01-01T00:00:00Z/P1W'],
    ['time_cycle', 'R/2024-03-30T09:00:00[Europe/Berlin]/P1D'],
  ] as [TimerType, string][])('%s %s: the k-th due time is occurrence k', (type, defined) => {
    const schedule = parse(type, defined, { zone: 'Europe/Berlin' });
    const list = dues(schedule, started, 6).filter((d): d is number => d !== null);
    expect(list.map((d) => occurrenceAt(schedule, started, d))).toEqual(list.map((_, i) => i + 1));
  });

  it('is 1 for dates and durations, and caps at the repetitions', () => {
    expect(occurrenceAt(parse('time_date', '2019-10-01T12:00:00Z'), started, 5)).toBe(1);
    expect(occurrenceAt(parse('time_duration', 'PT5S'), started, started + 5 * S)).toBe(1);
    const r2 = parse('time_cycle', 'R2/PT1S');
    expect(occurrenceAt(r2, started, started + 10 * S)).toBe(2);
  });

  it('tolerates fractions of a ms, and counts far-away firings without walking forever', () => {
    const cycle = parse('time_cycle', 'R/PT0.1S');
    expect(occurrenceAt(cycle, started, started + 100.4)).toBe(1);
    expect(occurrenceAt(cycle, started, started + 200.3)).toBe(2);
    const daily = parse('time_cycle', 'R/P1D', { zone: 'Europe/Berlin' });
    let due = firstDue(daily, started)!;
    for (let k = 1; k < 400; k++) due = nextDue(daily, due, k)!;
    expect(occurrenceAt(daily, started, due)).toBe(400);
  });
});
