import type { Db } from '@fs/db';
import type { DispatchDeps, MasterState } from '@fs/dispatch';
import type { Logger } from '@fs/observability';
import type { WizardContext, WizardSession } from '@fs/telegram';

/** What every handler reaches through `ctx.deps`. */
export interface MasterBotDeps {
  db: Db;
  dispatch: DispatchDeps;
  logger: Logger;
  /** The clock of every time-dependent text (tests pin it). */
  now: () => Date;
}

/** Conversation state kept in Redis: the open wizard (see @fs/telegram wizard.ts). */
export type MasterSession = WizardSession;

/** The master bot's context: its dependencies, the acting master (identify.ts), session, wizard. */
export interface MasterContext extends WizardContext {
  deps: MasterBotDeps;
  /** The master behind this update, loaded once by `identify`; undefined for anyone else. */
  master?: MasterState;
  session?: MasterSession;
}
