import {
  cityWorkingWindow,
  deferredWakeAt,
  FULL_DAY_WINDOW,
  isWithinWorkingHours,
  localDateOf,
  nextWorkingStart,
} from './working-hours';

const MOSCOW = 'Europe/Moscow'; // UTC+3
const VLADIVOSTOK = 'Asia/Vladivostok'; // UTC+10
const BERLIN = 'Europe/Berlin'; // has DST: 2026-03-29 02:00 CET → 03:00 CEST

const globalHours = { working_hours_start: '10:00', working_hours_end: '20:00' };

describe('cityWorkingWindow', () => {
  it('uses the city override when set (Postgres time format)', () => {
    expect(
      cityWorkingWindow({ working_hours_start: '08:30:00', working_hours_end: '22:00:00' }, globalHours),
    ).toEqual({ start: '08:30', end: '22:00' });
  });

  it('falls back to the global settings', () => {
    expect(cityWorkingWindow({ working_hours_start: null, working_hours_end: null }, globalHours)).toEqual({
      start: '10:00',
      end: '20:00',
    });
  });

  it('falls back to the defaults when the global window is malformed', () => {
    const broken = { working_hours_start: '21:00', working_hours_end: '09:00' };
    expect(cityWorkingWindow({ working_hours_start: null, working_hours_end: null }, broken)).toEqual({
      start: '10:00',
      end: '20:00',
    });
  });
});

describe('isWithinWorkingHours', () => {
  // 2026-11-24T06:30Z = 09:30 in Moscow, 16:30 in Vladivostok.
  const instant = new Date('2026-11-24T06:30:00Z');

  it('interprets the window in each city zone', () => {
    expect(isWithinWorkingHours(instant, MOSCOW, '10:00', '20:00')).toBe(false);
    expect(isWithinWorkingHours(instant, VLADIVOSTOK, '10:00', '20:00')).toBe(true);
  });

  it('is start-inclusive and end-exclusive', () => {
    expect(isWithinWorkingHours(new Date('2026-11-24T07:00:00Z'), MOSCOW, '10:00', '20:00')).toBe(true);
    expect(isWithinWorkingHours(new Date('2026-11-24T17:00:00Z'), MOSCOW, '10:00', '20:00')).toBe(false);
  });
});

describe('nextWorkingStart', () => {
  it('returns the start of today before the window opens, per zone', () => {
    // 2026-11-24T23:30Z: Moscow 02:30 on the 25th, Vladivostok 09:30 on the 25th.
    const now = new Date('2026-11-24T23:30:00Z');
    expect(nextWorkingStart(now, MOSCOW, '10:00', '20:00').toISOString()).toBe('2026-11-25T07:00:00.000Z');
    expect(nextWorkingStart(now, VLADIVOSTOK, '10:00', '20:00').toISOString()).toBe(
      '2026-11-25T00:00:00.000Z',
    );
  });

  it('returns the start of tomorrow after the window closed', () => {
    // 2026-11-24T18:00Z = 21:00 in Moscow.
    expect(nextWorkingStart(new Date('2026-11-24T18:00:00Z'), MOSCOW, '10:00', '20:00').toISOString()).toBe(
      '2026-11-25T07:00:00.000Z',
    );
  });

  it('returns now during working hours', () => {
    const now = new Date('2026-11-24T10:00:00Z');
    expect(nextWorkingStart(now, MOSCOW, '10:00', '20:00')).toBe(now);
  });

  it('crosses a DST change by zone rules, not by adding 24 hours', () => {
    // Saturday 21:00 CET (UTC+1); Sunday 10:00 is CEST (UTC+2) = 08:00Z, 23 hours later.
    const sat = new Date('2026-03-28T20:00:00Z');
    expect(nextWorkingStart(sat, BERLIN, '10:00', '20:00').toISOString()).toBe('2026-03-29T08:00:00.000Z');
    // And back in autumn (25-hour day): Sunday 2026-10-25 10:00 CET = 09:00Z.
    const oct = new Date('2026-10-24T19:00:00Z');
    expect(nextWorkingStart(oct, BERLIN, '10:00', '20:00').toISOString()).toBe('2026-10-25T09:00:00.000Z');
  });

  it('handles a window start inside the DST gap (02:30 does not exist on 2026-03-29 in Berlin)', () => {
    const start = nextWorkingStart(new Date('2026-03-28T22:00:00Z'), BERLIN, '02:30', '20:00');
    expect(localDateOf(start, BERLIN)).toBe('2026-03-29');
    expect(start.getTime()).toBeGreaterThan(new Date('2026-03-29T00:00:00Z').getTime());
    expect(start.getTime()).toBeLessThanOrEqual(new Date('2026-03-29T01:30:00Z').getTime());
  });
});

