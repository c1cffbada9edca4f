import { adminBotSchema, parseConfig } from '@fs/config';
import { SettingsCache } from '@fs/db';
import type { DispatchDeps } from '@fs/dispatch';
import type { StaffRole } from '@fs/domain';
import { createLogger } from '@fs/observability';
import { Queues } from '@fs/queue';
import {
  type CityFixture,
  createStaff,
  createTestDatabase,
  createTestRedis,
  FakeTelegram,
  getCity,
  type StaffFixture,
  type TestDatabase,
  type TestRedis,
} from '@fs/testkit';
import { type AdminBot, startAdminBot } from '../src/app';

const SECRET = 'test-secret-0123456789';
const PUBLIC_URL = 'https://bots.example.com';

/** The admin bot in webhook mode against FakeTelegram, real Postgres and Redis. */
export interface AdminHarness {
  tdb: TestDatabase;
  redis: TestRedis;
  fake: FakeTelegram;
  token: string;
  /** The master bot's token (the admin bot fetches files masters sent to it). */
  masterToken: string;
  ab: AdminBot;
  moscow: CityFixture;
  spb: CityFixture;
  /** Dispatch deps on the same database and Redis (to check queues, run distribution…). */
  deps: DispatchDeps;
  queues: Queues;
  /** A staff member with a Telegram id (default cities: global admin none, others Москва). */
  staff(role: StaffRole, cityIds?: number[]): Promise<StaffFixture>;
  /** Pins the bot's clock of its time-dependent screens (undefined: the real clock again). */
  pinClock(at: Date | undefined): void;
  close(): Promise<void>;
}

/** `env`: extra admin-bot variables (e.g. CLIENT_BOT_USERNAME). */
export async function startAdminHarness(opts: { env?: Record<string, string> } = {}): Promise<AdminHarness> {
  const fake = new FakeTelegram();
  const [tdb, redis] = await Promise.all([createTestDatabase(), createTestRedis(), fake.start()]);
  const token = fake.createBot({ username: 'admin_test_bot' });
  const masterToken = fake.createBot({ username: 'master_files_bot' });
  const [moscow, spb] = await Promise.all([getCity(tdb.db, 'Москва'), getCity(tdb.db, 'Санкт-Петербург')]);
  const config = parseConfig('admin-bot', adminBotSchema, {
    DATABASE_URL: tdb.url,
    DATABASE_POOL_SIZE: '4',
    REDIS_URL: redis.url,
    REDIS_PREFIX: redis.prefix,
    ADMIN_BOT_TOKEN: token,
    MASTER_BOT_TOKEN: masterToken,
    TELEGRAM_API_ROOT: fake.apiRoot,
    BOT_MODE: 'webhook',
    WEBHOOK_URL: `${PUBLIC_URL}/tg/admin`,
    WEBHOOK_SECRET: SECRET,
    LOG_LEVEL: 'silent',
    HTTP_HOST: '127.0.0.1',
    ...opts.env,
  });
  let pinned: Date | undefined;
  const ab = await startAdminBot(config, { httpPort: 0, now: () => pinned ?? new Date() });
  fake.mapWebhookUrl(PUBLIC_URL, ab.httpUrl);
  const queues = new Queues({ connection: redis.connection, prefix: redis.prefix });
  const deps: DispatchDeps = {
    db: tdb.db,
    queues,
    settings: new SettingsCache(tdb.db, 0),
    logger: createLogger({ service: 'admin-bot-test', level: 'silent', pretty: false }),
  };
  return {
    tdb,
    redis,
    fake,
    token,
    masterToken,
    ab,
    moscow,
    spb,
    deps,
    queues,
    staff: (role, cityIds) =>
      createStaff(tdb.db, { role, cityIds: cityIds ?? (role === 'global_admin' ? [] : [moscow.city.id]) }),
    pinClock(at) {
      pinned = at;
    },
    async close() {
      await ab.stop();
      await queues.close();
      await Promise.all([tdb.drop(), redis.cleanup(), fake.stop()]);
    },
  };
}

type Person = Pick<StaffFixture, 'tg_user_id'>;
export const userOf = (s: Person) => ({ id: Number(s.tg_user_id), first_name: 'Сотрудник' });

/** Helpers bound to one harness: send text/photo/document, press buttons, read the chat. */
export function adminDriver(h: AdminHarness) {
  const { fake, token, ab } = h;
  const chatId = (s: Person) => Number(s.tg_user_id);
  const lastBotMessage = (s: Person) => {
    const msgs = fake.chat(token, chatId(s)).filter((x) => x.from?.id !== chatId(s));
    return msgs[msgs.length - 1]!;
  };
  /** Every message the bot sent to this person since `since` (a count from `sentCount`). */
  const sentSince = (s: Person, since: number) => fake.sentMessages(token, chatId(s)).slice(since);
  return {
    lastBotMessage,
    sentSince,
    sentCount: (s: Person) => fake.sentMessages(token, chatId(s)).length,
    async send(s: Person, text: string) {
      await fake.userSendsText(token, userOf(s), text);
      await ab.running.idle();
      return lastBotMessage(s);
    },
    async sendPhoto(s: Person) {
      await fake.userSendsPhoto(token, userOf(s));
      await ab.running.idle();
      return lastBotMessage(s);
    },
    async sendDocument(s: Person, fileName = 'file.pdf') {
      await fake.userSendsDocument(token, userOf(s), { fileName });
      await ab.running.idle();
      return lastBotMessage(s);
    },
    async sendRaw(s: Person, content: Record<string, unknown>) {
      await fake.userSendsMessage(token, userOf(s), content as never);
      await ab.running.idle();
      return lastBotMessage(s);
    },
    /** Presses a button (by label, or forged data) of a bot message; returns the callback answer. */
    async tap(s: Person, messageId: number, button: { text?: string; data?: string; unchecked?: boolean }) {
      const pressed = await fake.userPressesButton(token, userOf(s), { messageId, ...button });
      expect(pressed).toMatchObject({ via: 'webhook', status: 200 });
      await ab.running.idle();
      const answers = fake
        .callsOf('answerCallbackQuery', token)
        .filter((c) => c.params.callback_query_id === pressed.callbackQueryId);
      expect(answers).toHaveLength(1);
      return answers[0]!.params as { text?: string; show_alert?: boolean };
    },
    /** Presses a button on the bot's last message and returns that message as it is now (maybe edited) plus the newest bot message. */
    async tapLast(s: Person, text: string) {
      const m = lastBotMessage(s);
      const answer = await this.tap(s, m.message_id, { text });
      return { answer, edited: fake.message(token, chatId(s), m.message_id)!, last: lastBotMessage(s) };
    },
    shown: (s: Person, messageId: number) => fake.message(token, chatId(s), messageId)!,
    buttons: (s: Person, messageId: number) =>
      (fake.message(token, chatId(s), messageId)?.reply_markup?.inline_keyboard ?? [])
        .flat()
        .map((b) => b.text),
    data: (s: Person, messageId: number) =>
      (fake.message(token, chatId(s), messageId)?.reply_markup?.inline_keyboard ?? [])
        .flat()
        .map((b) => b.callback_data),
    /** /start and the menu message it sent. */
    async menu(s: Person) {
      await fake.userSendsText(token, userOf(s), '/start');
      await ab.running.idle();
      return lastBotMessage(s);
    },
  };
}
