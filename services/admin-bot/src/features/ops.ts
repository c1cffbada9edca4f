import type { Telegraf } from 'telegraf';
import type { AdminBotDeps, AdminContext } from '../context';

/** Reports (CSV/XLSX, KPIs), settings, logs. */
export function opsFeature(_bot: Telegraf<AdminContext>, _deps: AdminBotDeps): void {}
