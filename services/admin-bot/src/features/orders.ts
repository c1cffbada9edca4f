import type { Telegraf } from 'telegraf';
import type { AdminBotDeps, AdminContext } from '../context';

/** Order queue, filters, search, the order card and its actions; the alerts' open-order button. */
export function ordersFeature(_bot: Telegraf<AdminContext>, _deps: AdminBotDeps): void {}
