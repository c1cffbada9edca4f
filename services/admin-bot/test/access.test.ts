import { adminBotSchema, parseConfig } from '@fs/config';
import {
  createTestDatabase,
  createTestRedis,
  FakeTelegram,
  type TestDatabase,
  type TestRedis,
} from '@fs/testkit';
import { type AdminBot, startAdminBot } from '../src/app';

const GLOBAL_ADMIN = 5_550_001;
let tdb: TestDatabase;
let redis: TestRedis;
let fake: FakeTelegram;
let token: string;
let ab: AdminBot;
let nextUser = 6_000_000;

const person = (id: number) => ({ id, first_name: 'Иван', last_name: 'Петров', username: `user${id}` });

/** Sends a message through Telegram (the bot long-polls) and returns the bot's replies to it. */
async function say(userId: number, text: string): Promise<string[]> {
  const before = fake.sentMessages(token, userId).length;
  await fake.userSendsText(token, person(userId), text);
  await fake.waitFor(
    (c) =>
      c.method === 'sendMessage' &&
      c.params.chat_id === userId &&
      fake.sentMessages(token, userId).length > before,
  );
  await ab.running.idle();
  return fake
    .sentMessages(token, userId)
    .slice(before)
    .map((m) => m.text ?? '');
}

async function issueCode(code: string, role: 'city_admin' | 'logist', cities: string[], patch = {}) {
  const row = await tdb.db
    .insertInto('staff_access_codes')
    .values({ code, role, expires_at: new Date(Date.now() + 86_400_000), ...patch })
    .returning('id')
    .executeTakeFirstOrThrow();
  if (cities.length > 0) {
    const ids = await tdb.db.selectFrom('cities').select('id').where('name', 'in', cities).execute();
    await tdb.db
      .insertInto('staff_access_code_cities')
      .values(ids.map((c) => ({ access_code_id: row.id, city_id: c.id })))
      .execute();
  }
  return row.id;
}

const staffByTg = (tg: number) =>
  tdb.db.selectFrom('staff_users').select(['id', 'role', 'is_active']).where('tg_user_id', '=', tg).execute();

beforeAll(async () => {
  fake = new FakeTelegram();
  [tdb, redis] = await Promise.all([createTestDatabase(), createTestRedis(), fake.start()]);
  token = fake.createBot({ username: 'admin_test_bot' });
  const config = parseConfig('admin-bot', adminBotSchema, {
    DATABASE_URL: tdb.url,
    DATABASE_POOL_SIZE: '4',
    REDIS_URL: redis.url,
    REDIS_PREFIX: redis.prefix,
    ADMIN_BOT_TOKEN: token,
    TELEGRAM_API_ROOT: fake.apiRoot,
    BOT_MODE: 'polling',
    GLOBAL_ADMIN_TG_IDS: String(GLOBAL_ADMIN),
    LOG_LEVEL: 'silent',
    HTTP_HOST: '127.0.0.1',
  });
  ab = await startAdminBot(config, { httpPort: 0 });
});

afterAll(async () => {
  await ab?.stop();
  await Promise.all([tdb?.drop(), redis?.cleanup(), fake?.stop()]);
});

