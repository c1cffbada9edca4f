import { advanceMasterOrder, type MASTER_STEPS } from '@fs/dispatch';
import { copyButton, inlineKeyboard, safeEdit } from '@fs/telegram';
import type { Telegraf } from 'telegraf';
import type { InlineKeyboardButton } from 'telegraf/types';
import { cbButton, onCallback } from '../callbacks';
import type { MasterBotDeps, MasterContext } from '../context';
import { type ActiveOrderRow, listActiveOrders, loadActiveOrder } from '../master-queries';
import { activeCardText, fullAddress, mt } from '../texts';
import { workingMaster } from './master-guard';
import { setWizard } from './wizard-session';

const { buttons } = mt;

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

/** 📋 Телефон клиента / 📋 Адрес: Bot API copy buttons (a tap puts the value on the clipboard). */
function copyRow(o: ActiveOrderRow): InlineKeyboardButton[] {
  const row: InlineKeyboardButton[] = [];
  if (o.clientPhone) row.push(copyButton(mt.cabinet.buttons.copyPhone, o.clientPhone));
  row.push(copyButton(mt.cabinet.buttons.copyAddress, `${o.city}, ${fullAddress(o)}`));
  return row;
}

/**
 * 📦 Активные заказы: list, card with the next status button (🚗 В пути → 🛠 Работаю →
 * ✅ Закрыть). Every order id from a callback is re-checked against the acting master.
 */
export function activeOrdersFeature(bot: Telegraf<MasterContext>, deps: MasterBotDeps): void {
  async function renderList(ctx: MasterContext, masterId: number): Promise<void> {
    const orders = await listActiveOrders(deps.db, masterId);
    const menuRow = [cbButton(buttons.menu, 'masterMenu', {})];
    if (orders.length === 0) {
      await safeEdit(ctx, mt.active.empty, { parse_mode: 'HTML', reply_markup: inlineKeyboard([menuRow]) });
      return;
    }
    const now = new Date();
    await safeEdit(
      ctx,
      [mt.active.title(orders.length), '', ...orders.map((o) => mt.active.row(o, now))].join('\n\n'),
      {
        parse_mode: 'HTML',
        reply_markup: inlineKeyboard([
          ...orders.map((o) => [cbButton(buttons.open(o.id), 'activeCard', { orderId: o.id })]),
          menuRow,
        ]),
      },
    );
  }

  /** Renders the card, or the list when the order is not (any more) this master's active order. */
  async function renderCard(ctx: MasterContext, masterId: number, orderId: number): Promise<boolean> {
    const order = await loadActiveOrder(deps.db, masterId, orderId);
    if (!order) {
      await renderList(ctx, masterId);
      return false;
    }
    const next = statusButton(order);
    await safeEdit(ctx, activeCardText(order, new Date()), {
      parse_mode: 'HTML',
      reply_markup: inlineKeyboard([
        ...(next ? [[next]] : []),
        copyRow(order),
        [cbButton(buttons.back, 'activeList', {})],
        [cbButton(buttons.menu, 'masterMenu', {})],
      ]),
    });
    return true;
  }

  bot.use(
    onCallback('activeList', async (ctx: MasterContext) => {
      const master = await workingMaster(ctx, deps);
      if (!master) return;
      await ctx.answerCbQuery();
      await renderList(ctx, master.id);
    }),
  );

  bot.use(
    onCallback('activeCard', async (ctx: MasterContext, { orderId }) => {
      const master = await workingMaster(ctx, deps);
      if (!master) return;
      const order = await loadActiveOrder(deps.db, master.id, orderId);
      if (!order) {
        deps.logger.info({ master_id: master.id, order_id: orderId }, 'active order card refused');
        await ctx.answerCbQuery(mt.active.notFound, { show_alert: true });
        return;
      }
      await ctx.answerCbQuery();
      await renderCard(ctx, master.id, orderId);
    }),
  );

  const step =
    (from: keyof typeof MASTER_STEPS, done: string) =>
    async (ctx: MasterContext, { orderId }: { orderId: number }) => {
      const master = await workingMaster(ctx, deps);
      if (!master) return;
      const result = await advanceMasterOrder(deps.dispatch, { orderId, masterId: master.id, from });
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
          deps.logger.warn(
            { master_id: master.id, order_id: orderId, outcome: result.kind },
            'order step refused',
          );
          await ctx.answerCbQuery(mt.active.notFound, { show_alert: true });
          return;
      }
    };
  bot.use(onCallback('activeEnRoute', step('assigned', mt.active.enRouteDone)));
  bot.use(onCallback('activeWorking', step('en_route', mt.active.workingDone)));

  bot.use(
    onCallback('activeClose', async (ctx: MasterContext, { orderId }) => {
      const master = await workingMaster(ctx, deps);
      if (!master) return;
      const order = await loadActiveOrder(deps.db, master.id, orderId);
      if (!order) {
        deps.logger.warn(
          { master_id: master.id, order_id: orderId },
          'close of a foreign or inactive order refused',
        );
        await ctx.answerCbQuery(mt.active.notFound, { show_alert: true });
        return;
      }
      if (order.status !== 'working') {
        await ctx.answerCbQuery(mt.active.cannotClose, { show_alert: true });
        await renderCard(ctx, master.id, orderId);
        return;
      }
      await ctx.answerCbQuery();
      const guarantee = order.type === 'guarantee';
      setWizard(ctx, { orderId, step: guarantee ? 'act' : 'amount' });
      await ctx.reply(guarantee ? mt.close.askAct(orderId) : mt.close.askAmount(orderId), {
        reply_markup: inlineKeyboard([[cbButton(buttons.cancel, 'wizardCancel', {})]]),
      });
    }),
  );
}
