import type { Telegraf } from 'telegraf';
import type { AdminBotDeps, AdminContext } from '../context';
import { logsFeature } from './logs';
import { reportsFeature } from './reports';
import { settingsFeature } from './settings';

/** Reports (CSV/XLSX, KPIs), settings, logs. */
export function opsFeature(bot: Telegraf<AdminContext>, deps: AdminBotDeps): void {
  reportsFeature(bot, deps);
  settingsFeature(bot, deps);
  logsFeature(bot, deps);
}