describe('admin bot access', () => {
  it('asks unknown users for a code', async () => {
    const replies = await say(nextUser++, '/start');
    expect(replies).toEqual([expect.stringContaining('Отправьте код доступа')]);
  });

  it('a one-time code creates exactly one staff row with its role and cities, and cannot be reused', async () => {
    const codeId = await issueCode('CTYA7788', 'city_admin', ['Москва', 'Санкт-Петербург']);
    const user = nextUser++;
    const replies = await say(user, '/start ctya7788');
    expect(replies[0]).toContain('Код принят');
    expect(replies[1]).toContain('Администратор города');
    expect(replies[1]).toContain('Москва, Санкт-Петербург');

    const rows = await staffByTg(user);
    expect(rows).toEqual([expect.objectContaining({ role: 'city_admin', is_active: true })]);
    const cities = await tdb.db
      .selectFrom('staff_cities')
      .select('city_id')
      .where('staff_user_id', '=', rows[0]!.id)
      .execute();
    expect(cities).toHaveLength(2);
    const code = await tdb.db
      .selectFrom('staff_access_codes')
      .select(['used_at', 'used_by_staff_id'])
      .where('id', '=', codeId)
      .executeTakeFirstOrThrow();
    expect(code.used_at).toBeInstanceOf(Date);
    expect(code.used_by_staff_id).toBe(rows[0]!.id);

    // Someone else tries the same code as plain text: refused, nobody created.
    const other = nextUser++;
    expect(await say(other, 'CTYA7788')).toEqual([expect.stringContaining('Код не подошёл')]);
    expect(await staffByTg(other)).toEqual([]);
    // The owner is recognised from now on; still one row.
    expect((await say(user, '/start'))[0]).toContain('Администратор города');
    expect(await staffByTg(user)).toHaveLength(1);
  });

  it('two people racing for one code: exactly one wins', async () => {
    await issueCode('RACE1234', 'logist', ['Москва']);
    const [u1, u2] = [nextUser++, nextUser++];
    const replies = await Promise.all([say(u1, 'RACE1234'), say(u2, 'RACE1234')]);
    expect(replies.flat().filter((t) => t.includes('Код принят'))).toHaveLength(1);
    const created = [...(await staffByTg(u1)), ...(await staffByTg(u2))];
    expect(created).toHaveLength(1);
  });

  it('expired and revoked codes are refused', async () => {
    await issueCode('XLDCDE21', 'logist', [], { expires_at: new Date(Date.now() - 1000) });
    await issueCode('REVKED21', 'logist', [], { revoked_at: new Date() });
    const user = nextUser++;
    expect(await say(user, 'XLDCDE21')).toEqual([expect.stringContaining('Код не подошёл')]);
    expect(await say(user, 'REVKED21')).toEqual([expect.stringContaining('Код не подошёл')]);
    expect(await staffByTg(user)).toEqual([]);
  });

  it('stops guessing after five wrong codes', async () => {
    await issueCode('GDDD5555', 'logist', []);
    const user = nextUser++;
    for (let i = 0; i < 4; i++)
      expect(await say(user, `WRNG00${i}A`)).toEqual([expect.stringContaining('Код не подошёл')]);
    expect(await say(user, 'WRNG009A')).toEqual([expect.stringContaining('Слишком много')]);
    expect(await say(user, 'GDDD5555')).toEqual([expect.stringContaining('Слишком много')]);
    expect(await staffByTg(user)).toEqual([]);
  });

  it('only text shaped like a code (8 letters/digits of the code alphabet) is an attempt; other text gets help and burns nothing', async () => {
    await issueCode('HELP2345', 'logist', ['Москва']);
    const user = nextUser++;
    const notCodes = [
      'hello',
      'привет',
      'здравствуйте',
      'hello world',
      'abcd',
      'elephants!',
      '/help',
      '/start hello',
    ];
    for (const text of notCodes) {
      expect(await say(user, text)).toEqual([expect.stringContaining('Отправьте код доступа')]);
    }
    // Nothing counted: the failure counter was never created, and a real code still works.
    expect(await redis.connection.exists(`${redis.prefix}:admin:code-failures:${user}`)).toBe(0);
    expect((await say(user, 'help2345'))[0]).toContain('Код принят');
  });

  it('GLOBAL_ADMIN_TG_IDS become global admins on first contact, once', async () => {
    expect((await say(GLOBAL_ADMIN, '/start'))[0]).toContain('Глобальный администратор');
    expect((await say(GLOBAL_ADMIN, '/start'))[0]).toContain('Глобальный администратор');
    expect(await staffByTg(GLOBAL_ADMIN)).toEqual([expect.objectContaining({ role: 'global_admin' })]);
  });

  it('the seed’s first-admin code works', async () => {
    const seeded = await tdb.db
      .selectFrom('staff_access_codes')
      .select('code')
      .where('role', '=', 'global_admin')
      .where('used_at', 'is', null)
      .executeTakeFirstOrThrow();
    const user = nextUser++;
    const replies = await say(user, `/start ${seeded.code}`);
    expect(replies[1]).toContain('Глобальный администратор');
    expect(await staffByTg(user)).toEqual([expect.objectContaining({ role: 'global_admin' })]);
  });

  describe('bad input from a group chat', () => {
    const GROUP = -4_100_600;
    const REFUSAL = 'Я работаю только в личных сообщениях: напишите мне в личный чат.';
    const groupSays = async (userId: number, text: string) => {
      const before = fake.sentMessages(token, GROUP).length;
      await fake.userSendsText(token, person(userId), text, { chatId: GROUP });
      // Polling: the update is handled once the bot confirmed it (its next getUpdates).
      const deadline = Date.now() + 60_000;
      while (fake.pendingUpdates(token).length > 0) {
        if (Date.now() > deadline) throw new Error('the bot did not fetch the group update');
        await new Promise((r) => setTimeout(r, 20));
      }
      await ab.running.idle();
      return fake
        .sentMessages(token, GROUP)
        .slice(before)
        .map((m) => m.text);
    };

    it('/start of a global admin in a group → one refusal, no menu in the group', async () => {
      expect(await groupSays(GLOBAL_ADMIN, '/start')).toEqual([REFUSAL]);
    });

    it('an access code in a group (plain or /start CODE) → not redeemed, the code stays usable', async () => {
      await issueCode('GRPC2345', 'logist', ['Москва']);
      const user = nextUser++;
      expect(await groupSays(user, 'GRPC2345')).toEqual([]);
      expect(await groupSays(user, '/start GRPC2345')).toEqual([REFUSAL]);
      expect(await staffByTg(user)).toEqual([]);
      const code = await tdb.db
        .selectFrom('staff_access_codes')
        .select('used_at')
        .where('code', '=', 'GRPC2345')
        .executeTakeFirstOrThrow();
      expect(code.used_at).toBeNull();
      expect((await say(user, 'GRPC2345'))[0]).toContain('Код принят');
    });
  });

  it('runs in polling mode and serves health and metrics', async () => {
    // Between two long polls isPolling is briefly false: wait for the next one.
    const deadline = Date.now() + 60_000;
    while (!fake.isPolling(token) && Date.now() < deadline) await new Promise((r) => setTimeout(r, 20));
    expect(fake.isPolling(token)).toBe(true);
    expect(fake.webhook(token)).toBeNull();
    expect((await fetch(`${ab.httpUrl}/health/ready`)).status).toBe(200);
    expect(await (await fetch(`${ab.httpUrl}/metrics`)).text()).toContain('bot_updates_total');
  });
});
