import { InvalidScheduleError } from './invalid-schedule.error';
import { everyMs, firstFireAt, nextFireAt, parseScheduleSpec, type ScheduleSpec } from './schedule-spec';

const d = (s: string) => new Date(s);
const iso = (x: Date | null) => (x ? x.toISOString() : null);
const cron = (expression: string, timezone = 'UTC'): ScheduleSpec => ({ kind: 'cron', expression, timezone });

describe('schedule timing (DESIGN §8.5)', () => {
  describe('cron: next due time strictly after a moment', () => {
    it.each([
      ['5 fields, every minute', cron('* * * * *'), '2026-01-10T10:00:30Z', '2026-01-10T10:01:00.000Z'],
      ['5 fields, on the minute is not after it', cron('* * * * *'), '2026-01-10T10:01:00Z', '2026-01-10T10:02:00.000Z'],
      ['5 fields, weekdays at 9', cron('0 9 * * 1-5'), '2026-01-09T09:00:00Z', '2026-01-12T09:00:00.000Z'],
      ['6 fields: seconds first', cron('*/10 * * * * *'), '2026-01-10T10:00:03Z', '2026-01-10T10:00:10.000Z'],
      ['6 fields, every second', cron('* * * * * *'), '2026-01-10T10:00:00.400Z', '2026-01-10T10:00:01.000Z'],
      ['in a zone (Paris is UTC+1 in winter)', cron('0 9 * * *', 'Europe/Paris'), '2026-01-10T00:00:00Z', '2026-01-10T08:00:00.000Z'],
      ['in a zone (Paris is UTC+2 in summer)', cron('0 9 * * *', 'Europe/Paris'), '2026-07-10T00:00:00Z', '2026-07-10T07:00:00.000Z'],
      ['New York at 9 across the spring change', cron('0 9 * * *', 'America/New_York'), '2026-03-07T15:00:00Z', '2026-03-08T13:00:00.000Z'],
      ['New York at 9 the day before the change', cron('0 9 * * *', 'America/New_York'), '2026-03-07T00:00:00Z', '2026-03-07T14:00:00.000Z'],
    ])('%s', (_what, spec, after, expected) => {
      expect(iso(nextFireAt(spec, d(after), d(after)))).toBe(expected);
      expect(iso(firstFireAt(spec, d(after)))).toBe(expected);
    });

    it('a wall time skipped by the spring change (02:30 in Paris on 2026-03-29) fires once that day, then at 02:30 again', () => {
      const spec = cron('30 2 * * *', 'Europe/Paris');
      const first = firstFireAt(spec, d('2026-03-28T12:00:00Z'))!;
      // cron-parser moves the skipped 02:30 past the gap (03:30 CEST), once.
      expect(first.toISOString()).toBe('2026-03-29T01:30:00.000Z');
      const second = nextFireAt(spec, first, first)!;
      expect(second.toISOString()).toBe('2026-03-30T00:30:00.000Z'); // 02:30 CEST
    });

    it('an hour repeated by the autumn change (01:30 in New York on 2026-11-01) fires once', () => {
      const spec = cron('30 1 * * *', 'America/New_York');
      const first = firstFireAt(spec, d('2026-11-01T00:00:00Z'))!;
      expect(first.toISOString()).toBe('2026-11-01T05:30:00.000Z'); // 01:30 EDT
      const second = nextFireAt(spec, first, first)!;
      expect(second.toISOString()).toBe('2026-11-02T06:30:00.000Z'); // the next day, 01:30 EST
    });

    it('after missed slots, fires next after now (not once per missed slot)', () => {
      const spec = cron('* * * * *');
      expect(iso(nextFireAt(spec, d('2026-01-10T10:00:00Z'), d('2026-01-10T12:34:56Z')))).toBe('2026-01-10T12:35:00.000Z');
    });
  });

  describe('every', () => {
    it.each([
      ['milliseconds (number)', 1000, 1000],
      ['milliseconds (digits)', '250', 250],
      ['ISO seconds', 'PT30S', 30_000],
      ['ISO minutes and seconds', 'PT1M30S', 90_000],
      ['ISO days (24 h)', 'P1D', 86_400_000],
    ])('%s', (_what, value, ms) => {
      expect(everyMs(value)).toBe(ms);
    });

    it('first one interval after creation, then on its grid, catching up once', () => {
      const spec: ScheduleSpec = { kind: 'every', expression: 'PT10S', timezone: 'UTC' };
      expect(iso(firstFireAt(spec, d('2026-01-10T10:00:00.123Z')))).toBe('2026-01-10T10:00:10.123Z');
      // fired a little late: the next one stays on the grid
      expect(iso(nextFireAt(spec, d('2026-01-10T10:00:10Z'), d('2026-01-10T10:00:10.300Z')))).toBe('2026-01-10T10:00:20.000Z');
      // everything was down for a minute: the next slot after now
      expect(iso(nextFireAt(spec, d('2026-01-10T10:00:10Z'), d('2026-01-10T10:01:15Z')))).toBe('2026-01-10T10:01:20.000Z');
      // exactly on a slot: the one after
      expect(iso(nextFireAt(spec, d('2026-01-10T10:00:10Z'), d('2026-01-10T10:00:30Z')))).toBe('2026-01-10T10:00:40.000Z');
    });
  });

  describe('at', () => {
    it('fires once at the instant, then never', () => {
      const now = d('2026-01-10T10:00:00Z');
      const spec = parseScheduleSpec({ at: '2026-01-10T12:00:00+01:00' }, now);
      expect(spec).toEqual({ kind: 'at', expression: '2026-01-10T11:00:00.000Z', timezone: 'UTC' });
      expect(iso(firstFireAt(spec, now))).toBe('2026-01-10T11:00:00.000Z');
      expect(nextFireAt(spec, d('2026-01-10T11:00:00Z'), d('2026-01-10T11:00:00Z'))).toBeNull();
    });

    it('an instant without an offset is read in the timezone', () => {
      const spec = parseScheduleSpec({ at: '2026-07-01T09:00:00', timezone: 'Europe/Paris' }, d('2026-01-01T00:00:00Z'));
      expect(spec.expression).toBe('2026-07-01T07:00:00.000Z');
    });
  });

  describe('validation: 400 INVALID_SCHEDULE naming the field', () => {
    const now = d('2026-01-10T10:00:00Z');
    it.each([
      ['none of the three', {}, 'cron|every|at'],
      ['two of them', { cron: '* * * * *', every: 1000 }, 'cron,every'],
      ['a cron of 4 fields', { cron: '* * * *' }, 'cron'],
      ['a cron of 7 fields', { cron: '0 * * * * * 2026' }, 'cron'],
      ['a cron out of range', { cron: '61 * * * *' }, 'cron'],
      ['a cron that is not one', { cron: 'every day' }, 'cron'],
      ['a cron that is not a string', { cron: 5 }, 'cron'],
      ['an unknown zone', { cron: '* * * * *', timezone: 'Mars/Olympus' }, 'timezone'],
      ['a zero interval', { every: 0 }, 'every'],
      ['a negative interval', { every: -1000 }, 'every'],
      ['a zero ISO interval', { every: 'PT0S' }, 'every'],
      ['a bad ISO interval', { every: 'ten seconds' }, 'every'],
      ['a fractional ms interval', { every: 1.5 }, 'every'],
      ['an at in the past', { at: '2026-01-10T09:59:59Z' }, 'at'],
      ['an at that is now', { at: '2026-01-10T10:00:00Z' }, 'at'],
      ['an at that is not a date', { at: 'tomorrow' }, 'at'],
    ])('%s', (_what, input, field) => {
      let error: unknown;
      try {
        parseScheduleSpec(input, now);
      } catch (e) {
        error = e;
      }
      expect(error).toBeInstanceOf(InvalidScheduleError);
      const e = error as InvalidScheduleError;
      expect(e.code).toBe('INVALID_SCHEDULE');
      expect(e.kind).toBe('invalid');
      expect(e.details?.[0]).toMatchObject({ code: 'INVALID_SCHEDULE', path: field });
    });

    it('accepts and normalises the good ones', () => {
      expect(parseScheduleSpec({ cron: '  0  9 * * 1-5 ', timezone: 'Europe/Paris' }, now)).toEqual({ kind: 'cron', expression: '0 9 * * 1-5', timezone: 'Europe/Paris' });
      expect(parseScheduleSpec({ cron: '*/5 * * * * *' }, now)).toEqual({ kind: 'cron', expression: '*/5 * * * * *', timezone: 'UTC' });
      expect(parseScheduleSpec({ every: 1000 }, now)).toEqual({ kind: 'every', expression: '1000', timezone: 'UTC' });
      expect(parseScheduleSpec({ every: 'PT5M' }, now)).toEqual({ kind: 'every', expression: 'PT5M', timezone: 'UTC' });
    });
  });
});
