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
 * After a 429 the token is paused (`pause`) for retry_after: no replica reserves a slot, and a
 * send already waiting for its slot checks `pausedFor` again just before calling Telegram.
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

export type GateResult =
  /** Send after waiting `waitMs` (the token's next slot); the chat is held for the interval. */
  | { ok: true; waitMs: number }
  /** The chat got a message less than the interval ago, or the token is paused; nothing was reserved. */
  | { ok: false; retryInMs: number };

export class SendGate {
  private readonly perChatIntervalMs: number;
  private readonly paceIntervalMs: number;

  constructor(
    private readonly redis: Redis,
    private readonly prefix: string,
    opts: { perChatIntervalMs: number; ratePerSecond: number },
  ) {
    this.perChatIntervalMs = opts.perChatIntervalMs;
    this.paceIntervalMs = 1000 / opts.ratePerSecond;
    if (!('fsSendGate' in redis)) redis.defineCommand('fsSendGate', { numberOfKeys: 3, lua: SCRIPT });
  }

  async acquire(bot: string, chatId: number | string): Promise<GateResult> {
    const [ok, ms] = (await (
      this.redis as unknown as { fsSendGate(...args: (string | number)[]): Promise<[number, number]> }
    ).fsSendGate(
      `${this.prefix}:chat-gate:${bot}:${chatId}`,
      `${this.prefix}:pace:${bot}`,
      this.pauseKey(bot),
      this.perChatIntervalMs,
      this.paceIntervalMs,
    )) as [number, number];
    return ok === 1 ? { ok: true, waitMs: ms } : { ok: false, retryInMs: ms };
  }

  /** Telegram answered 429 for this token: nobody sends with it for `ms`. */
  async pause(bot: string, ms: number): Promise<void> {
    await this.redis.set(this.pauseKey(bot), '1', 'PX', Math.max(1, Math.ceil(ms)));
  }

  /** Milliseconds the token is still paused (0 when it is not). */
  async pausedFor(bot: string): Promise<number> {
    return Math.max(0, await this.redis.pttl(this.pauseKey(bot)));
  }

  private pauseKey(bot: string): string {
    return `${this.prefix}:tg-pause:${bot}`;
  }
}
