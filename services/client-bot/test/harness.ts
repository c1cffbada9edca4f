import { clientBotSchema, parseConfig } from '@fs/config';
import { SettingsCache } from '@fs/db';
import type { DispatchDeps } from '@fs/dispatch';
import { createLogger } from '@fs/observability';
import { Queues } from '@fs/queue';
import {
  type CityFixture,
  createMaster,
  createTestDatabase,
  createTestRedis,
  FakeTelegram,
  getCity,
  type TestDatabase,
  type TestRedis,
} from '@fs/testkit';
import { type ClientBot, startClientBot } from '../src/app';

const SECRET = 'test-secret-0123456789';
const PUBLIC_URL = 'https://bots.example.com';
export const SMS_SECRET = 'sms-inbound-secret-0123456789';

/** The client bot in webhook mode against FakeTelegram, real Postgres and Redis. */
export interface ClientHarness {
  tdb: TestDatabase;
  redis: TestRedis;
  fake: FakeTelegram;
  token: string;
  cb: ClientBot;
  moscow: CityFixture;
  deps: DispatchDeps;
  close(): Promise<void>;
}

export async function startHarness(): Promise<ClientHarness> {
  const fake = new FakeTelegram();
  const [tdb, redis] = await Promise.all([createTestDatabase(), createTestRedis(), fake.start()]);
  const token = fake.createBot({ username: 'client_test_bot' });
  const moscow = await getCity(tdb.db, 'Москва');
  const config = parseConfig('client-bot', clientBotSchema, {
    DATABASE_URL: tdb.url,
    DATABASE_POOL_SIZE: '4',
    REDIS_URL: redis.url,
    REDIS_PREFIX: redis.prefix,
    CLIENT_BOT_TOKEN: token,
    TELEGRAM_API_ROOT: fake.apiRoot,
    BOT_MODE: 'webhook',
    WEBHOOK_URL: `${PUBLIC_URL}/tg/client`,
    WEBHOOK_SECRET: SECRET,
    SMS_INBOUND_SECRET: SMS_SECRET,
    LOG_LEVEL: 'silent',
    HTTP_HOST: '127.0.0.1',
  });
  const cb = await startClientBot(config, { httpPort: 0 });
  fake.mapWebhookUrl(PUBLIC_URL, cb.httpUrl);
  const queues = new Queues({ connection: redis.connection, prefix: redis.prefix });
  const deps: DispatchDeps = {
    db: tdb.db,
    queues,
    settings: new SettingsCache(tdb.db, 0),
    logger: createLogger({ service: 'client-bot-test', level: 'silent', pretty: false }),
  };
  return {
    tdb,
    redis,
    fake,
    token,
    cb,
    moscow,
    deps,
    async close() {
      await cb.stop();
      await queues.close();
      await Promise.all([tdb.drop(), redis.cleanup(), fake.stop()]);
    },
  };
}

let seq = 0;

/** A Telegram user of the client bot (private chat id = user id). */
export function newClient(): { id: number; first_name: string } {
  return { id: 880_000_000 + ++seq, first_name: 'Анна' };
}

/**
 * An order of Moscow whose master accepted it (so it has a client link), in `status`, with the
 * client's phone. Returns the link token.
 */
export async function orderWithLink(
  h: ClientHarness,
  o: { status?: 'assigned' | 'en_route' | 'payment' | 'closed'; phone?: string; total?: number | null } = {},
): Promise<{ orderId: number; token: string; masterId: number }> {
  const master = await createMaster(h.tdb.db, { cityId: h.moscow.city.id, fullName: 'Петров Иван' });
  const order = await h.tdb.db
    .insertInto('orders')
    .values({
      city_id: h.moscow.city.id,
      category: 'electrics',
      status: o.status ?? 'assigned',
      assigned_master_id: master.id,
      client_phone: o.phone ?? '+79990001122',
      client_name: 'Анна',
      description: 'Не работает розетка',
      timeslot_start: new Date('2026-12-05T11:00:00Z'),
      timeslot_end: new Date('2026-12-05T13:00:00Z'),
      total_amount_kopecks: o.total === undefined ? 350_000 : o.total,
    })
    .returning('id')
    .executeTakeFirstOrThrow();
  const token = `T${order.id}${'x'.repeat(24)}`.slice(0, 32);
  await h.tdb.db
    .insertInto('order_client_links')
    .values({
      order_id: order.id,
      token,
      expires_at: new Date(Date.now() + 86_400_000),
      master_id: master.id,
    })
    .execute();
  return { orderId: order.id, token, masterId: master.id };
}

/** Helpers bound to one harness: send text, share a contact, press buttons, read the chat. */
export function driver(h: ClientHarness) {
  const { fake, token, cb } = h;
  const botMessages = (u: { id: number }) => fake.chat(token, u.id).filter((x) => x.from?.id !== u.id);
  return {
    botMessages,
    last: (u: { id: number }) => botMessages(u).at(-1)!,
    async send(u: { id: number; first_name: string }, text: string) {
      const before = botMessages(u).length;
      await fake.userSendsText(token, u, text);
      await cb.running.idle();
      return botMessages(u).slice(before);
    },
    async contact(u: { id: number; first_name: string }, phoneNumber: string, userId?: number) {
      await fake.userSendsContact(token, u, { phoneNumber, ...(userId ? { userId } : {}) });
      await cb.running.idle();
      return botMessages(u).at(-1)!;
    },
    /** Presses a button; returns the callback answer and the chat's messages after. */
    async tap(
      u: { id: number; first_name: string },
      messageId: number,
      button: { text?: string; data?: string; unchecked?: boolean },
    ) {
      const pressed = await fake.userPressesButton(token, u, { messageId, ...button });
      expect(pressed).toMatchObject({ via: 'webhook', status: 200 });
      await cb.running.idle();
      const answers = fake
        .callsOf('answerCallbackQuery', token)
        .filter((c) => c.params.callback_query_id === pressed.callbackQueryId);
      expect(answers).toHaveLength(1);
      return answers[0]!.params as { text?: string; show_alert?: boolean };
    },
    message: (u: { id: number }, id: number) => fake.message(token, u.id, id)!,
    buttons: (u: { id: number }, id: number) =>
      (fake.message(token, u.id, id)?.reply_markup?.inline_keyboard ?? []).flat().map((b) => b.text),
  };
}
