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
    const slots: number[] = [];
    const before = performance.now();
    const first = await a.acquire('pace-test', 1000);
    // The first call's round trip bounds how far a's mapping of the Redis clock can still move.
    const firstCallMs = performance.now() - before;
    if (!first.ok) throw new Error('chat gate should be off');
    for (let i = 1; i < 10; i++) {
      const r = await (i % 2 ? b : a).acquire('pace-test', 1000 + i);
      if (!r.ok) throw new Error('chat gate should be off');
      slots.push(r.at);
    }
    // Slot i is 50·i ms after slot 0 on the Redis clock; each gate maps it onto its own
    // performance.now() never earlier than it is, and later only by a round trip it has seen.
    expect(first.at).toBeGreaterThanOrEqual(before);
    for (let i = 1; i < 10; i++) {
      expect(slots[i - 1]! - first.at).toBeGreaterThanOrEqual(i * 50 - firstCallMs - 0.01);
      expect(slots[i - 1]! - first.at).toBeLessThanOrEqual(i * 50 + firstCallMs + 0.01);
    }
    expect(slots[8]! - first.at).toBeGreaterThan(0);
  });

  it('take: a send that wakes too late for its slot gives it up and takes a later one', async () => {
    const missed: string[] = [];
    const gate = new SendGate(redis.connection, redis.prefix, {
      perChatIntervalMs: 30_000,
      ratePerSecond: 10,
      maxLateMs: 200,
      onMissedSlot: (bot) => missed.push(bot),
    });
    const slots: number[] = [];
    const acquire = gate.acquire.bind(gate);
    jest.spyOn(gate, 'acquire').mockImplementation(async (...args) => {
      const slot = await acquire(...args);
      if (slot.ok) slots.push(slot.at);
      return slot;
    });
    // The first slot is 300 ms ahead; the event loop is then blocked well past it.
    for (let i = 0; i < 3; i++) await acquire('late-test', 500 + i);
    let startedLate = Number.NaN;
    const taking = gate.take('late-test', 42).then((r) => {
      startedLate = performance.now() - slots.at(-1)!;
      return r;
    });
    while (slots.length === 0) await sleep(1);
    const until = slots[0]! + 600;
    while (performance.now() < until) {
      // busy: a stalled process
    }
    expect(await taking).toEqual({ ok: true });
    // The stale slot was given up; the send went on a later one (the chat check skipped: it is
    // this send's own hold), and no earlier than that slot.
    expect(missed.length).toBeGreaterThanOrEqual(1);
    expect(slots.length).toBe(missed.length + 1);
    expect(startedLate).toBeGreaterThanOrEqual(0);
    // The chat is held after the send: another message to it waits.
    expect((await gate.acquire('late-test', 42)).ok).toBe(false);
  });

  it('holds a chat for the interval and tells how long to wait', async () => {
    // An interval far longer than two Redis calls take even on a loaded machine; the wait it
    // reports is the interval minus the time that really passed between the calls.
    const gate = new SendGate(redis.connection, redis.prefix, {
      perChatIntervalMs: 30_000,
      ratePerSecond: 1000,
    });
    const started = performance.now();
    expect(await gate.acquire('chat-test', 42)).toEqual({ ok: true, at: expect.any(Number) });
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
