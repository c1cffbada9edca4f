import { createDb, type Db } from '@fs/db';
import { createLogger, createMetricsRegistry, HealthServer, type Logger, waitFor } from '@fs/observability';
import { createRedis, Queues } from '@fs/queue';
import type { Redis } from 'ioredis';
import { sql } from 'kysely';
import type { Registry } from 'prom-client';

/** The env every service shares (a subset of each service's config). */
export interface BaseConfig {
  DATABASE_URL: string;
  DATABASE_POOL_SIZE: number;
  REDIS_URL: string;
  REDIS_PREFIX: string;
  LOG_LEVEL: string;
  LOG_PRETTY?: boolean;
  HTTP_HOST: string;
  HTTP_PORT: number;
}

/** What every service is built from: logger, metrics, Postgres, Redis, queues, health server. */
export interface ServiceBase {
  name: string;
  logger: Logger;
  registry: Registry;
  db: Db;
  redis: Redis;
  queues: Queues;
  health: HealthServer;
  /** Closes queues, Redis, Postgres and the HTTP server (call last, after workers stop). */
  close(): Promise<void>;
}

/**
 * Connects to Postgres and Redis (waiting with backoff while they come up) and serves
 * /health/live, /health/ready and /metrics on HTTP_PORT.
 */
export async function createServiceBase(
  name: string,
  config: BaseConfig,
  logger?: Logger,
): Promise<ServiceBase> {
  const log = logger ?? createLogger({ service: name, level: config.LOG_LEVEL, pretty: config.LOG_PRETTY });
  const registry = createMetricsRegistry(name);
  const db = createDb(config.DATABASE_URL, { poolSize: config.DATABASE_POOL_SIZE, applicationName: name });
  const redis = createRedis(config.REDIS_URL, { connectionName: name });
  redis.on('error', (err) => log.warn({ err: String(err) }, 'redis connection error'));
  await waitFor('postgres', () => sql`select 1`.execute(db), log);
  await waitFor('redis', () => redis.ping(), log);
  const queues = new Queues({ connection: redis, prefix: config.REDIS_PREFIX });
  const health = new HealthServer({
    registry,
    logger: log,
    checks: {
      postgres: async () => {
        await sql`select 1`.execute(db);
      },
      redis: async () => {
        if (redis.status !== 'ready') throw new Error(`redis ${redis.status}`);
        await redis.ping();
      },
    },
  });
  return {
    name,
    logger: log,
    registry,
    db,
    redis,
    queues,
    health,
    async close() {
      health.setDraining();
      await health.close().catch((err) => log.warn({ err }, 'closing http server'));
      await queues.close().catch((err) => log.warn({ err }, 'closing queues'));
      redis.disconnect();
      await db.destroy().catch((err) => log.warn({ err }, 'closing postgres pool'));
    },
  };
}
