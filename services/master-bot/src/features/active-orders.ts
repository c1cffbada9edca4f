import type { MasterState } from '@fs/dispatch';
import { advanceMasterOrder, type MASTER_STEPS } from '@fs/dispatch';
import { yandexRouteUrl } from '@fs/domain';
import { copyButton, inlineKeyboard, safeEdit } from '@fs/telegram';
import { Composer } from 'telegraf';
import type { InlineKeyboardButton } from 'telegraf/types';
import { type CallbackArgs, cbButton } from '../callbacks';
import type { MasterContext } from '../context';
import { menuRow } from '../keyboards/menu';
import { masterAction, masterScreen, refuse } from '../middlewares/guard';
import { type ActiveOrderRow, listActiveOrders, loadActiveOrder } from '../queries/work';
import { activeCardText, fullAddress, mt } from '../texts';
import { startClosing } from './close-order.wizard';

/**
 * 📦 Активные заказы: list, card with the next status button (🚗 В пути → 🛠 Работаю →
 * ✅ Закрыть). Every order id from a callback is re-checked against the acting master.
 */
export const activeOrders = new Composer<MasterContext>();

const { buttons } = mt;

/** The master's own active order, or undefined after refusing the button (`why` is logged). */
async function ownActiveOrder(
  ctx: MasterContext,
  master: MasterState,
  orderId: number,
  why: string,
  level?: 'info' | 'warn',
) {
  const order = await loadActiveOrder(ctx.deps.db, master.id, orderId);
  if (!order) await refuse(ctx, mt.active.notFound, { order_id: orderId }, why, level);
  return order;
}

activeOrders.use(masterScreen('activeList', 'approved', (ctx, _args, master) => renderList(ctx, master.id)));

activeOrders.use(
  masterAction('activeCard', 'approved', async (ctx, { orderId }, master) => {
    if (!(await ownActiveOrder(ctx, master, orderId, 'active order card refused', 'info'))) return;
    await ctx.answerCbQuery();
    await renderCard(ctx, master.id, orderId);
  }),
);

/** 🚗 В пути and 🛠 Работаю: one step of the order, then the card as it is now. */
const step =
  (from: keyof typeof MASTER_STEPS, done: string) =>
  async (ctx: MasterContext, { orderId }: CallbackArgs<'activeEnRoute'>, master: MasterState) => {
    const result = await advanceMasterOrder(ctx.deps.dispatch, { orderId, masterId: master.id, from });
    switch (result.kind) {
      case 'ok':
        await ctx.answerCbQuery(done);
        await renderCard(ctx, master.id, orderId);
        return;
      case 'wrong_status':
        await ctx.answerCbQuery(mt.active.stale, { show_alert: true });
        await renderCard(ctx, master.id, orderId);
        return;
      case 'not_yours':
      case 'not_found':
        await refuse(
          ctx,
          mt.active.notFound,
          { order_id: orderId, outcome: result.kind },
          'order step refused',
        );
        return;
    }
  };
activeOrders.use(masterAction('activeEnRoute', 'approved', step('assigned', mt.active.enRouteDone)));
activeOrders.use(masterAction('activeWorking', 'approved', step('en_route', mt.active.workingDone)));

activeOrders.use(
  masterAction('activeClose', 'approved', async (ctx, { orderId }, master) => {
    const order = await ownActiveOrder(ctx, master, orderId, 'close of a foreign or inactive order refused');
    if (!order) return;
    if (order.status !== 'working') {
      await ctx.answerCbQuery(mt.active.cannotClose, { show_alert: true });
      await renderCard(ctx, master.id, orderId);
      return;
    }
    await ctx.answerCbQuery();
    await startClosing(ctx, order);
  }),
);

async function renderList(ctx: MasterContext, masterId: number): Promise<void> {
  const orders = await listActiveOrders(ctx.deps.db, masterId);
  if (orders.length === 0) {
    await safeEdit(ctx, mt.active.empty, { parse_mode: 'HTML', reply_markup: inlineKeyboard([menuRow()]) });
    return;
  }
  const now = ctx.deps.now();
  const text = mt.active.screen(orders, now);
  await safeEdit(ctx, text, {
    parse_mode: 'HTML',
    reply_markup: inlineKeyboard([
      ...orders.map((o) => [cbButton(buttons.open(o.id), 'activeCard', { orderId: o.id })]),
      menuRow(),
    ]),
  });
}

/** Renders the card, or the list when the order is not (any more) this master's active order. */
async function renderCard(ctx: MasterContext, masterId: number, orderId: number): Promise<void> {
  const order = await loadActiveOrder(ctx.deps.db, masterId, orderId);
  if (!order) return renderList(ctx, masterId);
  const next = statusButton(order);
  await safeEdit(ctx, activeCardText(order, ctx.deps.now()), {
    parse_mode: 'HTML',
    reply_markup: inlineKeyboard([
      ...(next ? [[next]] : []),
      ...routeRow(order),
      copyRow(order),
      [cbButton(buttons.back, 'activeList', {})],
      menuRow(),
    ]),
  });
}

function statusButton(o: ActiveOrderRow): InlineKeyboardButton | null {
  switch (o.status) {
    case 'assigned':
      return cbButton(buttons.enRoute, 'activeEnRoute', { orderId: o.id });
    case 'en_route':
      return cbButton(buttons.working, 'activeWorking', { orderId: o.id });
    case 'working':
      return cbButton(buttons.close, 'activeClose', { orderId: o.id });
    default:
      return null;
  }
}

/** 🗺 Маршрут: a Yandex Maps route from the phone's own position to the order's point. */
function routeRow(o: ActiveOrderRow): InlineKeyboardButton[][] {
  if (o.lat === null || o.lon === null) return [];
  return [[{ text: buttons.route, url: yandexRouteUrl({ lat: o.lat, lon: o.lon }) }]];
}

/** 📋 Телефон клиента / 📋 Адрес: Bot API copy buttons (a tap puts the value on the clipboard). */
function copyRow(o: ActiveOrderRow): InlineKeyboardButton[] {
  const row: InlineKeyboardButton[] = [];
  if (o.clientPhone) row.push(copyButton(mt.cabinet.buttons.copyPhone, o.clientPhone));
  row.push(copyButton(mt.cabinet.buttons.copyAddress, `${o.city}, ${fullAddress(o)}`));
  return row;
}
