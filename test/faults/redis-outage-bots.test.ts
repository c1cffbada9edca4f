/**
 * Redis goes away under both bots (a private redis-server, SIGKILLed): a person who writes gets
 * the short "temporary trouble" reply instead of silence, the outage is logged once per change
 * of state through pino (lost, then restored) and nothing reaches stderr outside the JSON logs
 * (BullMQ prints queue errors with console.error when nobody listens). After Redis is back the
 * bots work again.
 */
import { Writable } from 'node:stream';
import { adminBotSchema, masterBotSchema, parseConfig } from '@fs/config';
import { createLogger } from '@fs/observability';
import {
  createMaster,
  createStaff,
  createTestDatabase,
  FakeTelegram,
  getCity,
  type TestDatabase,
} from '@fs/testkit';
import { type AdminBot, startAdminBot } from '../../services/admin-bot/src/app';
import { texts as adminTexts } from '../../services/admin-bot/src/texts';
import { type MasterBot, startMasterBot } from '../../services/master-bot/src/app';
import { texts as masterTexts } from '../../services/master-bot/src/texts';
import { PrivateRedis, sleep, waitUntil } from './helpers';

jest.setTimeout(300_000);

const PUBLIC = 'https://bots.example.com';
const SECRET = 'outage-secret-0123456789';
let redis: PrivateRedis;
let tdb: TestDatabase;
let fake: FakeTelegram;
let mb: MasterBot;
let ab: AdminBot;
let masterToken: string;
let adminToken: string;
const lines: { service: string; level: number; msg: string; reason?: string }[] = [];
let consoleErrors = 0;
let consoleSpy: jest.SpyInstance;

function capture(service: string) {
  const stream = new Writable({
    write(chunk, _enc, done) {
      for (const line of chunk.toString().split('\n')) if (line) lines.push(JSON.parse(line));
      done();
    },
  });
  return createLogger({ service, level: 'info', destination: stream });
}

const logged = (service: string, msg: string) => lines.filter((l) => l.service === service && l.msg === msg);

beforeAll(async () => {
  consoleSpy = jest.spyOn(console, 'error').mockImplementation(() => {
    consoleErrors++;
  });
  redis = new PrivateRedis();
  fake = new FakeTelegram();
  [tdb] = await Promise.all([createTestDatabase(), redis.start(), fake.start()]);
  masterToken = fake.createBot({ username: 'outage_master_bot' });
  adminToken = fake.createBot({ username: 'outage_admin_bot' });
  const common = {
    DATABASE_URL: tdb.url,
    DATABASE_POOL_SIZE: '4',
    REDIS_URL: redis.url,
    REDIS_PREFIX: '{fs-outage}',
    TELEGRAM_API_ROOT: fake.apiRoot,
    BOT_MODE: 'webhook',
    WEBHOOK_SECRET: SECRET,
    HTTP_HOST: '127.0.0.1',
  };
  mb = await startMasterBot(
    parseConfig('master-bot', masterBotSchema, {
      ...common,
      MASTER_BOT_TOKEN: masterToken,
      WEBHOOK_URL: `${PUBLIC}/tg/master`,
    }),
    { httpPort: 0, logger: capture('master-bot') },
  );
  ab = await startAdminBot(
    parseConfig('admin-bot', adminBotSchema, {
      ...common,
      ADMIN_BOT_TOKEN: adminToken,
      WEBHOOK_URL: `${PUBLIC}/tg/admin`,
    }),
    { httpPort: 0, logger: capture('admin-bot') },
  );
  fake.mapWebhookUrl(`${PUBLIC}/tg/master`, `${mb.httpUrl}/tg/master`);
  fake.mapWebhookUrl(`${PUBLIC}/tg/admin`, `${ab.httpUrl}/tg/admin`);
});

afterAll(async () => {
  await Promise.allSettled([mb?.stop(), ab?.stop()]);
  await Promise.allSettled([redis?.stop(), tdb?.drop(), fake?.stop()]);
  consoleSpy?.mockRestore();
});

it('both bots answer a person during a Redis outage, log it once per state change, and work again after', async () => {
  const moscow = await getCity(tdb.db, 'Москва');
  const master = await createMaster(tdb.db, { cityId: moscow.city.id });
  const admin = await createStaff(tdb.db, { role: 'global_admin' });
  const masterUser = { id: Number(master.tg_user_id), first_name: 'Мастер' };
  const adminUser = { id: Number(admin.tg_user_id), first_name: 'Админ' };
  const lastText = (token: string, chatId: number) => fake.sentMessages(token, chatId).at(-1)?.text;

  // Healthy: /start shows the menus.
  await fake.userSendsText(masterToken, masterUser, '/start');
  await fake.userSendsText(adminToken, adminUser, '/start');
  expect(lastText(adminToken, adminUser.id)).toContain('Главное меню');
  const masterMenu = lastText(masterToken, masterUser.id);
  expect(masterMenu).not.toBe(masterTexts.outage);

  await redis.kill();
  // Let the clients notice and fail a few reconnect attempts (each one is an 'error' event).
  await waitUntil(
    'both bots saw Redis go',
    () =>
      logged('master-bot', 'redis connection lost').length > 0 &&
      logged('admin-bot', 'redis connection lost').length > 0,
    120_000,
  );
  await sleep(3000);

  // Messages and button presses during the outage get the short reply (webhook: acknowledged
  // after handling, so the reply is there when the delivery returns).
  const m1 = await fake.userSendsText(masterToken, masterUser, '/start');
  expect(m1).toMatchObject({ via: 'webhook', status: 200 });
  expect(lastText(masterToken, masterUser.id)).toBe(masterTexts.outage);
  const a1 = await fake.userSendsText(adminToken, adminUser, '/start');
  expect(a1).toMatchObject({ via: 'webhook', status: 200 });
  expect(lastText(adminToken, adminUser.id)).toBe(adminTexts.outage);

  for (const service of ['master-bot', 'admin-bot']) {
    const lost = logged(service, 'redis connection lost');
    expect(lost).toHaveLength(1);
    expect(lost[0]).toMatchObject({ level: 40, reason: expect.any(String) });
    expect(logged(service, 'bot handler failed: dependency unavailable')).toHaveLength(1);
  }
  expect(consoleErrors).toBe(0);

  await redis.restart();
  await waitUntil(
    'both bots saw Redis come back',
    () =>
      logged('master-bot', 'redis connection restored').length === 1 &&
      logged('admin-bot', 'redis connection restored').length === 1,
    120_000,
  );
  await fake.userSendsText(adminToken, adminUser, '/start');
  expect(lastText(adminToken, adminUser.id)).toContain('Главное меню');
  await fake.userSendsText(masterToken, masterUser, '/start');
  expect(lastText(masterToken, masterUser.id)).toBe(masterMenu);
  for (const service of ['master-bot', 'admin-bot']) {
    expect(logged(service, 'redis connection lost')).toHaveLength(1);
    expect(logged(service, 'redis connection restored')).toHaveLength(1);
  }
  expect(consoleErrors).toBe(0);
});
