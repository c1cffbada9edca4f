import { formatMoment } from '@fs/domain';
import { inlineKeyboard, safeEdit } from '@fs/telegram';
import type { Telegraf } from 'telegraf';
import type { InlineKeyboardButton } from 'telegraf/types';
import { HISTORY_PAGE_SIZE, listHistory, loadHistoryOrder } from '../cabinet-queries';
import { cbButton, onCallback } from '../callbacks';
import type { MasterBotDeps, MasterContext } from '../context';
import { activeCardText, mt } from '../texts';
import { cabinetMaster } from './cabinet-guard';

const { buttons } = mt;
const t = mt.cabinet;

/** 📜 История заказов: closed and canceled orders (5 per page) with totals, and an order card. */
export function historyFeature(bot: Telegraf<MasterContext>, deps: MasterBotDeps): void {
  async function renderList(ctx: MasterContext, masterId: number, requested: number): Promise<void> {
    let page = requested;
    let { totals, rows } = await listHistory(deps.db, masterId, page);
    const pages = Math.max(1, Math.ceil(totals.total / HISTORY_PAGE_SIZE));
    if (rows.length === 0 && totals.total > 0) {
      page = pages - 1;
      ({ totals, rows } = await listHistory(deps.db, masterId, page));
    }
    const menuRow = [cbButton(buttons.menu, 'masterMenu', {})];
    if (rows.length === 0) {
      await safeEdit(ctx, t.history.empty, { parse_mode: 'HTML', reply_markup: inlineKeyboard([menuRow]) });
      return;
    }
    const now = new Date();
    const pager: InlineKeyboardButton[] = [];
    if (page > 0) pager.push(cbButton(buttons.prev, 'historyList', { page: page - 1 }));
    if (page + 1 < pages) pager.push(cbButton(buttons.next, 'historyList', { page: page + 1 }));
    await safeEdit(
      ctx,
      [t.history.title(page + 1, pages, totals), '', ...rows.map((r) => t.history.row(r, now))].join('\n'),
      {
        parse_mode: 'HTML',
        reply_markup: inlineKeyboard([
          ...rows.map((r) => [cbButton(t.buttons.card(r.id), 'historyCard', { orderId: r.id, page })]),
          ...(pager.length > 0 ? [pager] : []),
          menuRow,
        ]),
      },
    );
  }

  bot.use(
    onCallback('historyList', async (ctx: MasterContext, { page }) => {
      const master = await cabinetMaster(ctx, deps);
      if (!master) return;
      await ctx.answerCbQuery();
      await renderList(ctx, master.id, page);
    }),
  );

  bot.use(
    onCallback('historyCard', async (ctx: MasterContext, { orderId, page }) => {
      const master = await cabinetMaster(ctx, deps);
      if (!master) return;
      const order = await loadHistoryOrder(deps.db, master.id, orderId);
      if (!order) {
        deps.logger.info({ master_id: master.id, order_id: orderId }, 'history card refused');
        await ctx.answerCbQuery(t.history.notFound, { show_alert: true });
        return;
      }
      await ctx.answerCbQuery();
      const now = new Date();
      const lines = [
        activeCardText(order, now),
        '',
        t.history.finished(order.status, formatMoment(order.finishedAt, order.timezone, now)),
      ];
      if (order.status === 'closed' || order.totalKopecks !== null)
        lines.push(t.history.total(order.totalKopecks));
      if (order.status === 'canceled' && order.cancelReason)
        lines.push(t.history.cancelReason(order.cancelReason));
      if (order.commissionId !== null && order.commissionStatus && order.commissionKopecks !== null) {
        lines.push(t.history.commission(order.commissionId, order.commissionKopecks, order.commissionStatus));
      }
      await safeEdit(ctx, lines.join('\n'), {
        parse_mode: 'HTML',
        reply_markup: inlineKeyboard([
          ...(order.commissionId !== null
            ? [
                [
                  cbButton(t.buttons.commission(order.commissionId), 'commissionCard', {
                    commissionId: order.commissionId,
                  }),
                ],
              ]
            : []),
          [cbButton(buttons.back, 'historyList', { page })],
          [cbButton(buttons.menu, 'masterMenu', {})],
        ]),
      });
    }),
  );
}
