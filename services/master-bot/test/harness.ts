import { masterBotSchema, parseConfig } from '@fs/config';
import { SettingsCache } from '@fs/db';
import type { DispatchDeps } from '@fs/dispatch';
import { createLogger } from '@fs/observability';
import { Queues } from '@fs/queue';
import {
  type CityFixture,
  createTestDatabase,
  createTestRedis,
  FakeTelegram,
  getCity,
  type MasterFixture,
  type TestDatabase,
  type TestRedis,
} from '@fs/testkit';
import { type MasterBot, startMasterBot } from '../src/app';
import { Telegram } from './fixtures';

const SECRET = 'test-secret-0123456789';
const PUBLIC_URL = 'https://bots.example.com';

/** The master bot in webhook mode against FakeTelegram, real Postgres and Redis. */
export interface BotHarness {
  tdb: TestDatabase;
  redis: TestRedis;
  fake: FakeTelegram;
  token: string;
  tg: Telegram;
  mb: MasterBot;
  moscow: CityFixture;
  /** Dispatch deps on the same database and Redis (to run timed jobs as the scheduler would). */
  deps: DispatchDeps;
  /** Pins the bot's clock of its time-dependent texts (undefined: the real clock again). */
  pinClock(at: Date | undefined): void;
  close(): Promise<void>;
}

export async function startHarness(): Promise<BotHarness> {
  const fake = new FakeTelegram();
  const [tdb, redis] = await Promise.all([createTestDatabase(), createTestRedis(), fake.start()]);
  const token = fake.createBot({ username: 'master_test_bot' });
  const tg = new Telegram(token, { apiRoot: fake.apiRoot });
  const moscow = await getCity(tdb.db, 'Москва');
  const config = parseConfig('master-bot', masterBotSchema, {
    DATABASE_URL: tdb.url,
    DATABASE_POOL_SIZE: '4',
    REDIS_URL: redis.url,
    REDIS_PREFIX: redis.prefix,
    MASTER_BOT_TOKEN: token,
    TELEGRAM_API_ROOT: fake.apiRoot,
    BOT_MODE: 'webhook',
    WEBHOOK_URL: `${PUBLIC_URL}/tg/master`,
    WEBHOOK_SECRET: SECRET,
    LOG_LEVEL: 'silent',
    HTTP_HOST: '127.0.0.1',
  });
  let pinned: Date | undefined;
  const mb = await startMasterBot(config, { httpPort: 0, now: () => pinned ?? new Date() });
  fake.mapWebhookUrl(PUBLIC_URL, mb.httpUrl);
  const queues = new Queues({ connection: redis.connection, prefix: redis.prefix });
  const deps: DispatchDeps = {
    db: tdb.db,
    queues,
    settings: new SettingsCache(tdb.db, 0),
    logger: createLogger({ service: 'master-bot-test', level: 'silent', pretty: false }),
  };
  return {
    deps,
    tdb,
    redis,
    fake,
    token,
    tg,
    mb,
    moscow,
    pinClock(at) {
      pinned = at;
    },
    async close() {
      await mb.stop();
      await queues.close();
      await Promise.all([tdb.drop(), redis.cleanup(), fake.stop()]);
    },
  };
}

export const userOf = (m: Pick<MasterFixture, 'tg_user_id'>) => ({ id: m.tg_user_id, first_name: 'Мастер' });

/** Helpers bound to one harness: send text/photo/document, press buttons, read the chat. */
export function driver(h: BotHarness) {
  const { fake, token, mb } = h;
  const lastBotMessage = (m: MasterFixture) => {
    const msgs = fake.chat(token, m.tg_user_id).filter((x) => x.from?.id !== m.tg_user_id);
    return msgs[msgs.length - 1]!;
  };
  return {
    async send(m: MasterFixture, text: string) {
      await fake.userSendsText(token, userOf(m), text);
      await mb.running.idle();
      return lastBotMessage(m);
    },
    async sendPhoto(m: MasterFixture) {
      await fake.userSendsPhoto(token, userOf(m));
      await mb.running.idle();
      return lastBotMessage(m);
    },
    async sendDocument(m: MasterFixture) {
      await fake.userSendsDocument(token, userOf(m), { fileName: 'act.pdf' });
      await mb.running.idle();
      return lastBotMessage(m);
    },
    /** A plain location (📎 → Геопозиция), or a live one with `livePeriod` seconds. */
    async sendLocation(m: MasterFixture, lat: number, lon: number, livePeriod?: number) {
      const sent = await fake.userSendsLocation(token, userOf(m), {
        latitude: lat,
        longitude: lon,
        ...(livePeriod !== undefined ? { livePeriod } : {}),
      });
      await mb.running.idle();
      return { sent: sent.message, reply: lastBotMessage(m) };
    },
    /** Telegram's edited_message for a live location that moved (or stopped). */
    async moveLive(m: MasterFixture, messageId: number, lat: number, lon: number, stopped = false) {
      await fake.userMovesLiveLocation(token, userOf(m), {
        messageId,
        latitude: lat,
        longitude: lon,
        stopped,
      });
      await mb.running.idle();
    },
    async sendRaw(m: MasterFixture, content: Record<string, unknown>) {
      await fake.userSendsMessage(token, userOf(m), content as never);
      await mb.running.idle();
      return lastBotMessage(m);
    },
    /** Presses a button (by label, or forged data) of a bot message; returns the callback answer. */
    async tap(
      m: MasterFixture,
      messageId: number,
      button: { text?: string; data?: string; unchecked?: boolean },
    ) {
      const pressed = await fake.userPressesButton(token, userOf(m), { messageId, ...button });
      expect(pressed).toMatchObject({ via: 'webhook', status: 200 });
      await mb.running.idle();
      const answers = fake
        .callsOf('answerCallbackQuery', token)
        .filter((c) => c.params.callback_query_id === pressed.callbackQueryId);
      expect(answers).toHaveLength(1);
      return answers[0]!.params as { text?: string; show_alert?: boolean };
    },
    shown: (m: MasterFixture, messageId: number) => fake.message(token, m.tg_user_id, messageId)!,
    buttons: (m: MasterFixture, messageId: number) =>
      (fake.message(token, m.tg_user_id, messageId)?.reply_markup?.inline_keyboard ?? [])
        .flat()
        .map((b) => b.text),
    data: (m: MasterFixture, messageId: number) =>
      (fake.message(token, m.tg_user_id, messageId)?.reply_markup?.inline_keyboard ?? [])
        .flat()
        .map((b) => b.callback_data),
    lastBotMessage,
    /** /start and the menu message it sent. */
    async menu(m: MasterFixture) {
      await fake.userSendsText(token, userOf(m), '/start');
      await mb.running.idle();
      return lastBotMessage(m);
    },
  };
}
