import { performance } from 'node:perf_hooks';
import type { TokenPause } from '@fs/telegram';
import type { Redis } from 'ioredis';

/**
 * Telegram's limits, enforced at the moment of sending, across every replica:
 * - per chat: at most one message per `perChatIntervalMs` (Telegram allows ~1 msg/s per chat);
 * - per bot token: send slots spaced evenly at `ratePerSecond` on the Redis clock (GCRA without
 *   burst): a reservation returns the exact time of its slot, the caller waits for it on a timer
 *   and starts the call at that time.
 *
 * A process whose event loop stalls wakes late for several slots at once; sending them all
 * would bunch them into a burst the pace never allowed. So a send starts only if it is at most
 * `maxLateMs` behind its slot (checked synchronously right before the call, on the Redis clock
 * mapped onto this process's); a later one gives its slot up and reserves another. Every send
 * therefore starts in [slot, slot + maxLateMs], and no window of w ms sees more than
 * rate·(w + maxLateMs)/1000 + 1 sends start, fleet-wide: at 30/s and 100 ms, 4 at once at most.
 *
 * BullMQ's limiter counts jobs per fixed one-second window and lets each window's jobs start in
 * a burst; it only bounds how many jobs are claimed, the gate paces the sends themselves. One
 * Lua call checks the chat and reserves the slot; all keys share the queues' hash tag.
 *
 * After a 429 the token is paused for retry_after, in two places:
 * - in this process, at once: the gateway calls `rateLimited` synchronously when the 429 answer
 *   reaches it and checks `heldFor` synchronously right before every Bot API call (see
 *   `forToken`), so no call of this process starts after it has seen a 429 until retry_after
 *   has passed. Only calls already started (in flight) can reach Telegram inside the window;
 * - in Redis (`pause`), written right after: no replica reserves a slot, and a send already
 *   waiting for its slot checks `pausedFor` again before calling Telegram. Another replica can
 *   still start a send in the one Redis round trip between the answer and the key being set.
 */
const SCRIPT = `
local t = redis.call('TIME')
local now = tonumber(t[1]) * 1000 + tonumber(t[2]) / 1000
local paused = redis.call('PTTL', KEYS[3])
if paused > 0 then return {0, paused} end
local chatInterval = tonumber(ARGV[1])
if chatInterval > 0 and ARGV[3] ~= '1' then
  local ttl = redis.call('PTTL', KEYS[1])
  if ttl > 0 then return {0, ttl} end
end
local interval = tonumber(ARGV[2])
local tat = tonumber(redis.call('GET', KEYS[2]) or '0')
if tat < now then tat = now end
local wait = tat - now
redis.call('SET', KEYS[2], string.format('%.17g', tat + interval), 'PX', math.ceil(wait + interval) + 1000)
if chatInterval > 0 then
  redis.call('SET', KEYS[1], '1', 'PX', math.ceil(wait + chatInterval))
end
return {1, math.floor(tat * 1000), math.floor(now * 1000)}
`;

/** Pauses the token for ARGV[1] ms unless it is already paused for longer (a pause never shrinks). */
const PAUSE_SCRIPT = `
local ms = tonumber(ARGV[1])
if redis.call('PTTL', KEYS[1]) < ms then redis.call('SET', KEYS[1], '1', 'PX', ms) end
return 1
`;

/** A slot given up this many times in a row (the process keeps waking late) defers the row. */
const MAX_MISSED_SLOTS = 3;

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

export type Slot =
  /** Reserved: send at `at` (performance.now()); the chat is held for the interval after it. */
  | { ok: true; at: number }
  /** The chat got a message less than the interval ago, or the token is paused; nothing was reserved. */
  | { ok: false; retryInMs: number };

export type Taken =
  /** Start the call now, without awaiting anything first. */
  | { ok: true }
  /** Nothing was sent: try the row again in `retryInMs`. */
  | { ok: false; retryInMs: number; reason: string };

type GateCommands = {
  fsSendGate(...args: (string | number)[]): Promise<[number, number, number?]>;
  fsSendGatePause(key: string, ms: number): Promise<number>;
};

/**
 * Maps the Redis clock onto this process's `performance.now()`. Each script call ran between
 * its issue and its answer, so Redis ms − answer ms is a lower bound of the offset; the best
 * bound seen so far converts a slot to a local time never earlier than the slot (and later only
 * by the fastest answer seen, well under a millisecond). A bound that exceeds a call's upper
 * bound means a clock step: start over from that call.
 */
class RedisClock {
  private offset = Number.NEGATIVE_INFINITY;

  observe(redisMs: number, issued: number, answered: number): void {
    if (redisMs - issued < this.offset) this.offset = redisMs - answered;
    else this.offset = Math.max(this.offset, redisMs - answered);
  }

  toLocal(redisMs: number): number {
    return redisMs - this.offset;
  }
}

export class SendGate {
  readonly maxLateMs: number;
  private readonly perChatIntervalMs: number;
  private readonly paceIntervalMs: number;
  private readonly maxPauseMs: number;
  private readonly onMissedSlot: (bot: string) => void;
  private readonly clock = new RedisClock();
  /** This process's view of each token's pause: `performance.now()` until which it holds. */
  private readonly heldUntil = new Map<string, number>();

