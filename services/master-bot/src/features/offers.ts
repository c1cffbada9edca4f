import { markOfferViewed } from '@fs/dispatch';
import { OFFER_BUTTONS, offerAnswerRow } from '@fs/domain';
import { inlineKeyboard, safeEdit } from '@fs/telegram';
import { Composer } from 'telegraf';
import { cbButton } from '../callbacks';
import type { MasterContext } from '../context';
import { menuRow, pagerRow } from '../keyboards/menu';
import { masterAction, masterScreen, refuse } from '../middlewares/guard';
import { listOffers, loadOfferCard, OFFERS_PAGE_SIZE } from '../queries/work';
import { mt, offerCardText } from '../texts';

/**
 * 🆕 Новые заказы: the master's takeable offers (5 per page) and an offer card. The card's
 * ✅ Взять / ✖️ Отказаться are the push's accept/decline callbacks, handled by
 * offer-accept.ts / offer-decline.ts.
 */
export const offers = new Composer<MasterContext>();

const { buttons } = mt;

offers.use(
  masterScreen('offersList', 'approved', (ctx, { page }, master) => renderList(ctx, master.id, page)),
);

offers.use(
  masterAction('offerCard', 'approved', async (ctx, { offerId, page }, master) => {
    const card = await loadOfferCard(ctx.deps.db, master.id, offerId);
    if (!card) {
      await refuse(ctx, mt.offers.gone, { offer_id: offerId }, 'offer card not available', 'info');
      await renderList(ctx, master.id, page);
      return;
    }
    await markOfferViewed(ctx.deps.dispatch, { offerId, masterId: master.id });
    await ctx.answerCbQuery();
    await safeEdit(ctx, offerCardText(card, ctx.deps.now()), {
      parse_mode: 'HTML',
      reply_markup: inlineKeyboard([
        offerAnswerRow(offerId, OFFER_BUTTONS.take),
        [cbButton(buttons.back, 'offersList', { page })],
        menuRow(),
      ]),
    });
  }),
);

/** One page of offers (the last page when `requested` is past the end). */
async function renderList(ctx: MasterContext, masterId: number, requested: number): Promise<void> {
  let page = requested;
  let { total, rows } = await listOffers(ctx.deps.db, masterId, page);
  const pages = Math.max(1, Math.ceil(total / OFFERS_PAGE_SIZE));
  if (rows.length === 0 && total > 0) {
    page = pages - 1;
    ({ total, rows } = await listOffers(ctx.deps.db, masterId, page));
  }
  if (rows.length === 0) {
    await safeEdit(ctx, mt.offers.empty, {
      parse_mode: 'HTML',
      reply_markup: inlineKeyboard([[cbButton(buttons.refresh, 'offersList', { page: 0 })], menuRow()]),
    });
    return;
  }
  const now = ctx.deps.now();
  const text = mt.offers.screen(rows, page + 1, pages, total, now);
  await safeEdit(ctx, text, {
    parse_mode: 'HTML',
    reply_markup: inlineKeyboard([
      ...rows.map((r) => [cbButton(buttons.open(r.orderId), 'offerCard', { offerId: r.offerId, page })]),
      ...pagerRow(page, page + 1 < pages, (p) =>
        cbButton(p < page ? buttons.prev : buttons.next, 'offersList', { page: p }),
      ),
      [cbButton(buttons.refresh, 'offersList', { page })],
      menuRow(),
    ]),
  });
}
