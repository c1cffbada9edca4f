import { randomInt } from 'node:crypto';
import { parseConfig, type SenderConfig, senderSchema } from '@fs/config';
import type { Db } from '@fs/db';
import type { NewOfferPayload, NotificationEvent, OrderSnapshot } from '@fs/domain';
import { insertOutbox, type OutboxInsert, type OutboxRef } from '@fs/queue';
import { createTestDatabase, createTestRedis, type TestDatabase, type TestRedis } from '@fs/testkit';
import { sql } from 'kysely';
import { type SenderHandle, type StartSenderOptions, startSender } from '../src/sender';
import { FakeBotApi } from './fake-bot-api';

export const MASTER_TOKEN = '111111:master-token-abcdef';
export const ADMIN_TOKEN = '222222:admin-token-abcdef';

export interface Harness {
  db: Db;
  api: FakeBotApi;
  sender: SenderHandle;
  config: SenderConfig;
  redis: TestRedis;
  /** Enqueue after commit, as producers do. */
  enqueue(refs: OutboxRef[]): Promise<void>;
  /** Stop the sender and start it again with other settings (same database, Redis prefix, fake). */
  restart(env?: Record<string, string>, opts?: StartSenderOptions): Promise<void>;
  close(): Promise<void>;
}

export async function startHarness(
  env: Record<string, string> = {},
  opts: StartSenderOptions = {},
): Promise<Harness> {
  const tdb: TestDatabase = await createTestDatabase();
  const redis = await createTestRedis();
  const api = await new FakeBotApi().start();
  const configFor = (extra: Record<string, string>) =>
    parseConfig('notifications-sender-test', senderSchema, {
      DATABASE_URL: tdb.url,
      DATABASE_POOL_SIZE: '20',
      REDIS_URL: redis.url,
      REDIS_PREFIX: redis.prefix,
      MASTER_BOT_TOKEN: MASTER_TOKEN,
      ADMIN_BOT_TOKEN: ADMIN_TOKEN,
      TELEGRAM_API_ROOT: api.url,
      LOG_LEVEL: process.env.TEST_LOG_LEVEL ?? 'silent',
      SENDER_RATE_PER_SECOND: '1000',
      SENDER_CONCURRENCY: '10',
      SENDER_BACKOFF_MS: '50',
      SENDER_MAX_ATTEMPTS: '3',
      SENDER_PER_CHAT_INTERVAL_MS: '0',
      OUTBOX_RELAY_INTERVAL_MS: '200',
      ...extra,
    });
  const h: Harness = {
    db: tdb.db,
    api,
    redis,
    config: configFor(env),
    sender: await startSender(configFor(env), { listen: false, ...opts }),
    async enqueue(refs) {
      await h.sender.base.queues.enqueueOutbox(refs);
    },
    async restart(newEnv = env, newOpts = opts) {
      await h.sender.stop();
      h.config = configFor(newEnv);
      h.sender = await startSender(h.config, { listen: false, ...newOpts });
    },
    async close() {
      await h.sender.stop();
      await api.close();
      await redis.cleanup();
      await tdb.drop();
    },
  };
  return h;
}

export async function waitFor<T>(
  what: string,
  fn: () => Promise<T | null | undefined | false> | T | null | undefined | false,
  timeoutMs = 10_000,
): Promise<T> {
  const started = Date.now();
  for (;;) {
    const v = await fn();
    if (v) return v;
    if (Date.now() - started > timeoutMs) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 25));
  }
}

export const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

export function tgId(): number {
  return randomInt(100_000_000, 2_000_000_000);
}

async function cityId(db: Db, name: string): Promise<number> {
  const c = await db.selectFrom('cities').select('id').where('name', '=', name).executeTakeFirstOrThrow();
  return c.id;
}

export async function createMaster(
  db: Db,
  o: { city?: string; name?: string; unreachable?: boolean } = {},
): Promise<{ id: number; tgUserId: number; cityId: number }> {
  const city = await cityId(db, o.city ?? 'Москва');
  const tgUserId = tgId();
  const m = await db
    .insertInto('masters')
    .values({
      tg_user_id: tgUserId,
      full_name: o.name ?? 'Иван Петров',
      city_id: city,
      moderation_status: 'approved',
      verified: true,
      shift_status: 'on',
      is_unreachable: o.unreachable ?? false,
    })
    .returning('id')
    .executeTakeFirstOrThrow();
  return { id: m.id, tgUserId, cityId: city };
}