describe('deferredWakeAt', () => {
  const window = { start: '10:00', end: '20:00' };

  it('wakes an order without a slot at the next working start in its city', () => {
    // Deferred at 21:30 Moscow time = 18:30Z; Vladivostok at that instant is 04:30 next day.
    const deferredAt = new Date('2026-11-24T18:30:00Z');
    expect(deferredWakeAt({ timeslotStart: null, deferredAt, tz: MOSCOW, window }).toISOString()).toBe(
      '2026-11-25T07:00:00.000Z',
    );
    expect(deferredWakeAt({ timeslotStart: null, deferredAt, tz: VLADIVOSTOK, window }).toISOString()).toBe(
      '2026-11-25T00:00:00.000Z',
    );
  });

  it('wakes an order with a slot at the start of the slot day window', () => {
    // Slot 2026-11-27 14:00 Moscow (11:00Z) → wake 2026-11-27 10:00 Moscow (07:00Z).
    const wake = deferredWakeAt({
      timeslotStart: new Date('2026-11-27T11:00:00Z'),
      deferredAt: new Date('2026-11-24T18:30:00Z'),
      tz: MOSCOW,
      window,
    });
    expect(wake.toISOString()).toBe('2026-11-27T07:00:00.000Z');
  });

  it('uses the slot day in the city zone, not in UTC', () => {
    // 2026-11-26T23:00Z is already 09:00 on the 27th in Vladivostok, before the window opens:
    // the order wakes at the slot start, not at 10:00.
    const slot = new Date('2026-11-26T23:00:00Z');
    const wake = deferredWakeAt({
      timeslotStart: slot,
      deferredAt: new Date('2026-11-24T12:00:00Z'),
      tz: VLADIVOSTOK,
      window,
    });
    expect(wake.toISOString()).toBe(slot.toISOString());
    // A slot at 15:00 on the 27th in Vladivostok (05:00Z) wakes at 10:00 local on the 27th (00:00Z).
    const later = deferredWakeAt({
      timeslotStart: new Date('2026-11-27T05:00:00Z'),
      deferredAt: new Date('2026-11-24T12:00:00Z'),
      tz: VLADIVOSTOK,
      window,
    });
    expect(later.toISOString()).toBe('2026-11-27T00:00:00.000Z');
  });
});

describe('a round-the-clock window (start = end)', () => {
  it('is the city’s own or the global window, written 00:00–00:00 whatever equal times were stored', () => {
    const full = { start: '00:00', end: '00:00' };
    expect(
      cityWorkingWindow({ working_hours_start: '00:00:00', working_hours_end: '00:00:00' }, globalHours),
    ).toEqual(full);
    expect(
      cityWorkingWindow({ working_hours_start: '09:00', working_hours_end: '09:00' }, globalHours),
    ).toEqual(full);
    const globalFull = { working_hours_start: '10:00', working_hours_end: '10:00' };
    expect(cityWorkingWindow({ working_hours_start: null, working_hours_end: null }, globalFull)).toEqual(
      full,
    );
    expect(FULL_DAY_WINDOW).toEqual(full);
  });

  // Each instant with its local time; the Berlin ones are on the two DST-change days.
  const instants: [string, string, string][] = [
    ['2026-11-24T20:59:30Z', MOSCOW, '23:59:30'],
    ['2026-11-24T21:00:00Z', MOSCOW, '00:00:00'],
    ['2026-11-24T13:59:59Z', VLADIVOSTOK, '23:59:59'],
    ['2026-03-29T00:59:30Z', BERLIN, '01:59:30 CET, a minute before the clock jumps'],
    ['2026-03-29T01:00:00Z', BERLIN, '03:00 CEST'],
    ['2026-03-29T21:59:30Z', BERLIN, '23:59:30 CEST'],
    ['2026-10-25T00:30:00Z', BERLIN, '02:30 CEST, the first of the repeated hour'],
    ['2026-10-25T01:30:00Z', BERLIN, '02:30 CET, the second'],
    ['2026-10-25T22:59:30Z', BERLIN, '23:59:30 CET'],
  ];

  it.each(instants)('%s in %s (%s) is inside, and is its own next working start', (iso, tz) => {
    const now = new Date(iso);
    expect(isWithinWorkingHours(now, tz, '00:00', '00:00')).toBe(true);
    expect(isWithinWorkingHours(now, tz, '00:00:00', '00:00:00')).toBe(true);
    expect(isWithinWorkingHours(now, tz, '12:00', '12:00')).toBe(true);
    expect(nextWorkingStart(now, tz, '00:00', '00:00')).toBe(now);
    expect(deferredWakeAt({ timeslotStart: null, deferredAt: now, tz, window: FULL_DAY_WINDOW })).toBe(now);
  });

  it('a window up to 23:59 (the old spelling) still closes in the last minute', () => {
    expect(isWithinWorkingHours(new Date('2026-11-24T20:59:30Z'), MOSCOW, '00:00', '23:59')).toBe(false);
  });

  it('a slot’s order wakes at the start of the slot’s local day at the latest', () => {
    // A slot at 15:00 on 27 Nov Moscow wakes at 00:00 local on the 27th.
    const wake = deferredWakeAt({
      timeslotStart: new Date('2026-11-27T12:00:00Z'),
      deferredAt: new Date('2026-11-24T12:00:00Z'),
      tz: MOSCOW,
      window: FULL_DAY_WINDOW,
    });
    expect(wake.toISOString()).toBe('2026-11-26T21:00:00.000Z');
  });
});
