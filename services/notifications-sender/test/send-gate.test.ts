import { createTestRedis, type TestRedis } from '@fs/testkit';
import { SendGate } from '../src/send-gate';

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
let redis: TestRedis;
beforeAll(async () => {
  redis = await createTestRedis();
});
afterAll(() => redis.cleanup());

describe('SendGate', () => {
  it('hands out send slots evenly spaced at the rate, across callers', async () => {
    const a = new SendGate(redis.connection, redis.prefix, { perChatIntervalMs: 0, ratePerSecond: 20 });
    const b = new SendGate(redis.connection, redis.prefix, { perChatIntervalMs: 0, ratePerSecond: 20 });
    const waits: number[] = [];
    const elapsed: number[] = [];
    const t0 = Date.now();
    for (let i = 0; i < 10; i++) {
      const r = await (i % 2 ? a : b).acquire('pace-test', 1000 + i);
      if (!r.ok) throw new Error('chat gate should be off');
      waits.push(r.waitMs);
      elapsed.push(Date.now() - t0);
    }
    // Slot i is 50·i ms after slot 0 on the Redis clock. The wait reported to call i is that
    // minus the Redis time that passed since call 0, which is between 0 and the local elapsed time.
    for (let i = 1; i < 10; i++) {
      expect(waits[i]! - waits[0]!).toBeLessThanOrEqual(i * 50 + 1);
      expect(waits[i]! - waits[0]!).toBeGreaterThanOrEqual(i * 50 - elapsed[i]! - 1);
    }
    expect(waits[9]).toBeGreaterThan(0);
  });

  it('holds a chat for the interval and tells how long to wait', async () => {
    // An interval far longer than two Redis calls take even on a loaded machine; the wait it
    // reports is the interval minus the time that really passed between the calls.
    const gate = new SendGate(redis.connection, redis.prefix, {
      perChatIntervalMs: 30_000,
      ratePerSecond: 1000,
    });
    const started = performance.now();
    expect(await gate.acquire('chat-test', 42)).toEqual({ ok: true, waitMs: expect.any(Number) });
    const busy = await gate.acquire('chat-test', 42);
    const elapsed = performance.now() - started;
    expect(busy.ok).toBe(false);
    expect(!busy.ok && busy.retryInMs).toBeGreaterThanOrEqual(30_000 - elapsed - 1);
    expect(!busy.ok && busy.retryInMs).toBeLessThanOrEqual(30_001);
    expect((await gate.acquire('chat-test', 43)).ok).toBe(true);
    expect((await gate.acquire('other-bot', 42)).ok).toBe(true);
  });

  it('a 429 seen here holds the token at once, in this process and then in Redis for every replica', async () => {
    const opts = { perChatIntervalMs: 0, ratePerSecond: 1000 };
    const here = new SendGate(redis.connection, redis.prefix, opts);
    const there = new SendGate(redis.connection, redis.prefix, opts);
    const hooks = here.forToken('pause-test');
    expect(hooks.heldForMs()).toBe(0);
    // 30 s: long enough that a busy machine's stalls never let it run out during the checks.
    hooks.rateLimited(30_000);
    // Synchronously, before any Redis round trip.
    expect(hooks.heldForMs()).toBeGreaterThan(29_000);
    expect(await here.acquire('pause-test', 1)).toEqual({ ok: false, retryInMs: expect.any(Number) });
    // Another replica sees the pause once the key is written (right after the answer).
    const deadline = Date.now() + 10_000;
    while ((await there.pausedFor('pause-test')) === 0 && Date.now() < deadline) await sleep(5);
    expect(await there.pausedFor('pause-test')).toBeGreaterThan(0);
    const elsewhere = await there.acquire('pause-test', 2);
    expect(elsewhere.ok).toBe(false);
    expect(here.forToken('other-bot').heldForMs()).toBe(0);
    // A retry_after above the cap is not a token pause (the worker delays only that job).
    const capped = new SendGate(redis.connection, redis.prefix, { ...opts, maxPauseMs: 60_000 });
    capped.forToken('capped-bot').rateLimited(3_600_000);
    expect(capped.forToken('capped-bot').heldForMs()).toBe(0);
    expect(await capped.pausedFor('capped-bot')).toBe(0);
    // The worker's pause() holds this process too; a shorter, later pause never shrinks a longer one.
    await there.pause('other-bot', 60_000);
    expect(there.forToken('other-bot').heldForMs()).toBeGreaterThan(50_000);
    await here.pause('other-bot', 50);
    expect(await redis.connection.pttl(`${redis.prefix}:tg-pause:other-bot`)).toBeGreaterThan(50_000);
  });
});
