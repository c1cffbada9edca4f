import { parseConfig, type SenderConfig, senderSchema } from '@fs/config';
import type { Db } from '@fs/db';
import type { NewOfferPayload, NotificationEvent, OrderSnapshot } from '@fs/domain';
import { insertOutbox, type OutboxInsert, type OutboxRef } from '@fs/queue';
import {
  createMaster,
  createOrder,
  createTestDatabase,
  createTestRedis,
  type FakeCall,
  FakeTelegram,
  type TestDatabase,
  type TestRedis,
} from '@fs/testkit';
import { sql } from 'kysely';
import { type SenderHandle, type StartSenderOptions, startSender } from '../src/sender';

export const MASTER_TOKEN = '111111:master-token-abcdef';
export const ADMIN_TOKEN = '222222:admin-token-abcdef';

export interface Harness {
  db: Db;
  api: FakeTelegram;
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
  const api = new FakeTelegram();
  await api.start();
  const configFor = (extra: Record<string, string>) =>
    parseConfig('notifications-sender-test', senderSchema, {
      DATABASE_URL: tdb.url,
      DATABASE_POOL_SIZE: '20',
      REDIS_URL: redis.url,
      REDIS_PREFIX: redis.prefix,
      MASTER_BOT_TOKEN: MASTER_TOKEN,
      ADMIN_BOT_TOKEN: ADMIN_TOKEN,
      TELEGRAM_API_ROOT: api.apiRoot,
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
      await api.stop();
      await redis.cleanup();
      await tdb.drop();
    },
  };
  return h;
}

export async function waitFor<T>(
  what: string,
  fn: () => Promise<T | null | undefined | false> | T | null | undefined | false,
  timeoutMs = 30_000,
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

/** Calls to one chat (optionally of one method), in arrival order. */
export function callsTo(api: FakeTelegram, chatId: number | string, method?: string): FakeCall[] {
  return api.calls.filter(
    (c) => String(c.params.chat_id) === String(chatId) && (method === undefined || c.method === method),
  );
}

/** 200 for an accepted call, else Telegram's error code (0 when there was no answer). */
export function statusOf(c: FakeCall): number {
  if (!c.response) return 0;
  return c.response.ok ? 200 : c.response.error_code;
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

/** An order, an open offer to the master (a new one by default) and its new_offer outbox row (not enqueued). */
export async function newOfferRow(
  db: Db,
  o: { masterId?: number; expiresInS?: number; description?: string } = {},
) {
  const master = o.masterId
    ? await db
        .selectFrom('masters')
        .select(['id', 'tg_user_id'])
        .where('id', '=', o.masterId)
        .executeTakeFirstOrThrow()
    : await createMaster(db);
  const description = o.description ?? 'Не работает розетка';
  const order = await createOrder(db, { description, isAsap: true });
  const offer = await createOffer(db, { orderId: order.id, masterId: master.id, expiresInS: o.expiresInS });
  const payload: NewOfferPayload = {
    ...snapshot(order.id, { description }),
    offer_id: offer.id,
    expires_at: offer.expiresAt.toISOString(),
  };
  const [ref] = await insertOutbox(db, [
    {
      bot: 'master',
      event: 'new_offer',
      master_id: master.id,
      order_id: order.id,
      offer_id: offer.id,
      payload: { ...payload },
      dedup_key: `new-offer-${offer.id}`,
    },
  ]);
  return { ref: ref!, orderId: order.id, offer, masterId: master.id, chatId: master.tg_user_id };
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

export async function waitForStatus(db: Db, id: number, status: string, timeoutMs = 30_000) {
  return waitFor(
    `outbox ${id} → ${status}`,
    async () => {
      const r = await outboxRow(db, id);
      return r.status === status ? r : null;
    },
    timeoutMs,
  );
}
