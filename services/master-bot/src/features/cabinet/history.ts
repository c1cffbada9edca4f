import { inlineKeyboard, safeEdit } from '@fs/telegram';
import { Composer } from 'telegraf';
import { cbButton } from '../../callbacks';
import type { MasterContext } from '../../context';
import { menuRow, pagerRow } from '../../keyboards/menu';
import { masterAction, masterScreen, refuse } from '../../middlewares/guard';
import { HISTORY_PAGE_SIZE, listHistory, loadHistoryOrder } from '../../queries/cabinet';
import { historyCardText, mt } from '../../texts';

/** 📜 История заказов: closed and canceled orders (5 per page) with totals, and an order card. */
export const history = new Composer<MasterContext>();

const { buttons } = mt;
const t = mt.cabinet;

history.use(
  masterScreen('historyList', 'registered', (ctx, { page }, master) => renderList(ctx, master.id, page)),
);

history.use(
  masterAction('historyCard', 'registered', async (ctx, { orderId, page }, master) => {
    const order = await loadHistoryOrder(ctx.deps.db, master.id, orderId);
    if (!order) {
      await refuse(ctx, t.history.notFound, { order_id: orderId }, 'history card refused', 'info');
      return;
    }
    await ctx.answerCbQuery();
    await safeEdit(ctx, historyCardText(order, ctx.deps.now()), {
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
        menuRow(),
      ]),
    });
  }),
);

/** One page of the history (the last page when `requested` is past the end). */
async function renderList(ctx: MasterContext, masterId: number, requested: number): Promise<void> {
  let page = requested;
  let { totals, rows } = await listHistory(ctx.deps.db, masterId, page);
  const pages = Math.max(1, Math.ceil(totals.total / HISTORY_PAGE_SIZE));
  if (rows.length === 0 && totals.total > 0) {
    page = pages - 1;
    ({ totals, rows } = await listHistory(ctx.deps.db, masterId, page));
  }
  if (rows.length === 0) {
    await safeEdit(ctx, t.history.empty, { parse_mode: 'HTML', reply_markup: inlineKeyboard([menuRow()]) });
    return;
  }
  const now = ctx.deps.now();
  const text = t.history.screen(rows, page + 1, pages, totals, now);
  await safeEdit(ctx, text, {
    parse_mode: 'HTML',
    reply_markup: inlineKeyboard([
      ...rows.map((r) => [cbButton(t.buttons.card(r.id), 'historyCard', { orderId: r.id, page })]),
      ...pagerRow(page, page + 1 < pages, (p) =>
        cbButton(p < page ? buttons.prev : buttons.next, 'historyList', { page: p }),
      ),
      menuRow(),
    ]),
  });
}
