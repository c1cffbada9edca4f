import { performance } from 'node:perf_hooks';
import type { TokenPause } from '@fs/telegram';
import type { Redis } from 'ioredis';

/**
 * Telegram's limits, enforced at the moment of sending, across every replica:
 * - per chat: at most one message per `perChatIntervalMs` (Telegram allows ~1 msg/s per chat);
 * - per bot token: sends spaced evenly at `ratePerSecond` (GCRA on the Redis clock).
 *
 * BullMQ's limiter counts jobs per fixed one-second window and lets each window's jobs start
 * in a burst; two bursts around a window edge exceed Telegram's ~30/s in a sliding second and
 * draw 429s. Spacing the sends themselves keeps any second under the limit, so the limiter
 * can run close to it. One Lua call does both checks; all keys share the queues' hash tag.
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
if chatInterval > 0 then
  local ttl = redis.call('PTTL', KEYS[1])
  if ttl > 0 then return {0, ttl} end
end
local interval = tonumber(ARGV[2])
local tat = tonumber(redis.call('GET', KEYS[2]) or '0')
if tat < now then tat = now end
local wait = tat - now
redis.call('SET', KEYS[2], tostring(tat + interval), 'PX', math.ceil(wait + interval) + 1000)
if chatInterval > 0 then
  redis.call('SET', KEYS[1], '1', 'PX', math.ceil(wait + chatInterval))
end
return {1, math.ceil(wait)}
`;

/** Pauses the token for ARGV[1] ms unless it is already paused for longer (a pause never shrinks). */
const PAUSE_SCRIPT = `
local ms = tonumber(ARGV[1])
if redis.call('PTTL', KEYS[1]) < ms then redis.call('SET', KEYS[1], '1', 'PX', ms) end
return 1
`;

export type GateResult =
  /** Send after waiting `waitMs` (the token's next slot); the chat is held for the interval. */
  | { ok: true; waitMs: number }
  /** The chat got a message less than the interval ago, or the token is paused; nothing was reserved. */
  | { ok: false; retryInMs: number };

type GateCommands = {
  fsSendGate(...args: (string | number)[]): Promise<[number, number]>;
  fsSendGatePause(key: string, ms: number): Promise<number>;
};

export class SendGate {
  private readonly perChatIntervalMs: number;
  private readonly paceIntervalMs: number;
  private readonly maxPauseMs: number;
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
    },
  ) {
    this.perChatIntervalMs = opts.perChatIntervalMs;
    this.paceIntervalMs = 1000 / opts.ratePerSecond;
    this.maxPauseMs = opts.maxPauseMs ?? Number.POSITIVE_INFINITY;
    if (!('fsSendGate' in redis)) redis.defineCommand('fsSendGate', { numberOfKeys: 3, lua: SCRIPT });
    if (!('fsSendGatePause' in redis))
      redis.defineCommand('fsSendGatePause', { numberOfKeys: 1, lua: PAUSE_SCRIPT });
  }

  async acquire(bot: string, chatId: number | string): Promise<GateResult> {
    const held = this.heldFor(bot);
    if (held > 0) return { ok: false, retryInMs: held };
    const [ok, ms] = await this.commands.fsSendGate(
      `${this.prefix}:chat-gate:${bot}:${chatId}`,
      `${this.prefix}:pace:${bot}`,
      this.pauseKey(bot),
      this.perChatIntervalMs,
      this.paceIntervalMs,
    );
    return ok === 1 ? { ok: true, waitMs: ms } : { ok: false, retryInMs: ms };
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
