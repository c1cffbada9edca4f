import { addLocalDays, atLocalTime, localDateOf } from '@fs/domain';
import { type CityFixture, createCity, zoneAtLocalHour } from '@fs/testkit';
import type { AdminHarness, adminDriver } from './harness';

/** A city whose local time is `hour`:xx, with two districts and optional working hours. */
export async function cityAtHour(
  h: AdminHarness,
  hour: number,
  opts: { workingHours?: [string, string]; name?: string } = {},
): Promise<CityFixture> {
  return createCity(h.tdb.db, {
    name: opts.name,
    timezone: zoneAtLocalHour(hour),
    districts: ['Центральный', 'Северный'],
    ...(opts.workingHours
      ? { workingHoursStart: opts.workingHours[0], workingHoursEnd: opts.workingHours[1] }
      : {}),
  });
}

/** The instant of `time` local on the city's today (+ `days`). */
export function localInstant(tz: string, days: number, time: string, now = new Date()): Date {
  return atLocalTime(addLocalDays(localDateOf(now, tz), days, tz), time, tz);
}

type Driver = ReturnType<typeof adminDriver>;
type Person = Parameters<Driver['menu']>[0];

/** Opens "➕ Новый заказ" and picks a mode; returns the current screen message. */
export async function openWizard(d: Driver, s: Person, mode: '⚡ Быстрое создание' | '📝 Полное создание') {
  await d.menu(s);
  await d.tapLast(s, '➕ Новый заказ');
  return (await d.tapLast(s, mode)).last;
}

/** Button labels of the newest bot message. */
export const lastButtons = (d: Driver, s: Person) => d.buttons(s, d.lastBotMessage(s).message_id);

export async function distributionJobFor(h: AdminHarness, orderId: number) {
  const jobs = await h.queues.distribution.getJobs(['waiting', 'delayed', 'prioritized', 'active']);
  return jobs.filter((j) => (j.data as { orderId?: number }).orderId === orderId);
}
