import type { Telegraf } from 'telegraf';
import type { AdminBotDeps, AdminContext } from '../context';

/** Masters, moderation, finance and staff/access management. */
export function mastersFeature(_bot: Telegraf<AdminContext>, _deps: AdminBotDeps): void {}
