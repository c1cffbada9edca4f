import type { Redis } from 'ioredis';

/**
 * At most one message per chat per interval (Telegram allows ~1 msg/s to one chat). A Redis
 * key per chat set with NX + PX: the first sender wins, the others learn how long to wait.
 * Keys live under the queues' hash-tagged prefix, so they work on Redis Cluster too.
 */
export class ChatGate {
  constructor(
    private readonly redis: Redis,
    private readonly prefix: string,
    private readonly intervalMs: number,
  ) {}

  /** 0 when the caller may send now (and holds the chat for the interval), else ms to wait. */
  async tryAcquire(bot: string, chatId: number | string): Promise<number> {
    if (this.intervalMs <= 0) return 0;
    const key = `${this.prefix}:chat-gate:${bot}:${chatId}`;
    const ok = await this.redis.set(key, '1', 'PX', this.intervalMs, 'NX');
    if (ok === 'OK') return 0;
    const ttl = await this.redis.pttl(key);
    return ttl > 0 ? ttl : this.intervalMs;
  }
}
