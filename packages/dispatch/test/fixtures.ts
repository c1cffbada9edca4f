/**
 * Small insert helpers and a ready DispatchDeps for the dispatch and scheduler tests
 * (real Postgres and Redis from @fs/testkit).
 */
import { type Db, SettingsCache, writeSetting } from '@fs/db';
import type { Category, OrderStatus, SettingKey, ShiftStatus, StaffRole } from '@fs/domain';
import { createLogger } from '@fs/observability';
import { Queues } from '@fs/queue';
import { createTestDatabase, createTestRedis, type TestDatabase, type TestRedis } from '@fs/testkit';
import { sql } from 'kysely';
import type { DispatchDeps } from '../src/shared/deps';

let seq = 0;
const uid = () => (Date.now() % 1_000_000_000) * 1000 + (++seq % 1000);

export interface DispatchTestEnv {
  deps: DispatchDeps;
  db: Db;
  queues: Queues;
  testDb: TestDatabase;
  redis: TestRedis;
  close(): Promise<void>;
}

export async function setupDispatchEnv(opts: { poolSize?: number } = {}): Promise<DispatchTestEnv> {
  const testDb = await createTestDatabase({ poolSize: opts.poolSize ?? 10 });
  const redis = await createTestRedis();
  const queues = new Queues({ connection: redis.connection, prefix: redis.prefix });
  const logger = createLogger({
    service: 'dispatch-test',
    level: process.env.TEST_LOG_LEVEL ?? 'silent',
    pretty: false,
  });
  const deps: DispatchDeps = { db: testDb.db, queues, settings: new SettingsCache(testDb.db, 0), logger };
  return {
    deps,
    db: testDb.db,
    queues,
    testDb,
    redis,
    async close() {
      await queues.close();
      await redis.cleanup();
      await testDb.drop();
    },
  };
}

export async function setSettings(
  db: Db,
  values: Partial<Record<SettingKey, number | string | boolean>>,
): Promise<void> {
  for (const [key, value] of Object.entries(values)) await writeSetting(db, key as SettingKey, value!, null);
}

export async function createCity(
  db: Db,
  opts: { timezone?: string; hours?: [string, string]; districts?: string[] } = {},
): Promise<{ cityId: number; districtIds: number[] }> {
  const { id } = await db
    .insertInto('cities')
    .values({
      name: `City ${uid()}`,
      timezone: opts.timezone ?? 'Europe/Moscow',
      working_hours_start: opts.hours?.[0] ?? null,
      working_hours_end: opts.hours?.[1] ?? null,
    })
    .returning('id')
    .executeTakeFirstOrThrow();
  const districtIds: number[] = [];
  for (const name of opts.districts ?? []) {
    const d = await db
      .insertInto('districts')
      .values({ city_id: id, name })
      .returning('id')
      .executeTakeFirstOrThrow();
    districtIds.push(d.id);
  }
  return { cityId: id, districtIds };
}

export interface MasterOpts {
  cityId: number;
  skills?: Category[];
  districtIds?: number[];
  hasVehicle?: boolean;
  rating?: number;
  shift?: ShiftStatus;
  moderation?: 'pending' | 'approved' | 'rejected';
  verified?: boolean;
  isActive?: boolean;
  isBlocked?: boolean;
  isDeleted?: boolean;
  isUnreachable?: boolean;
  limitOverride?: number | null;
  name?: string;
  phone?: string | null;
}

/** An available master by default: approved, verified, on shift, electrics. */
export async function createMaster(db: Db, o: MasterOpts): Promise<number> {
  const { id } = await db
    .insertInto('masters')
    .values({
      tg_user_id: uid(),
      full_name: o.name ?? `Master ${seq}`,
      city_id: o.cityId,
      rating: o.rating ?? 5,
      has_vehicle: o.hasVehicle ?? false,
      moderation_status: o.moderation ?? 'approved',
      verified: o.verified ?? true,
      shift_status: o.shift ?? 'on',
      is_active: o.isActive ?? true,
      is_blocked: o.isBlocked ?? false,
      is_deleted: o.isDeleted ?? false,
      is_unreachable: o.isUnreachable ?? false,
      max_active_orders_override: o.limitOverride ?? null,
      phone: o.phone ?? null,
    })
    .returning('id')
    .executeTakeFirstOrThrow();
  const skills = o.skills ?? ['electrics'];
  if (skills.length > 0)
    await db
      .insertInto('master_skills')
      .values(skills.map((s) => ({ master_id: id, skill_code: s })))
      .execute();
  if (o.districtIds?.length)
    await db
      .insertInto('master_districts')
      .values(o.districtIds.map((d) => ({ master_id: id, district_id: d })))
      .execute();
  return id;
}

export interface OrderOpts {
  cityId: number;
  districtId?: number | null;
  category?: Category;
  status?: OrderStatus;
  type?: 'normal' | 'guarantee';
  preferredMasterId?: number | null;
  assignedMasterId?: number | null;
  totalKopecks?: number | null;
  closedAt?: Date | null;
  timeslot?: [Date, Date] | null;
  createdAt?: Date;
  deferredUntil?: Date | null;
  clientPhone?: string | null;
  isAsap?: boolean;
}

