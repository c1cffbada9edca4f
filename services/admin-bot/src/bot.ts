import type { AdminBotConfig } from '@fs/config';
import { markReachableAgain } from '@fs/db';
import type { prom } from '@fs/observability';
import { assembleBot, wizardSession } from '@fs/telegram';
import type { Redis } from 'ioredis';
import type { Telegraf } from 'telegraf';
import type { AdminBotDeps, AdminContext, AdminSession } from './context';
import { finance } from './features/finance';
import { logs } from './features/logs';
import { masterEdit } from './features/masters/edit';
import { mastersList } from './features/masters/list';
import { moderation } from './features/masters/moderation';
import { fallback, menu } from './features/menu';
import { draftOnStart, orderCreate } from './features/order-create/order-create.wizard';
import { orderActions } from './features/orders/actions';
import { orderCard } from './features/orders/card';
import { orderClientLink } from './features/orders/client-link';
import { ordersList } from './features/orders/list';
import { orderPin } from './features/orders/pin';
import { orderReschedule } from './features/orders/reschedule';
import { reports } from './features/reports';
import { settings } from './features/settings';
import { staff } from './features/staff';
import { access } from './middlewares/access';
import { sectionGuard } from './middlewares/guard';
import { texts } from './texts';

/**
 * The admin bot: middlewares in order (access sets ctx.staff or stops the update), then every
 * feature; the fallback hint for messages no wizard took is last.
 */
export function buildBot(
  config: AdminBotConfig,
  deps: AdminBotDeps,
  base: { registry: InstanceType<typeof prom.Registry>; redis: Redis },
): Telegraf<AdminContext> {
  return assembleBot<AdminContext, AdminBotDeps>({
    token: config.ADMIN_BOT_TOKEN,
    apiRoot: config.TELEGRAM_API_ROOT,
    deps,
    texts,
    registry: base.registry,
    onContact: (id) => markReachableAgain(deps.db, 'staff', id),
    session: wizardSession<AdminSession, AdminContext>('admin', base.redis, config),
    identify: access,
    features: [
      draftOnStart,
      menu,
      sectionGuard,
      ...[orderCreate, ordersList, orderCard, orderActions, orderReschedule, orderPin, orderClientLink],
      ...[mastersList, masterEdit, moderation, finance, staff],
      ...[reports, settings, logs],
      fallback,
    ],
  });
}