  constructor(
    private readonly redis: Redis,
    private readonly prefix: string,
    opts: {
      perChatIntervalMs: number;
      ratePerSecond: number;
      /** A 429 with a longer retry_after does not pause the token (the worker delays only that job). */
      maxPauseMs?: number;
      /** A send this far behind its slot gives the slot up (default 100 ms). */
      maxLateMs?: number;
      /** Counts slots given up because this process woke too late for them. */
      onMissedSlot?: (bot: string) => void;
    },
  ) {
    this.perChatIntervalMs = opts.perChatIntervalMs;
    this.paceIntervalMs = 1000 / opts.ratePerSecond;
    this.maxPauseMs = opts.maxPauseMs ?? Number.POSITIVE_INFINITY;
    this.maxLateMs = opts.maxLateMs ?? 100;
    this.onMissedSlot = opts.onMissedSlot ?? (() => {});
    if (!('fsSendGate' in redis)) redis.defineCommand('fsSendGate', { numberOfKeys: 3, lua: SCRIPT });
    if (!('fsSendGatePause' in redis))
      redis.defineCommand('fsSendGatePause', { numberOfKeys: 1, lua: PAUSE_SCRIPT });
  }

  /**
   * Waits for this token's next send slot and resolves right at it: on `{ ok: true }` the caller
   * starts the call at once, without awaiting anything else first.
   */
  async take(bot: string, chatId: number | string): Promise<Taken> {
    for (let missed = 0; ; missed++) {
      // A slot given up already holds the chat: the next one is reserved past the chat check.
      const slot = await this.acquire(bot, chatId, missed > 0);
      if (!slot.ok)
        return { ok: false, retryInMs: slot.retryInMs, reason: 'per-chat interval or token paused' };
      if (slot.at > performance.now()) {
        await this.until(slot.at);
        // A 429 may have paused the token while this send waited for its slot.
        const paused = await this.pausedFor(bot);
        if (paused > 0) return { ok: false, retryInMs: paused, reason: 'token paused after 429' };
      }
      if (performance.now() - slot.at <= this.maxLateMs) return { ok: true };
      this.onMissedSlot(bot);
      if (missed + 1 >= MAX_MISSED_SLOTS)
        return { ok: false, retryInMs: 0, reason: 'woke too late for its send slot again and again' };
    }
  }

  /**
   * Reserves the token's next slot (and holds the chat); `again`: this send gave up a slot it
   * reserved, so the chat is already held by it.
   */
  async acquire(bot: string, chatId: number | string, again = false): Promise<Slot> {
    const held = this.heldFor(bot);
    if (held > 0) return { ok: false, retryInMs: held };
    const issued = performance.now();
    const [ok, a, b] = await this.commands.fsSendGate(
      `${this.prefix}:chat-gate:${bot}:${chatId}`,
      `${this.prefix}:pace:${bot}`,
      this.pauseKey(bot),
      this.perChatIntervalMs,
      this.paceIntervalMs,
      again ? 1 : 0,
    );
    if (ok !== 1) return { ok: false, retryInMs: a };
    this.clock.observe(b! / 1000, issued, performance.now());
    return { ok: true, at: this.clock.toLocal(a / 1000) };
  }

  /** Telegram answered 429 for this token: nobody sends with it for `ms` (never shortens a pause). */
  async pause(bot: string, ms: number): Promise<void> {
    this.holdLocally(bot, ms);
    await this.commands.fsSendGatePause(this.pauseKey(bot), Math.max(1, Math.ceil(ms)));
  }

  /**
   * The 429 answer has just reached this process: hold the token here before anything else can
   * run, then tell the other replicas at once. If this write fails, the worker's `pause` after
   * its bookkeeping writes the key again.
   */
  rateLimited(bot: string, ms: number): void {
    if (ms > this.maxPauseMs) return;
    this.holdLocally(bot, ms);
    this.commands.fsSendGatePause(this.pauseKey(bot), Math.max(1, Math.ceil(ms))).catch(() => {});
  }

  /** Milliseconds this process still holds the token after a 429 it saw (0 when it does not); synchronous. */
  heldFor(bot: string): number {
    const until = this.heldUntil.get(bot);
    if (until === undefined) return 0;
    const left = until - performance.now();
    if (left > 0) return Math.ceil(left);
    this.heldUntil.delete(bot);
    return 0;
  }

  /** Milliseconds the token is still paused, here or by any replica (0 when it is not). */
  async pausedFor(bot: string): Promise<number> {
    return Math.max(this.heldFor(bot), await this.redis.pttl(this.pauseKey(bot)), 0);
  }

  /** The hooks a TelegramGateway of this token calls around every Bot API call. */
  forToken(bot: string): TokenPause {
    return { heldForMs: () => this.heldFor(bot), rateLimited: (ms) => this.rateLimited(bot, ms) };
  }

  /** Sleeps until `at` (performance.now()); a timer may fire up to a millisecond early. */
  private async until(at: number): Promise<void> {
    for (let left = at - performance.now(); left > 0; left = at - performance.now()) await sleep(left);
  }

  private holdLocally(bot: string, ms: number): void {
    const until = performance.now() + ms;
    if ((this.heldUntil.get(bot) ?? 0) < until) this.heldUntil.set(bot, until);
  }

  private get commands(): GateCommands {
    return this.redis as unknown as GateCommands;
  }

  private pauseKey(bot: string): string {
    return `${this.prefix}:tg-pause:${bot}`;
  }
}
