import type { Db } from '@fs/db';
import type { DispatchDeps } from '@fs/dispatch';
import type { Logger } from '@fs/observability';
import type { Context } from 'telegraf';

/** Conversation state kept in Redis (the wizards of later issues add their fields here). */
export type MasterSession = Record<string, unknown>;

export interface MasterContext extends Context {
  session?: MasterSession;
}

export interface MasterBotDeps {
  db: Db;
  dispatch: DispatchDeps;
  logger: Logger;
}
