import { parseSettingInput, SETTINGS } from './settings';
import {
  addLocalDays,
  asapDecision,
  isSlotBookable,
  parseSlotDate,
  slotsForDate,
  todaySlots,
  tomorrowSlots,
} from './timeslots';
import { parseTimeslotBuckets, timeslotBucketsOf } from './timeslots-setting';

const MOSCOW = 'Europe/Moscow'; // UTC+3, no DST
const VLADIVOSTOK = 'Asia/Vladivostok'; // UTC+10
const BERLIN = 'Europe/Berlin'; // DST: 2026-03-29 02:00 CET → 03:00 CEST
const buckets = timeslotBucketsOf('10-13,13-16,16-19');
const window = { start: '10:00', end: '20:00' };
const hm = (slots: { bucket: { start: string; end: string } }[]) =>
  slots.map((s) => `${s.bucket.start}-${s.bucket.end}`);

describe('order_timeslots setting', () => {
  it('parses whole hours and minutes', () => {
    expect(parseTimeslotBuckets('10-13, 13-16,16:30-19')).toEqual({
      ok: true,
      buckets: [
        { start: '10:00', end: '13:00' },
        { start: '13:00', end: '16:00' },
        { start: '16:30', end: '19:00' },
      ],
    });
    expect(parseTimeslotBuckets('9-12')).toEqual({ ok: true, buckets: [{ start: '09:00', end: '12:00' }] });
  });

  it.each([
    ['', 'Укажите хотя бы один интервал.'],
    ['10-13,12-15', 'не пересекаться'],
    ['13-10', 'начало должно быть раньше конца'],
    ['10-24', 'Не понял интервал «10-24»'],
    ['10-13-16', 'Не понял интервал'],
    ['утро', 'Не понял интервал «утро»'],
    ['1-2,2-3,3-4,4-5,5-6,6-7,7-8,8-9,9-10', 'Не больше 8 интервалов'],
  ])('refuses %j', (spec, error) => {
    const parsed = parseTimeslotBuckets(spec);
    expect(parsed.ok).toBe(false);
    expect(!parsed.ok && parsed.error).toContain(error);
  });

  it('is validated when staff edit it, and a malformed stored value falls back to the default', () => {
    expect(parseSettingInput('order_timeslots', '9-12,12-15')).toEqual({ ok: true, value: '9-12,12-15' });
    expect(parseSettingInput('order_timeslots', '12-9')).toEqual({
      ok: false,
      error: 'Интервал «12-9»: начало должно быть раньше конца.',
    });
    expect(timeslotBucketsOf('garbage')).toEqual(buckets);
  });
});

describe('slots of a day', () => {
  it('hides today’s slots that are over and keeps the running one', () => {
    // 11:20Z = 14:20 in Moscow: 10–13 is over, 13–16 is running.
    const now = new Date('2026-11-24T11:20:00Z');
    const today = todaySlots(now, MOSCOW, buckets);
    expect(hm(today)).toEqual(['13:00-16:00', '16:00-19:00']);
    expect(today[0]!.start.toISOString()).toBe('2026-11-24T10:00:00.000Z');
    expect(today[0]!.end.toISOString()).toBe('2026-11-24T13:00:00.000Z');
  });

  it('offers no slot today after the last one ended, and all of tomorrow', () => {
    const now = new Date('2026-11-24T16:00:00Z'); // 19:00 Moscow
    expect(todaySlots(now, MOSCOW, buckets)).toEqual([]);
    const tomorrow = tomorrowSlots(now, MOSCOW, buckets);
    expect(tomorrow.map((s) => s.date)).toEqual(['2026-11-25', '2026-11-25', '2026-11-25']);
    expect(tomorrow[0]!.start.toISOString()).toBe('2026-11-25T07:00:00.000Z');
  });

  it('leaves out a slot that ends within the lead time (slot_lead_minutes): 16–19 is gone at 18:32', () => {
    const at = (hhmm: string) => new Date(`2026-11-24T${hhmm}:00+03:00`); // Moscow wall clock
    expect(SETTINGS.slot_lead_minutes.default).toBe(60);
    expect(hm(todaySlots(at('18:32'), MOSCOW, buckets, 60))).toEqual([]);
    expect(hm(todaySlots(at('17:59'), MOSCOW, buckets, 60))).toEqual(['16:00-19:00']);
    expect(hm(todaySlots(at('18:00'), MOSCOW, buckets, 60))).toEqual([]);
    expect(hm(todaySlots(at('18:32'), MOSCOW, buckets, 0))).toEqual(['16:00-19:00']);
    expect(hm(slotsForDate('2026-11-24', at('15:10'), MOSCOW, buckets, 60))).toEqual(['16:00-19:00']);
    expect(hm(slotsForDate('2026-11-24', at('14:59'), MOSCOW, buckets, 60))).toEqual([
      '13:00-16:00',
      '16:00-19:00',
    ]);
    // The same rule answers "can this chosen slot still be booked?".
    const slot = todaySlots(at('12:00'), MOSCOW, buckets, 60).at(-1)!;
    expect(isSlotBookable(slot, at('17:30'), 60)).toBe(true);
    expect(isSlotBookable(slot, at('18:32'), 60)).toBe(false);
    // A lead time past midnight reaches into tomorrow's first slot (a city with night slots).
    const night = timeslotBucketsOf('0-2,10-13');
    expect(hm(tomorrowSlots(at('23:30'), MOSCOW, night, 180))).toEqual(['10:00-13:00']);
  });

  it('uses the city’s own zone and calendar day', () => {
    // 15:30Z on the 24th is 01:30 on the 25th in Vladivostok: "today" is the 25th there.
    const now = new Date('2026-11-24T15:30:00Z');
    const today = todaySlots(now, VLADIVOSTOK, buckets);
    expect(today.map((s) => s.date)).toEqual(['2026-11-25', '2026-11-25', '2026-11-25']);
    expect(today[0]!.start.toISOString()).toBe('2026-11-25T00:00:00.000Z');
    expect(tomorrowSlots(now, VLADIVOSTOK, buckets)[0]!.date).toBe('2026-11-26');
  });

  it('handles a DST change (slots of the spring-forward day in Berlin)', () => {
    expect(addLocalDays('2026-03-28', 1, BERLIN)).toBe('2026-03-29');
    const slots = slotsForDate('2026-03-29', new Date('2026-03-01T00:00:00Z'), BERLIN, buckets);
    expect(slots[0]!.start.toISOString()).toBe('2026-03-29T08:00:00.000Z'); // 10:00 CEST
    expect(
      slotsForDate('2026-03-28', new Date('2026-03-01T00:00:00Z'), BERLIN, buckets)[0]!.start.toISOString(),
    ).toBe('2026-03-28T09:00:00.000Z'); // 10:00 CET
  });
});

