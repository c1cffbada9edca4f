import type { AdminBotConfig } from '@fs/config';
import type { Db } from '@fs/db';
import type { Logger } from '@fs/observability';
import type { Redis } from 'ioredis';
import type { Context } from 'telegraf';

/** Conversation state kept in Redis (the wizards of later issues add their fields here). */
export type AdminSession = Record<string, unknown>;

export interface AdminContext extends Context {
  session?: AdminSession;
}

export interface AdminBotDeps {
  db: Db;
  redis: Redis;
  logger: Logger;
  config: Pick<AdminBotConfig, 'GLOBAL_ADMIN_TG_IDS' | 'REDIS_PREFIX'>;
}
