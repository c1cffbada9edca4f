import type { MasterBotConfig } from '@fs/config';
import { markReachableAgain } from '@fs/db';
import type { prom } from '@fs/observability';
import { assembleBot, wizardSession } from '@fs/telegram';
import type { Redis } from 'ioredis';
import type { Telegraf } from 'telegraf';
import type { MasterBotDeps, MasterContext, MasterSession } from './context';
import { activeOrders } from './features/active-orders';
import { finance } from './features/cabinet/finance';
import { history } from './features/cabinet/history';
import { knowledge } from './features/cabinet/knowledge';
import { payReport } from './features/cabinet/pay-report.wizard';
import { place } from './features/cabinet/place';
import { referral } from './features/cabinet/referral';
import { requisites } from './features/cabinet/requisites';
import { stats } from './features/cabinet/stats';
import { cancel } from './features/cancel';
import { closeOrder } from './features/close-order.wizard';
import { fallback } from './features/fallback';
import { location } from './features/location';
import { offerAccept } from './features/offer-accept';
import { offerDecline } from './features/offer-decline';
import { offers } from './features/offers';
import { onboarding } from './features/onboarding/onboarding.wizard';
import { shift } from './features/shift';
import { start } from './features/start';
import { identify } from './middlewares/identify';
import { texts } from './texts';

/**
 * The master bot: middlewares in order, then every feature. Order matters where features
 * read plain messages: each wizard's message handler passes what is not its own, the closing
 * wizard's answers a stray file, and the fallback hint is last.
 */
export function buildBot(
  config: MasterBotConfig,
  deps: MasterBotDeps,
  base: { registry: InstanceType<typeof prom.Registry>; redis: Redis },
): Telegraf<MasterContext> {
  return assembleBot<MasterContext, MasterBotDeps>({
    token: config.MASTER_BOT_TOKEN,
    apiRoot: config.TELEGRAM_API_ROOT,
    deps,
    texts,
    registry: base.registry,
    onContact: (id) => markReachableAgain(deps.db, 'master', id),
    session: wizardSession<MasterSession, MasterContext>('master', base.redis, config),
    identify,
    features: [
      ...[start, onboarding, offerAccept, offerDecline, shift, offers, activeOrders],
      ...[history, stats, finance, payReport, requisites, referral, knowledge, place],
      ...[closeOrder, cancel, location, fallback],
    ],
  });
}
