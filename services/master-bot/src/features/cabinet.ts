import type { Telegraf } from 'telegraf';
import type { MasterBotDeps, MasterContext } from '../context';
import { financeFeature } from './finance';
import { historyFeature } from './history';
import { knowledgeFeature } from './knowledge';
import { referralFeature } from './referral';
import { requisitesFeature } from './requisites';
import { statsFeature } from './stats';

/**
 * The master's cabinet: history, statistics, finance ("💸 Я оплатил" with its receipt wizard,
 * whose message handler runs before the closing wizard's), requisites, referrals, knowledge
 * base. Every screen is open to registered masters whether blocked or not.
 */
export function cabinetFeature(bot: Telegraf<MasterContext>, deps: MasterBotDeps): void {
  historyFeature(bot, deps);
  statsFeature(bot, deps);
  financeFeature(bot, deps);
  requisitesFeature(bot, deps);
  referralFeature(bot, deps);
  knowledgeFeature(bot, deps);
}