describe('как можно скорее', () => {
  const decide = (iso: string, tz = MOSCOW, lateThreshold = '19:30') =>
    asapDecision({ now: new Date(iso), tz, window, lateThreshold, buckets });

  it('runs from now to the end of the working day', () => {
    expect(decide('2026-11-24T09:15:00Z')).toEqual({
      kind: 'asap',
      start: new Date('2026-11-24T09:15:00Z'),
      end: new Date('2026-11-24T17:00:00Z'),
    });
  });

  it('does not start before the working day', () => {
    // 05:00 Moscow.
    expect(decide('2026-11-24T02:00:00Z')).toEqual({
      kind: 'asap',
      start: new Date('2026-11-24T07:00:00Z'),
      end: new Date('2026-11-24T17:00:00Z'),
    });
  });

  it('becomes tomorrow’s first slot at the late threshold and after the working day', () => {
    for (const iso of ['2026-11-24T16:30:00Z', '2026-11-24T16:59:00Z', '2026-11-24T20:00:00Z']) {
      const d = decide(iso);
      expect(d.kind).toBe('late');
      expect(d.kind === 'late' && d.slot.start.toISOString()).toBe('2026-11-25T07:00:00.000Z');
      expect(d.kind === 'late' && d.slot.end.toISOString()).toBe('2026-11-25T10:00:00.000Z');
    }
    expect(decide('2026-11-24T16:29:00Z').kind).toBe('asap'); // 19:29
  });

  it('uses the end of the working day when the threshold is later', () => {
    expect(decide('2026-11-24T17:10:00Z', MOSCOW, '22:00').kind).toBe('late'); // 20:10
    expect(decide('2026-11-24T16:50:00Z', MOSCOW, '22:00').kind).toBe('asap'); // 19:50
  });
});

describe('как можно скорее in a round-the-clock city', () => {
  const full = { start: '00:00', end: '00:00' };
  const decide = (iso: string, tz: string, lateThreshold: string) =>
    asapDecision({ now: new Date(iso), tz, window: full, lateThreshold, buckets });

  it('runs from now to the next local midnight (a 23-hour DST day too)', () => {
    expect(decide('2026-11-24T00:30:00Z', MOSCOW, '19:30')).toEqual({
      kind: 'asap',
      start: new Date('2026-11-24T00:30:00Z'),
      end: new Date('2026-11-24T21:00:00.000Z'),
    });
    // 29 Mar in Berlin: 01:00 CET now, midnight CEST ends the day.
    expect(decide('2026-03-29T00:00:00Z', BERLIN, '19:30')).toEqual({
      kind: 'asap',
      start: new Date('2026-03-29T00:00:00Z'),
      end: new Date('2026-03-29T22:00:00.000Z'),
    });
  });

  it('still becomes tomorrow’s first slot at the late threshold', () => {
    expect(decide('2026-11-24T16:29:00Z', MOSCOW, '19:30').kind).toBe('asap'); // 19:29
    expect(decide('2026-11-24T16:30:00Z', MOSCOW, '19:30').kind).toBe('late');
    expect(decide('2026-11-24T20:59:30Z', MOSCOW, '23:59').kind).toBe('late'); // 23:59:30
    expect(decide('2026-11-24T20:58:59Z', MOSCOW, '23:59').kind).toBe('asap');
  });
});

describe('a typed date', () => {
  const now = new Date('2026-11-24T12:00:00Z');
  it.each([
    ['25.11', { ok: true, date: '2026-11-25' }],
    ['24.11', { ok: true, date: '2026-11-24' }],
    ['5.1', { ok: true, date: '2027-01-05' }],
    ['10.12.2026', { ok: true, date: '2026-12-10' }],
    ['23.11.2026', { ok: false, reason: 'past' }],
    ['31.02', { ok: false, reason: 'format' }],
    ['завтра', { ok: false, reason: 'format' }],
    ['23.11', { ok: false, reason: 'too_far' }],
    ['01.03', { ok: false, reason: 'too_far' }],
  ])('%s', (input, expected) => {
    expect(parseSlotDate(input, now, MOSCOW)).toEqual(expected);
  });
});
