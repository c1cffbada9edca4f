import { markOfferViewed } from '@fs/dispatch';
import { inlineKeyboard, safeEdit } from '@fs/telegram';
import type { Telegraf } from 'telegraf';
import type { InlineKeyboardButton } from 'telegraf/types';
import { cbButton, onCallback } from '../callbacks';
import type { MasterBotDeps, MasterContext } from '../context';
import { listOffers, loadOfferCard, OFFERS_PAGE_SIZE } from '../master-queries';
import { mt, offerCardText } from '../texts';
import { workingMaster } from './master-guard';

const { buttons } = mt;

/**
 * 🆕 Новые заказы: the master's takeable offers (5 per page) and an offer card. The card's
 * ✅ Взять / ✖️ Отказаться are the push's accept/decline callbacks, handled by
 * offer-accept.ts / offer-decline.ts.
 */
export function offersFeature(bot: Telegraf<MasterContext>, deps: MasterBotDeps): void {
  async function renderList(ctx: MasterContext, masterId: number, requested: number): Promise<void> {
    let page = requested;
    let { total, rows } = await listOffers(deps.db, masterId, page);
    const pages = Math.max(1, Math.ceil(total / OFFERS_PAGE_SIZE));
    if (rows.length === 0 && total > 0) {
      page = pages - 1;
      ({ total, rows } = await listOffers(deps.db, masterId, page));
    }
    const menuRow = [cbButton(buttons.menu, 'masterMenu', {})];
    if (rows.length === 0) {
      await safeEdit(ctx, mt.offers.empty, {
        parse_mode: 'HTML',
        reply_markup: inlineKeyboard([[cbButton(buttons.refresh, 'offersList', { page: 0 })], menuRow]),
      });
      return;
    }
    const now = new Date();
    const text = [
      mt.offers.title,
      mt.offers.page(page + 1, pages, total),
      '',
      ...rows.map((r) => mt.offers.row(r, now)),
    ].join('\n');
    const pager: InlineKeyboardButton[] = [];
    if (page > 0) pager.push(cbButton(buttons.prev, 'offersList', { page: page - 1 }));
    if (page + 1 < pages) pager.push(cbButton(buttons.next, 'offersList', { page: page + 1 }));
    await safeEdit(ctx, text, {
      parse_mode: 'HTML',
      reply_markup: inlineKeyboard([
        ...rows.map((r) => [cbButton(buttons.open(r.orderId), 'offerCard', { offerId: r.offerId, page })]),
        ...(pager.length > 0 ? [pager] : []),
        [cbButton(buttons.refresh, 'offersList', { page })],
        menuRow,
      ]),
    });
  }

  bot.use(
    onCallback('offersList', async (ctx: MasterContext, { page }) => {
      const master = await workingMaster(ctx, deps);
      if (!master) return;
      await ctx.answerCbQuery();
      await renderList(ctx, master.id, page);
    }),
  );

  bot.use(
    onCallback('offerCard', async (ctx: MasterContext, { offerId, page }) => {
      const master = await workingMaster(ctx, deps);
      if (!master) return;
      const card = await loadOfferCard(deps.db, master.id, offerId);
      if (!card) {
        deps.logger.info({ master_id: master.id, offer_id: offerId }, 'offer card not available');
        await ctx.answerCbQuery(mt.offers.gone, { show_alert: true });
        await renderList(ctx, master.id, page);
        return;
      }
      await markOfferViewed(deps.dispatch, { offerId, masterId: master.id });
      await ctx.answerCbQuery();
      await safeEdit(ctx, offerCardText(card, new Date()), {
        parse_mode: 'HTML',
        reply_markup: inlineKeyboard([
          [
            cbButton(buttons.take, 'offerAccept', { offerId }),
            cbButton(buttons.decline, 'offerDecline', { offerId }),
          ],
          [cbButton(buttons.back, 'offersList', { page })],
          [cbButton(buttons.menu, 'masterMenu', {})],
        ]),
      });
    }),
  );
}
