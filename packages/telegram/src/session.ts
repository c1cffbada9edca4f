import type { Redis } from 'ioredis';
import { Composer, type Context, type MiddlewareFn, session } from 'telegraf';
import type { AsyncSessionStore } from 'telegraf/session';

/**
 * What the store's get() resolves to when Redis failed. telegraf's session() shares a pending
 * get() between concurrent updates and never forgets a rejected one, so a single failed read
 * would fail that user's every later update until a restart. A resolved marker is forgotten with
 * the update; the middleware below turns it back into the error (the error boundary answers
 * "temporary trouble"), and set() never writes it.
 */
const UNAVAILABLE = Symbol('session store unavailable');
interface Unavailable {
  [UNAVAILABLE]: unknown;
}

function unavailable(value: unknown): value is Unavailable {
  return typeof value === 'object' && value !== null && UNAVAILABLE in value;
}

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
    let raw: string | null;
    try {
      raw = await this.redis.get(this.key(name));
    } catch (err) {
      return { [UNAVAILABLE]: err } as T;
    }
    if (raw === null) return undefined;
    try {
      return JSON.parse(raw) as T;
    } catch {
      return undefined;
    }
  }

  async set(name: string, value: T): Promise<void> {
    if (unavailable(value)) return;
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
  return Composer.compose<C>([
    session<S, C, 'session'>({
      store,
      getSessionKey: sessionKey,
      ...(opts.defaultSession ? { defaultSession: opts.defaultSession } : {}),
    }),
    (ctx, next) => {
      const s: unknown = ctx.session;
      if (unavailable(s)) throw s[UNAVAILABLE];
      return next();
    },
  ]);
}
