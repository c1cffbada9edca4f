import { citySmsQuietWindow, smsQuietUntil } from './quiet-hours';

const MOSCOW = 'Europe/Moscow'; // UTC+3
const NOVOSIBIRSK = 'Asia/Novosibirsk'; // UTC+7
const BERLIN = 'Europe/Berlin'; // DST ends 2026-10-25 03:00 CEST → 02:00 CET
const night = { start: '21:00', end: '09:00' };
const settings = { client_sms_quiet_start: '21:00', client_sms_quiet_end: '09:00' };

describe('smsQuietUntil', () => {
  it('lets an SMS go during the day', () => {
    // 12:00 in Moscow
    expect(smsQuietUntil(new Date('2026-12-05T09:00:00Z'), MOSCOW, night)).toBeNull();
    // 20:59 in Moscow: still allowed; 09:00 sharp: allowed again
    expect(smsQuietUntil(new Date('2026-12-05T17:59:00Z'), MOSCOW, night)).toBeNull();
    expect(smsQuietUntil(new Date('2026-12-05T06:00:00Z'), MOSCOW, night)).toBeNull();
  });

  it('holds an evening SMS until the next morning in the city zone', () => {
    // 22:30 in Moscow → 09:00 Moscow next day = 06:00Z
    expect(smsQuietUntil(new Date('2026-12-05T19:30:00Z'), MOSCOW, night)?.toISOString()).toBe(
      '2026-12-06T06:00:00.000Z',
    );
  });

  it('holds an after-midnight SMS until the same morning', () => {
    // 03:00 in Moscow on the 6th → 09:00 Moscow on the 6th
    expect(smsQuietUntil(new Date('2026-12-06T00:00:00Z'), MOSCOW, night)?.toISOString()).toBe(
      '2026-12-06T06:00:00.000Z',
    );
  });

  it('is per city: the same instant is night in Novosibirsk and evening in Moscow', () => {
    const instant = new Date('2026-12-05T16:00:00Z'); // 19:00 Moscow, 23:00 Novosibirsk
    expect(smsQuietUntil(instant, MOSCOW, night)).toBeNull();
    expect(smsQuietUntil(instant, NOVOSIBIRSK, night)?.toISOString()).toBe('2026-12-06T02:00:00.000Z');
  });

  it('crosses a DST change by zone conversion, not fixed offsets', () => {
    // 23:00 CEST on 24 Oct = 21:00Z; the clocks go back that night; 09:00 CET on the 25th = 08:00Z
    expect(smsQuietUntil(new Date('2026-10-24T21:00:00Z'), BERLIN, night)?.toISOString()).toBe(
      '2026-10-25T08:00:00.000Z',
    );
  });

  it('supports a same-day window', () => {
    const lunch = { start: '13:00', end: '14:00' };
    expect(smsQuietUntil(new Date('2026-12-05T10:30:00Z'), MOSCOW, lunch)?.toISOString()).toBe(
      '2026-12-05T11:00:00.000Z',
    );
    expect(smsQuietUntil(new Date('2026-12-05T11:00:00Z'), MOSCOW, lunch)).toBeNull();
  });
});

describe('citySmsQuietWindow', () => {
  it('prefers the city override (Postgres time format)', () => {
    expect(citySmsQuietWindow({ sms_quiet_start: '22:30:00', sms_quiet_end: '08:00:00' }, settings)).toEqual({
      start: '22:30',
      end: '08:00',
    });
  });

  it('falls back to the settings, then to the defaults', () => {
    expect(citySmsQuietWindow({ sms_quiet_start: null, sms_quiet_end: null }, settings)).toEqual(night);
    expect(
      citySmsQuietWindow(
        { sms_quiet_start: null, sms_quiet_end: null },
        { client_sms_quiet_start: '10:00', client_sms_quiet_end: '10:00' },
      ),
    ).toEqual(night);
  });
});
