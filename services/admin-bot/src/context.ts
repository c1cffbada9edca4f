import type { AdminBotConfig } from '@fs/config';
import type { Db } from '@fs/db';
import type { DispatchDeps } from '@fs/dispatch';
import type { Logger } from '@fs/observability';
import type { Queues } from '@fs/queue';
import type { Redis } from 'ioredis';
import type { Context } from 'telegraf';
import type { StaffMember } from './staff';

/** An admin wizard's state: which one, its step and data, and last activity (epoch ms). */
export interface AdminWizard {
  /** The feature that owns it, e.g. 'orderCreate', 'cancelOrder', 'rejectMaster', 'setting'. */
  kind: string;
  step: string;
  data: Record<string, unknown>;
  at: number;
}

/** Conversation state kept in Redis: at most one wizard at a time, plus view state (filters). */
export type AdminSession = Record<string, unknown> & { wizard?: AdminWizard };

export interface AdminContext extends Context {
  session?: AdminSession;
  /** The active staff member behind this update (set by the access middleware). */
  staff?: StaffMember;
}

export interface AdminBotDeps {
  db: Db;
  redis: Redis;
  queues: Queues;
  logger: Logger;
  /** Dispatch operations (create, distribute, assign…) on the same db/queues/settings. */
  dispatch: DispatchDeps;
  config: Pick<AdminBotConfig, 'GLOBAL_ADMIN_TG_IDS' | 'REDIS_PREFIX'>;
  /** Where to fetch files masters sent to the master bot (MASTER_BOT_TOKEN set), see files.ts. */
  masterFiles?: { apiRoot: string; token: string };
}
