import type { Database, Db, SettingsCache } from '@fs/db';
import type { Geocoder } from '@fs/geo';
import type { Queues } from '@fs/queue';
import type { Kysely } from 'kysely';

/** Either the pool or a transaction: functions that take this join the caller's transaction. */
export type Executor = Kysely<Database>;

type LogFn = (obj: object, msg?: string) => void;
/** The slice of a pino logger this package uses. */
export interface DispatchLogger {
  debug: LogFn;
  info: LogFn;
  warn: LogFn;
  error: LogFn;
}

export interface DispatchDeps {
  db: Db;
  queues: Queues;
  settings: SettingsCache;
  logger: DispatchLogger;
  /** Finds order addresses (issue 18); absent or null: orders get their street or district centre. */
  geocoder?: Geocoder | null;
  /**
   * Wall clock for working-hours decisions (deferred wake-ups) only; offers and expiries use
   * the database clock. Tests inject a fixed instant here.
   */
  clock?: () => Date;
}

export function nowOf(deps: Pick<DispatchDeps, 'clock'>): Date {
  return deps.clock ? deps.clock() : new Date();
}
