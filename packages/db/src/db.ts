import { Kysely, PostgresDialect } from 'kysely';
import pg from 'pg';
import type { Database } from './types';

// int8 (bigint) → number: Telegram ids, kopecks and bigserial ids all fit in 2^53.
pg.types.setTypeParser(pg.types.builtins.INT8, (v) => Number(v));

export type Db = Kysely<Database>;

export interface DbOptions {
  /** Maximum pool size; keep it small per replica (Postgres connections are precious). */
  poolSize?: number;
  applicationName?: string;
}

const pools = new WeakMap<Db, pg.Pool>();

/**
 * The pg pool behind a Db made by createDb: for hot paths that run named prepared statements
 * (`pool.query({ name, text, values })` parses and plans once per connection), which Kysely
 * cannot express.
 */
export function poolOf(db: Db): pg.Pool {
  const pool = pools.get(db);
  if (!pool) throw new Error('poolOf: this Db was not made by createDb');
  return pool;
}

/** A pg pool as createDb makes it (a dropped connection never crashes the process). */
export function createPool(connectionString: string, options: DbOptions = {}): pg.Pool {
  const pool = new pg.Pool({
    connectionString,
    max: options.poolSize ?? 10,
    application_name: options.applicationName ?? 'field-service',
    idleTimeoutMillis: 30_000,
    connectionTimeoutMillis: 10_000,
  });
  // A dropped connection must not crash the process: the pool replaces idle clients, and a
  // checked-out client (pg-pool removes its own listener then) fails its current query instead.
  pool.on('error', () => {});
  pool.on('connect', (client) => {
    client.on('error', () => {});
  });
  return pool;
}

export function createDb(connectionString: string, options: DbOptions = {}): Db {
  const pool = createPool(connectionString, options);
  const db = new Kysely<Database>({ dialect: new PostgresDialect({ pool }) });
  pools.set(db, pool);
  return db;
}
