import type { Telegraf } from 'telegraf';
import type { MasterBotDeps, MasterContext } from '../context';

/** The master's cabinet: history, statistics, finance ("Я оплатил"), requisites, referrals, knowledge base. */
export function cabinetFeature(_bot: Telegraf<MasterContext>, _deps: MasterBotDeps): void {}
