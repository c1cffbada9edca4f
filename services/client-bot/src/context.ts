import type { Db } from '@fs/db';
import type { DispatchDeps } from '@fs/dispatch';
import type { Logger } from '@fs/observability';
import type { Context } from 'telegraf';
import type { ClientChat } from './queries/orders';

/** What every handler reaches through `ctx.deps`. */
export interface ClientBotDeps {
  db: Db;
  dispatch: DispatchDeps;
  logger: Logger;
}

/** The client bot's context: its dependencies and the chat's client record (identify.ts). */
export interface ClientContext extends Context {
  deps: ClientBotDeps;
  /** This private chat as the platform knows it; undefined before its first link or contact. */
  client?: ClientChat;
}
