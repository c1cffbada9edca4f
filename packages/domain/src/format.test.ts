import {
  escapeHtml,
  formatLocalDate,
  formatMoment,
  formatMoney,
  formatRemaining,
  formatTimeslot,
  pluralRu,
  truncate,
} from './format';

describe('escapeHtml', () => {
  it('escapes the characters Telegram HTML needs escaped', () => {
    expect(escapeHtml('<script>alert("x")</script> & <b>')).toBe(
      '&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt; &amp; &lt;b&gt;',
    );
  });
  it('renders null/undefined as empty and numbers as text', () => {
    expect(escapeHtml(null)).toBe('');
    expect(escapeHtml(undefined)).toBe('');
    expect(escapeHtml(42)).toBe('42');
  });
});

describe('truncate', () => {
  it('keeps short text', () => expect(truncate('абв', 3)).toBe('абв'));
  it('cuts by code points and appends an ellipsis', () => {
    expect(truncate('абвгд', 4)).toBe('абв…');
    expect(truncate('👍👍👍👍', 3)).toBe('👍👍…');
  });
});

describe('pluralRu', () => {
  it.each([
    [1, 'раунд'],
    [2, 'раунда'],
    [5, 'раундов'],
    [11, 'раундов'],
    [21, 'раунд'],
    [22, 'раунда'],
    [112, 'раундов'],
  ])('%i → %s', (n, word) => expect(pluralRu(n, 'раунд', 'раунда', 'раундов')).toBe(word));
});

describe('formatMoney', () => {
  it('groups roubles and shows kopecks only when present', () => {
    expect(formatMoney(150_000)).toBe('1\u00a0500\u00a0₽');
    expect(formatMoney(150_050)).toBe('1\u00a0500,50\u00a0₽');
    expect(formatMoney(123_456_789_00n)).toBe('123\u00a0456\u00a0789\u00a0₽');
    expect(formatMoney(5)).toBe('0,05\u00a0₽');
  });
});

describe('formatLocalDate', () => {
  it('shows the year only when the date is not in the city’s current year', () => {
    const december = new Date('2026-12-20T10:00:00Z');
    expect(formatLocalDate('2026-12-31', december, 'Europe/Moscow')).toBe('31.12');
    expect(formatLocalDate('2027-01-01', december, 'Europe/Moscow')).toBe('01.01.2027');
    // 31.12 20:30 UTC: 23:30 in Moscow, already 06:30 on 01.01.2027 in Vladivostok.
    const newYearEast = new Date('2026-12-31T20:30:00Z');
    expect(formatLocalDate('2027-01-01', newYearEast, 'Asia/Vladivostok')).toBe('01.01');
    expect(formatLocalDate('2027-01-01', newYearEast, 'Europe/Moscow')).toBe('01.01.2027');
  });
});

describe('formatTimeslot', () => {
  // 10:00 UTC = 13:00 in Moscow, 20:00 in Vladivostok.
  const now = new Date('2026-11-24T10:00:00Z');

  it('shows the slot in the city zone, with сегодня/завтра', () => {
    const slot = { start: '2026-11-24T15:00:00Z', end: '2026-11-24T17:00:00Z' };
    expect(formatTimeslot(slot, 'Europe/Moscow', now)).toBe('сегодня 18:00–20:00');
    expect(formatTimeslot(slot, 'Asia/Vladivostok', now)).toBe('завтра 01:00–03:00');
  });

  it('shows a date when the slot is neither today nor tomorrow', () => {
    const slot = { start: '2026-11-27T11:00:00Z', end: '2026-11-27T13:00:00Z' };
    expect(formatTimeslot(slot, 'Europe/Moscow', now)).toBe('27.11 14:00–16:00');
    const nextYear = { start: '2027-01-05T11:00:00Z', end: '2027-01-05T13:00:00Z' };
    expect(formatTimeslot(nextYear, 'Europe/Moscow', now)).toBe('05.01.2027 14:00–16:00');
  });

  it('shows both dates when a slot crosses midnight', () => {
    const slot = { start: '2026-11-24T19:00:00Z', end: '2026-11-24T22:00:00Z' };
    expect(formatTimeslot(slot, 'Europe/Moscow', now)).toBe('сегодня 22:00 – завтра 01:00');
  });

  it('says как можно скорее / не указано', () => {
    expect(formatTimeslot({ start: null, end: null, isAsap: true }, 'Europe/Moscow', now)).toBe(
      'как можно скорее',
    );
    expect(formatTimeslot({ start: null, end: null }, 'Europe/Moscow', now)).toBe('не указано');
  });

  it('finds tomorrow by calendar date on a 25-hour DST day', () => {
    // 00:30 CEST on 25 Oct 2026 in Berlin; clocks go back that night, so now + 24 h is still the 25th.
    const dstNow = new Date('2026-10-24T22:30:00Z');
    const slot = { start: '2026-10-26T08:00:00Z', end: '2026-10-26T10:00:00Z' };
    expect(formatTimeslot(slot, 'Europe/Berlin', dstNow)).toBe('завтра 09:00–11:00');
  });
});

describe('formatRemaining', () => {
  const now = new Date('2026-11-24T10:00:00Z');
  const at = (s: number) => new Date(now.getTime() + s * 1000);
  it('formats minutes and seconds, rounding up to the second', () => {
    expect(formatRemaining(at(120), now)).toBe('2 мин');
    expect(formatRemaining(at(119.7), now)).toBe('2 мин');
    expect(formatRemaining(at(90), now)).toBe('1 мин 30 сек');
    expect(formatRemaining(at(45), now)).toBe('45 сек');
  });
  it('switches to hours and days for long deadlines', () => {
    expect(formatRemaining(at(3600), now)).toBe('1 ч');
    expect(formatRemaining(at(2 * 3600 + 15 * 60), now)).toBe('2 ч 15 мин');
    expect(formatRemaining(at(27 * 3600), now)).toBe('1 д 3 ч');
  });
  it('is null once the deadline has passed', () => {
    expect(formatRemaining(at(0), now)).toBeNull();
    expect(formatRemaining(at(-5), now)).toBeNull();
  });
});

describe('formatMoment', () => {
  const now = new Date('2026-11-24T10:00:00Z');
  it('shows an instant in the zone with сегодня/завтра/date', () => {
    expect(formatMoment('2026-11-24T15:00:00Z', 'Europe/Moscow', now)).toBe('сегодня 18:00');
    expect(formatMoment('2026-11-24T15:00:00Z', 'Asia/Vladivostok', now)).toBe('завтра 01:00');
    expect(formatMoment('2026-11-27T15:00:00Z', 'Europe/Moscow', now)).toBe('27.11 18:00');
  });
});
