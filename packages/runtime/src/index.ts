import { createDb, type Db } from '@fs/db';
import {
  ConnectionState,
  createLogger,
  createMetricsRegistry,
  HealthServer,
  type Logger,
  waitFor,
} from '@fs/observability';
import { createRedis, Queues } from '@fs/queue';
import type { Redis } from 'ioredis';
import { sql } from 'kysely';
import type { Registry } from 'prom-client';

export { startRelayLoop } from './relay-loop';

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

export interface ServiceBaseOptions {
  /**
   * The service answers people (the bots): during a Redis outage a command fails at once
   * instead of waiting for the reconnect, so a handler can tell the person. Not for services
   * whose BullMQ workers share this connection (workers need commands to wait).
   */
  failFastRedis?: boolean;
}

/** How long a fail-fast Redis command may take before it counts as an outage. */
const FAIL_FAST_COMMAND_MS = 5000;

function readyWithin(redis: Redis, ms: number): Promise<void> {
  if (redis.status === 'ready') return Promise.resolve();
  return new Promise((resolve) => {
    const done = () => {
      clearTimeout(timer);
      redis.off('ready', done);
      resolve();
    };
    const timer = setTimeout(done, ms);
    redis.once('ready', done);
  });
}

/**
 * Connects to Postgres and Redis (waiting with backoff while they come up) and serves
 * /health/live, /health/ready and /metrics on HTTP_PORT. Redis trouble is logged once per
 * change of state (lost / restored), for the connection and every queue on it.
 */
export async function createServiceBase(
  name: string,
  config: BaseConfig,
  logger?: Logger,
  options: ServiceBaseOptions = {},
): Promise<ServiceBase> {
  const log = logger ?? createLogger({ service: name, level: config.LOG_LEVEL, pretty: config.LOG_PRETTY });
  const registry = createMetricsRegistry(name);
  const db = createDb(config.DATABASE_URL, { poolSize: config.DATABASE_POOL_SIZE, applicationName: name });
  const redis = createRedis(config.REDIS_URL, {
    connectionName: name,
    ...(options.failFastRedis
      ? { enableOfflineQueue: false, maxRetriesPerRequest: 1, commandTimeout: FAIL_FAST_COMMAND_MS }
      : {}),
  });
  const redisState = new ConnectionState(log, 'redis');
  redis.on('error', (err) => redisState.down(err));
  redis.on('ready', () => redisState.up());
  await waitFor('postgres', () => sql`select 1`.execute(db), log);
  // A fail-fast connection refuses commands until it is ready: give it a moment to connect.
  await readyWithin(redis, FAIL_FAST_COMMAND_MS);
  await waitFor('redis', () => redis.ping(), log);
  const queues = new Queues({
    connection: redis,
    prefix: config.REDIS_PREFIX,
    onError: (err) => redisState.down(err),
  });
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

/**
 * A service's stop(): health turns draining, then the service's own parts stop (workers, loops),
 * then the base closes last. Calls after the first return the first call's promise.
 */
export function serviceStop(base: ServiceBase, stopParts: () => Promise<void>): () => Promise<void> {
  let stopping: Promise<void> | null = null;
  return () => {
    stopping ??= (async () => {
      base.health.setDraining();
      await stopParts();
      await base.close();
    })();
    return stopping;
  };
}
