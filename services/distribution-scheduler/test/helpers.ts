import { parseConfig, type SchedulerConfig, schedulerSchema } from '@fs/config';
import type { DispatchTestEnv } from '@fs/dispatch/test/fixtures';
import { type SchedulerHandle, type StartSchedulerOptions, startScheduler } from '../src/scheduler';

export function schedulerConfig(
  env: DispatchTestEnv,
  overrides: Record<string, string> = {},
): SchedulerConfig {
  const config = parseConfig('distribution-scheduler', schedulerSchema, {
    DATABASE_URL: env.testDb.url,
    DATABASE_POOL_SIZE: '10',
    REDIS_URL: env.redis.url,
    REDIS_PREFIX: env.redis.prefix,
    LOG_LEVEL: process.env.TEST_LOG_LEVEL ?? 'silent',
    LOG_PRETTY: 'false',
    SETTINGS_CACHE_MS: '0',
    OUTBOX_RELAY_INTERVAL_MS: '500',
    ...overrides,
  });
  return { ...config, HTTP_PORT: 0, HTTP_HOST: '127.0.0.1' };
}

export function startTestScheduler(
  env: DispatchTestEnv,
  overrides: Record<string, string> = {},
  opts: StartSchedulerOptions = {},
): Promise<SchedulerHandle> {
  return startScheduler(schedulerConfig(env, overrides), { tickSyncMs: 200, ...opts });
}

type Truthy<T> = Exclude<T, null | undefined | false | 0 | ''>;

/** Polls `check` until it returns a truthy value (or fails after `timeoutMs`). */
export async function eventually<T>(
  check: () => Promise<T>,
  timeoutMs = 30_000,
  what = 'condition',
): Promise<Truthy<T>> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const v = await check();
    if (v) return v as Truthy<T>;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 25));
  }
}
