import type { Redis } from 'ioredis';
import { type Context, type MiddlewareFn, session } from 'telegraf';
import type { AsyncSessionStore } from 'telegraf/session';

/**
 * Session (wizard state) store in Redis with a sliding TTL: state survives a restart and is
 * shared by every replica; an abandoned wizard disappears after `ttlSeconds` of inactivity.
 */
export class RedisSessionStore<T> implements AsyncSessionStore<T> {
  constructor(
    private readonly redis: Redis,
    /** Key prefix, e.g. `{fs}:session:master:`; the hash tag keeps keys Cluster-friendly. */
    private readonly keyPrefix: string,
    private readonly ttlSeconds: number,
  ) {}

  key(name: string): string {
    return this.keyPrefix + name;
  }

  async get(name: string): Promise<T | undefined> {
    const raw = await this.redis.get(this.key(name));
    if (raw === null) return undefined;
    try {
      return JSON.parse(raw) as T;
    } catch {
      return undefined;
    }
  }

  async set(name: string, value: T): Promise<void> {
    await this.redis.set(this.key(name), JSON.stringify(value), 'EX', this.ttlSeconds);
  }

  async delete(name: string): Promise<void> {
    await this.redis.del(this.key(name));
  }
}

export interface RedisSessionOptions<S> {
  redis: Redis;
  /** REDIS_PREFIX, e.g. `{fs}`. */
  prefix: string;
  /** Which bot the sessions belong to; the same user has separate state in each bot. */
  bot: 'master' | 'admin';
  ttlSeconds: number;
  defaultSession?: () => S;
}

/** Key of one conversation: the user in one chat. */
export function sessionKey(ctx: Context): string | undefined {
  const userId = ctx.from?.id;
  const chatId = ctx.chat?.id;
  if (userId == null || chatId == null) return undefined;
  return `${chatId}:${userId}`;
}

/** telegraf's session middleware over Redis; `ctx.session` is undefined for updates without user+chat. */
export function redisSession<S extends object, C extends Context & { session?: S }>(
  opts: RedisSessionOptions<S>,
): MiddlewareFn<C> {
  const store = new RedisSessionStore<S>(opts.redis, `${opts.prefix}:session:${opts.bot}:`, opts.ttlSeconds);
  return session<S, C, 'session'>({
    store,
    getSessionKey: sessionKey,
    ...(opts.defaultSession ? { defaultSession: opts.defaultSession } : {}),
  });
}
