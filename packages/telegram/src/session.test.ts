import { once } from 'node:events';
import { createLogger } from '@fs/observability';
import { createTestRedis, FakeTelegram, type TestRedis } from '@fs/testkit';
import IORedis from 'ioredis';
import type { Context, Telegraf } from 'telegraf';
import type { Update } from 'telegraf/types';
import { createBot } from './bot';
import { redisSession } from './session';

interface Ctx extends Context {
  session?: { count?: number };
}

const logger = createLogger({ service: 'test', level: 'silent', pretty: false });
let redis: TestRedis;
let api: FakeTelegram;
let seq = 1;

beforeAll(async () => {
  redis = await createTestRedis();
  api = new FakeTelegram();
  await api.start();
});
afterAll(async () => {
  await redis.cleanup();
  await api.stop();
});

const msg = (userId: number, chatId = userId): Update =>
  ({
    update_id: seq++,
    message: {
      message_id: seq,
      date: 0,
      chat: { id: chatId, type: 'private', first_name: 'U' },
      from: { id: userId, is_bot: false, first_name: 'U' },
      text: 'count',
    },
  }) as Update;

/** A fresh bot instance, as after a restart or on another replica. */
function replica(ttlSeconds = 60, connection = redis.connection): Telegraf<Ctx> {
  const bot = createBot<Ctx>('1:AAAAAAAAAAAAAAAA', {
    apiRoot: api.apiRoot,
    logger,
    errorText: 'x',
    outageText: 'outage',
  });
  bot.botInfo = { id: 1, is_bot: true, first_name: 'B', username: 'b' } as Telegraf['botInfo'];
  bot.use(redisSession({ redis: connection, prefix: redis.prefix, bot: 'master', ttlSeconds }));
  bot.on('message', async (ctx) => {
    ctx.session = { count: (ctx.session?.count ?? 0) + 1 };
    await ctx.reply(String(ctx.session.count));
  });
  return bot;
}

describe('redisSession', () => {
  it('keeps state per user and chat across bot instances, with a TTL, under the prefix', async () => {
    await replica().handleUpdate(msg(1));
    await replica().handleUpdate(msg(1));
    await replica().handleUpdate(msg(2));
    await replica().handleUpdate(msg(1, 100));
    expect(api.callsOf('sendMessage').map((c) => c.params.text)).toEqual(['1', '2', '1', '1']);

    const key = `${redis.prefix}:session:master:1:1`;
    expect(JSON.parse((await redis.connection.get(key))!)).toEqual({ count: 2 });
    const ttl = await redis.connection.ttl(key);
    expect(ttl).toBeGreaterThan(0);
    expect(ttl).toBeLessThanOrEqual(60);
    expect(await redis.connection.exists(`${redis.prefix}:session:master:100:1`)).toBe(1);
  });

  it('forgets a session after its TTL', async () => {
    const bot = replica(1);
    await bot.handleUpdate(msg(5));
    await new Promise((r) => setTimeout(r, 1100));
    await bot.handleUpdate(msg(5));
    const texts = api
      .callsOf('sendMessage')
      .slice(-2)
      .map((c) => c.params.text);
    expect(texts).toEqual(['1', '1']);
  });

  it('a read that failed while Redis was unreachable does not stick: the next update reads again', async () => {
    // A fail-fast connection (as the bots use): commands fail at once while it is down.
    const conn = new IORedis(redis.url, {
      enableOfflineQueue: false,
      maxRetriesPerRequest: 1,
      lazyConnect: true,
    });
    await conn.connect();
    try {
      const bot = replica(60, conn);
      await bot.handleUpdate(msg(9));
      const ended = once(conn, 'end');
      conn.disconnect();
      await ended;
      await bot.handleUpdate(msg(9));
      await conn.connect();
      await bot.handleUpdate(msg(9));
      const texts = api
        .callsOf('sendMessage')
        .slice(-3)
        .map((c) => c.params.text);
      // telegraf's session() keeps a rejected read for the key forever: the third update would
      // be "outage" too although Redis is back.
      expect(texts).toEqual(['1', 'outage', '2']);
    } finally {
      conn.disconnect();
    }
  });
});
