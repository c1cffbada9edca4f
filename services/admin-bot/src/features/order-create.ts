import type { Telegraf } from 'telegraf';
import type { AdminBotDeps, AdminContext } from '../context';

/** Order creation: the full wizard and quick create for repeat clients. */
export function orderCreateFeature(_bot: Telegraf<AdminContext>, _deps: AdminBotDeps): void {}