export async function createStaff(
  db: Db,
  o: { role?: 'global_admin' | 'city_admin' | 'logist'; cities?: string[]; name?: string } = {},
): Promise<{ id: number; tgUserId: number }> {
  const tgUserId = tgId();
  const s = await db
    .insertInto('staff_users')
    .values({ tg_user_id: tgUserId, full_name: o.name ?? 'Ольга Админ', role: o.role ?? 'global_admin' })
    .returning('id')
    .executeTakeFirstOrThrow();
  for (const name of o.cities ?? [])
    await db
      .insertInto('staff_cities')
      .values({ staff_user_id: s.id, city_id: await cityId(db, name) })
      .execute();
  return { id: s.id, tgUserId };
}

export async function createOrder(db: Db, o: { city?: string; description?: string } = {}): Promise<number> {
  const r = await db
    .insertInto('orders')
    .values({
      city_id: await cityId(db, o.city ?? 'Москва'),
      category: 'electrics',
      description: o.description ?? 'Не работает розетка',
      status: 'searching',
    })
    .returning('id')
    .executeTakeFirstOrThrow();
  return r.id;
}

/** An offer expiring `expiresInS` seconds from now by the database clock. */
export async function createOffer(
  db: Db,
  o: { orderId: number; masterId: number; expiresInS?: number; state?: 'sent' | 'expired' },
): Promise<{ id: number; expiresAt: Date }> {
  const r = await db
    .insertInto('offers')
    .values({
      order_id: o.orderId,
      master_id: o.masterId,
      round_number: 1,
      state: o.state ?? 'sent',
      expires_at: sql<Date>`now() + make_interval(secs => ${o.expiresInS ?? 120})`,
    })
    .returning(['id', 'expires_at'])
    .executeTakeFirstOrThrow();
  return { id: r.id, expiresAt: r.expires_at };
}

export function snapshot(orderId: number, o: Partial<OrderSnapshot> = {}): OrderSnapshot {
  return {
    order_id: orderId,
    city: 'Москва',
    timezone: 'Europe/Moscow',
    district: 'ЦАО',
    street: null,
    category: 'electrics',
    description: 'Не работает розетка',
    timeslot_start: null,
    timeslot_end: null,
    is_asap: true,
    type: 'normal',
    ...o,
  };
}

/** A master, an order, an open offer and its new_offer outbox row (not enqueued). */
export async function newOfferRow(
  db: Db,
  o: { masterId?: number; expiresInS?: number; description?: string } = {},
) {
  const master = o.masterId ? { id: o.masterId } : await createMaster(db);
  const orderId = await createOrder(db, { description: o.description });
  const offer = await createOffer(db, { orderId, masterId: master.id, expiresInS: o.expiresInS });
  const payload: NewOfferPayload = {
    ...snapshot(orderId, o.description !== undefined ? { description: o.description } : {}),
    offer_id: offer.id,
    expires_at: offer.expiresAt.toISOString(),
  };
  const [ref] = await insertOutbox(db, [
    {
      bot: 'master',
      event: 'new_offer',
      master_id: master.id,
      order_id: orderId,
      offer_id: offer.id,
      payload: { ...payload },
      dedup_key: `new-offer-${offer.id}`,
    },
  ]);
  return { ref: ref!, orderId, offer, masterId: master.id };
}

export async function insertRow(
  db: Db,
  row: Omit<OutboxInsert, 'payload'> & { payload?: object },
): Promise<OutboxRef> {
  const [ref] = await insertOutbox(db, [{ ...row, payload: { ...(row.payload ?? {}) } }]);
  return ref!;
}

export async function outboxRow(db: Db, id: number) {
  return db.selectFrom('notifications_outbox').selectAll().where('id', '=', id).executeTakeFirstOrThrow();
}

export async function rowsOf(db: Db, event: NotificationEvent) {
  return db.selectFrom('notifications_outbox').selectAll().where('event', '=', event).orderBy('id').execute();
}

export async function waitForStatus(db: Db, id: number, status: string, timeoutMs = 10_000) {
  return waitFor(
    `outbox ${id} → ${status}`,
    async () => {
      const r = await outboxRow(db, id);
      return r.status === status ? r : null;
    },
    timeoutMs,
  );
}
