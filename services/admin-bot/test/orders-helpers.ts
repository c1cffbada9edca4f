import type { Order } from '@fs/db';
import { type CityFixture, type CreateOrderOptions, createCity, createOrder } from '@fs/testkit';
import type { AdminHarness, adminDriver } from './harness';

type Driver = ReturnType<typeof adminDriver>;
type Person = Parameters<Driver['menu']>[0];

/** A fresh city (Europe/Moscow, districts Центральный and Северный), so counts start at zero. */
export function freshCity(h: AdminHarness, name?: string): Promise<CityFixture> {
  return createCity(h.tdb.db, { name, timezone: 'Europe/Moscow', districts: ['Центральный', 'Северный'] });
}

export function orderIn(h: AdminHarness, city: CityFixture, opts: CreateOrderOptions = {}): Promise<Order> {
  return createOrder(h.tdb.db, { cityId: city.city.id, ...opts });
}

/** /start → 📦 Заявки: the orders menu message. */
export async function openOrders(d: Driver, s: Person) {
  await d.menu(s);
  return (await d.tapLast(s, '📦 Заявки')).edited;
}

/** Button labels of the newest bot message. */
export const lastButtons = (d: Driver, s: Person) => d.buttons(s, d.lastBotMessage(s).message_id);

export async function outboxOf(h: AdminHarness, orderId: number) {
  return h.tdb.db
    .selectFrom('notifications_outbox')
    .select(['event', 'bot', 'master_id', 'staff_user_id', 'payload', 'dedup_key', 'offer_id'])
    .where('order_id', '=', orderId)
    .orderBy('id')
    .execute();
}

export async function auditOf(h: AdminHarness, orderId: number) {
  return h.tdb.db
    .selectFrom('admin_audit_log')
    .select(['action', 'staff_user_id', 'payload'])
    .where('entity_type', '=', 'order')
    .where('entity_id', '=', orderId)
    .orderBy('id')
    .execute();
}

export async function orderRow(h: AdminHarness, orderId: number) {
  return h.tdb.db.selectFrom('orders').selectAll().where('id', '=', orderId).executeTakeFirstOrThrow();
}

export async function distributionJobsFor(h: AdminHarness, orderId: number) {
  const jobs = await h.queues.distribution.getJobs(['waiting', 'delayed', 'prioritized', 'active']);
  return jobs.filter((j) => (j.data as { orderId?: number }).orderId === orderId);
}

/** Ages the staff member's open wizard past the idle limit (as if 16 minutes passed). */
export async function ageWizard(h: AdminHarness, s: Person): Promise<void> {
  const key = `${h.redis.prefix}:session:admin:${s.tg_user_id}:${s.tg_user_id}`;
  const session = JSON.parse((await h.redis.connection.get(key))!);
  session.wizard.at -= 16 * 60_000;
  await h.redis.connection.set(key, JSON.stringify(session));
}
