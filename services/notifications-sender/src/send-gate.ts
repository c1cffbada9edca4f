import type { Redis } from 'ioredis';

/**
 * Telegram's limits, enforced at the moment of sending, across every replica:
 * - per chat: at most one message per `perChatIntervalMs` (Telegram allows ~1 msg/s per chat);
 * - per bot token: sends spaced evenly at `ratePerSecond` (GCRA on the Redis clock).
 *
 * BullMQ's limiter counts jobs per fixed one-second window and lets each window's jobs start
 * in a burst; two bursts around a window edge exceed Telegram's ~30/s in a sliding second and
 * draw 429s. Spacing the sends themselves keeps any second under the limit, so the limiter
 * can run close to it. One Lua call does both checks; both keys share the queues' hash tag.
 */
const SCRIPT = `
local t = redis.call('TIME')
local now = tonumber(t[1]) * 1000 + tonumber(t[2]) / 1000
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
  /** The chat got a message less than the interval ago; nothing was reserved. */
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
    if (!('fsSendGate' in redis)) redis.defineCommand('fsSendGate', { numberOfKeys: 2, lua: SCRIPT });
  }

  async acquire(bot: string, chatId: number | string): Promise<GateResult> {
    const [ok, ms] = (await (
      this.redis as unknown as { fsSendGate(...args: (string | number)[]): Promise<[number, number]> }
    ).fsSendGate(
      `${this.prefix}:chat-gate:${bot}:${chatId}`,
      `${this.prefix}:pace:${bot}`,
      this.perChatIntervalMs,
      this.paceIntervalMs,
    )) as [number, number];
    return ok === 1 ? { ok: true, waitMs: ms } : { ok: false, retryInMs: ms };
  }
}
