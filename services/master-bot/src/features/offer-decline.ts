import type { MasterState } from '@fs/dispatch';
import { declineOffer } from '@fs/dispatch';
import { OFFER_BUTTONS } from '@fs/domain';
import { safeEdit } from '@fs/telegram';
import { Composer } from 'telegraf';
import type { MasterContext } from '../context';
import { declineConfirmKeyboard, offerKeyboard } from '../keyboards/offer';
import { masterAction, refuse } from '../middlewares/guard';
import { findOffer } from '../queries/offers';
import { mt, texts } from '../texts';
import { closeStaleCopy, editPush, navigationRows, withNavigation } from './offer-push';

const { buttons } = texts;
const confirmSuffix = (orderId: number) => `\n\n${texts.decline.confirm(orderId)}`;

/** The offer can no longer be answered: say why, drop the question and the offer buttons. */
function notOpen(ctx: MasterContext, offerId: number, orderId: number): Promise<void> {
  return closeStaleCopy(ctx, offerId, 'expired', { strip: confirmSuffix(orderId) });
}

/** The acting master's own offer, or undefined after answering why not. */
async function ownOffer(ctx: MasterContext, master: MasterState, offerId: number) {
  const offer = await findOffer(ctx.deps.db, offerId);
  if (!offer) {
    await ctx.answerCbQuery(texts.accept.notFound, { show_alert: true });
    return undefined;
  }
  if (offer.masterId !== master.id) {
    await refuse(
      ctx,
      texts.accept.notYours,
      { offer_id: offerId },
      'decline of another master’s offer refused',
    );
    return undefined;
  }
  return offer;
}

/** The acting master's own offer while still open (the button answered), or undefined after answering why not. */
async function openOwnOffer(ctx: MasterContext, master: MasterState, offerId: number) {
  const offer = await ownOffer(ctx, master, offerId);
  if (!offer) return undefined;
  if (!offer.open) {
    await notOpen(ctx, offerId, offer.orderId);
    return undefined;
  }
  await ctx.answerCbQuery();
  return offer;
}

/**
 * ✖️ Отказаться under the push: ask (`m:od`), then either confirm (`m:odc`: decline, which
 * wakes the scheduler) or go back (`m:odn`: restore the push buttons).
 */
export const offerDecline = new Composer<MasterContext>();

offerDecline.use(
  masterAction('offerDecline', 'active', async (ctx, { offerId }, master) => {
    const offer = await openOwnOffer(ctx, master, offerId);
    if (!offer) return;
    await editPush(ctx, {
      append: confirmSuffix(offer.orderId),
      markup: withNavigation(
        ctx,
        declineConfirmKeyboard(offerId, {
          confirm: buttons.declineConfirm,
          // Under the offer card ⬅️ Назад already leads to the list.
          back: navigationRows(ctx).length > 0 ? mt.cabinet.buttons.keepOffer : buttons.back,
        }),
      ),
    });
  }),
);

offerDecline.use(
  masterAction('offerDeclineCancel', 'active', async (ctx, { offerId }, master) => {
    const offer = await openOwnOffer(ctx, master, offerId);
    if (!offer) return;
    await editPush(ctx, {
      strip: confirmSuffix(offer.orderId),
      markup: withNavigation(
        ctx,
        // The offer card of 🆕 Новые заказы says ✅ Взять where the push says ✅ Принять.
        offerKeyboard(offerId, navigationRows(ctx).length > 0 ? OFFER_BUTTONS.take : OFFER_BUTTONS.accept),
      ),
    });
  }),
);

offerDecline.use(
  masterAction('offerDeclineConfirm', 'active', async (ctx, { offerId }, master) => {
    const offer = await ownOffer(ctx, master, offerId);
    if (!offer) return;
    const { orderId } = offer;
    const result = await declineOffer(ctx.deps.dispatch, { offerId, masterId: master.id });
    ctx.deps.logger.info(
      { master_id: master.id, offer_id: offerId, order_id: orderId, outcome: result.kind },
      'offer decline confirmed',
    );
    switch (result.kind) {
      case 'declined':
        await ctx.answerCbQuery(texts.decline.done(orderId));
        await safeEdit(ctx, texts.decline.done(orderId), { reply_markup: withNavigation(ctx) });
        return;
      case 'already_closed':
        return notOpen(ctx, offerId, orderId);
      case 'not_yours':
        await ctx.answerCbQuery(texts.accept.notYours, { show_alert: true });
        return;
      case 'not_found':
        await ctx.answerCbQuery(texts.accept.notFound, { show_alert: true });
        return;
    }
  }),
);