export async function createOrder(db: Db, o: OrderOpts): Promise<number> {
  const { id } = await db
    .insertInto('orders')
    .values({
      city_id: o.cityId,
      district_id: o.districtId ?? null,
      category: o.category ?? 'electrics',
      status: o.status ?? 'searching',
      type: o.type ?? 'normal',
      preferred_master_id: o.preferredMasterId ?? null,
      assigned_master_id: o.assignedMasterId ?? null,
      total_amount_kopecks: o.totalKopecks ?? null,
      closed_at: o.closedAt ?? null,
      timeslot_start: o.timeslot?.[0] ?? null,
      timeslot_end: o.timeslot?.[1] ?? null,
      deferred_until: o.deferredUntil ?? null,
      client_phone: o.clientPhone ?? null,
      is_asap: o.isAsap ?? false,
      description: 'Не работает розетка',
      street: 'Тверская',
      ...(o.createdAt ? { created_at: o.createdAt } : {}),
    })
    .returning('id')
    .executeTakeFirstOrThrow();
  return id;
}

/** An order counting against the master's limit. */
export function createActiveOrder(db: Db, cityId: number, masterId: number): Promise<number> {
  return createOrder(db, { cityId, status: 'assigned', assignedMasterId: masterId });
}

/** A closed order in the last 7 days (feeds the master's average check). */
export function createClosedOrder(
  db: Db,
  cityId: number,
  masterId: number,
  totalKopecks: number,
): Promise<number> {
  return createOrder(db, {
    cityId,
    status: 'closed',
    assignedMasterId: masterId,
    totalKopecks,
    closedAt: new Date(Date.now() - 86_400_000),
  });
}

export async function createStaff(db: Db, role: StaffRole, cityIds: number[] = []): Promise<number> {
  const { id } = await db
    .insertInto('staff_users')
    .values({ tg_user_id: uid(), role, full_name: `${role} ${seq}` })
    .returning('id')
    .executeTakeFirstOrThrow();
  if (cityIds.length)
    await db
      .insertInto('staff_cities')
      .values(cityIds.map((c) => ({ staff_user_id: id, city_id: c })))
      .execute();
  return id;
}

/** An open offer written directly (expires in `expiresInSec`, negative = already due). */
export async function createOffer(
  db: Db,
  orderId: number,
  masterId: number,
  opts: { expiresInSec?: number; round?: number; state?: 'sent' | 'viewed' | 'declined' | 'expired' } = {},
): Promise<number> {
  const { id } = await db
    .insertInto('offers')
    .values({
      order_id: orderId,
      master_id: masterId,
      round_number: opts.round ?? 1,
      state: opts.state ?? 'sent',
      expires_at: sql<Date>`now() + make_interval(secs => ${opts.expiresInSec ?? 120})`,
    })
    .returning('id')
    .executeTakeFirstOrThrow();
  return id;
}

/**
 * The order's open offers were delivered and their answer window ran out (instead of waiting
 * for the SLA): the next run expires them.
 */
export async function expireOffersNow(db: Db, orderId: number): Promise<void> {
  await db
    .updateTable('offers')
    .set({
      delivered_at: sql<Date>`coalesce(delivered_at, sent_at)`,
      expires_at: sql<Date>`now() - interval '1 second'`,
    })
    .where('order_id', '=', orderId)
    .where('state', 'in', ['sent', 'viewed'])
    .execute();
}

/** The order's open offers were never delivered and their delivery deadline passed: the next run withdraws them. */
export async function missDeliveryDeadlineNow(db: Db, orderId: number): Promise<void> {
  await db
    .updateTable('offers')
    .set({ expires_at: sql<Date>`now() - interval '1 second'` })
    .where('order_id', '=', orderId)
    .where('state', 'in', ['sent', 'viewed'])
    .where('delivered_at', 'is', null)
    .execute();
}

/** The order's expiry jobs in the distribution queue (ids `expiry-<order>-<round>-<ms>`), oldest first. */
export async function expiryJobs(queues: Queues, orderId: number, round?: number) {
  const jobs = await queues.distribution.getJobs(['delayed', 'waiting', 'active', 'completed']);
  const prefix = round === undefined ? `expiry-${orderId}-` : `expiry-${orderId}-${round}-`;
  return jobs.filter((j) => j.id?.startsWith(prefix)).sort((a, b) => a.timestamp - b.timestamp);
}

export async function openOffers(db: Db, orderId: number) {
  return db
    .selectFrom('offers')
    .select(['id', 'master_id', 'round_number', 'state'])
    .where('order_id', '=', orderId)
    .where('state', 'in', ['sent', 'viewed'])
    .orderBy('id')
    .execute();
}

export async function outboxRows(db: Db, where: { orderId?: number; event?: string } = {}) {
  let q = db.selectFrom('notifications_outbox').selectAll();
  if (where.orderId !== undefined) q = q.where('order_id', '=', where.orderId);
  if (where.event !== undefined) q = q.where('event', '=', where.event as never);
  return q.orderBy('id').execute();
}

/** Gives a master a base point (the trigger of migration 0180 makes it their geo_point). */
export async function setMasterPoint(db: Db, masterId: number, lat: number, lon: number): Promise<void> {
  await db.updateTable('masters').set({ base_lat: lat, base_lon: lon }).where('id', '=', masterId).execute();
}

/** Gives an order a geocoded point. */
export async function setOrderPoint(db: Db, orderId: number, lat: number, lon: number): Promise<void> {
  await db
    .updateTable('orders')
    .set({ lat, lon, geo_precision: 'house', geo_source: 'geocoder' })
    .where('id', '=', orderId)
    .execute();
}

/** A point `km` kilometres north of (lat, lon) (1° of latitude ≈ 111.2 km). */
export function northOf(lat: number, lon: number, km: number): [number, number] {
  return [lat + km / 111.195, lon];
}
