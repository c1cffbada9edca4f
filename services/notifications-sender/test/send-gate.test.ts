import { createTestRedis, type TestRedis } from '@fs/testkit';
import { SendGate } from '../src/send-gate';

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
    const gate = new SendGate(redis.connection, redis.prefix, {
      perChatIntervalMs: 300,
      ratePerSecond: 1000,
    });
    expect(await gate.acquire('chat-test', 42)).toEqual({ ok: true, waitMs: expect.any(Number) });
    const busy = await gate.acquire('chat-test', 42);
    expect(busy.ok).toBe(false);
    expect(!busy.ok && busy.retryInMs).toBeGreaterThan(200);
    expect(!busy.ok && busy.retryInMs).toBeLessThanOrEqual(301);
    expect((await gate.acquire('chat-test', 43)).ok).toBe(true);
    expect((await gate.acquire('other-bot', 42)).ok).toBe(true);
  });
});
