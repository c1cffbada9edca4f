import type { AdminBotConfig } from '@fs/config';
import type { Db } from '@fs/db';
import type { DispatchDeps } from '@fs/dispatch';
import type { Logger } from '@fs/observability';
import type { Queues } from '@fs/queue';
import type { WizardContext, WizardSession } from '@fs/telegram';
import type { Redis } from 'ioredis';
import type { StaffMember } from './queries/staff';

/** What every handler reaches through `ctx.deps`. */
export interface AdminBotDeps {
  db: Db;
  redis: Redis;
  queues: Queues;
  logger: Logger;
  /** Dispatch operations (create, distribute, assign…) on the same db/queues/settings. */
  dispatch: DispatchDeps;
  config: Pick<AdminBotConfig, 'GLOBAL_ADMIN_TG_IDS' | 'REDIS_PREFIX' | 'CLIENT_BOT_USERNAME'>;
  /** The clock of every time-dependent screen (slots, "сегодня" in cards and lists, periods); tests pin it. */
  now: () => Date;
  /** Where to fetch files masters sent to the master bot (MASTER_BOT_TOKEN set), see files.ts. */
  masterFiles?: { apiRoot: string; token: string };
}

/**
 * Conversation state kept in Redis: the open wizard (see @fs/telegram wizard.ts) and view
 * state (list filters, the last order list), each re-checked when read (it is data).
 */
export interface AdminSession extends WizardSession {
  ordersFilters?: unknown;
  ordersView?: unknown;
  mastersFilters?: unknown;
}

/** The admin bot's context: its dependencies, the acting staff member (access.ts), session, wizard. */
export interface AdminContext extends WizardContext {
  deps: AdminBotDeps;
  /** The active staff member behind this update, loaded once by the access middleware. */
  staff?: StaffMember;
  session?: AdminSession;
}
