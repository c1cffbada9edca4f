import { type AcceptOfferOutcome, acceptOffer } from '@fs/dispatch';
import type { OfferClosedReason } from '@fs/domain';
import { safeEdit } from '@fs/telegram';
import { Composer } from 'telegraf';
import type { MasterContext } from '../context';
import { masterAction, refuse } from '../middlewares/guard';
import { loadActiveOrder } from '../queries/work';
import { assignedOrderCard, texts } from '../texts';
import { closeStaleCopy } from './offer-push';

/** The accept outcome's reason, should the offer's row not say it (see closeStaleCopy). */
const CLOSED_BY = {
  taken: 'taken',
  expired: 'expired',
  withdrawn: 'withdrawn',
  order_closed: 'canceled',
} as const satisfies Partial<Record<AcceptOfferOutcome, OfferClosedReason>>;

/** ✅ Принять under the push (`m:oa:<offerId>`) and ✅ Взять on the offer card: the race for the order. */
export const offerAccept = new Composer<MasterContext>();

offerAccept.use(
  masterAction('offerAccept', 'active', async (ctx, { offerId }, master) => {
    const { deps } = ctx;
    const log = deps.logger.child({ master_id: master.id, offer_id: offerId });
    const result = await acceptOffer(deps.dispatch, { offerId, masterId: master.id });
    log.info({ order_id: result.orderId, outcome: result.kind }, 'offer accept tapped');

    switch (result.kind) {
      case 'won':
      case 'already_yours': {
        const orderId = result.orderId!;
        const toast = result.kind === 'won' ? texts.accept.won(orderId) : texts.accept.alreadyYours(orderId);
        await ctx.answerCbQuery(toast);
        const card = await loadActiveOrder(deps.db, master.id, orderId);
        if (card) {
          await safeEdit(ctx, assignedOrderCard(card, ctx.deps.now()), {
            parse_mode: 'HTML',
            reply_markup: { inline_keyboard: [] },
          });
        }
        return;
      }
      case 'taken':
      case 'expired':
      case 'withdrawn':
      case 'order_closed':
        return closeStaleCopy(ctx, offerId, CLOSED_BY[result.kind]);
      case 'over_limit':
        await ctx.answerCbQuery(texts.accept.overLimit, { show_alert: true });
        return;
      case 'not_yours':
        return refuse(
          ctx,
          texts.accept.notYours,
          { offer_id: offerId },
          'accept of another master’s offer refused',
        );
      case 'not_found':
        await ctx.answerCbQuery(texts.accept.notFound, { show_alert: true });
        return;
    }
  }),
);
