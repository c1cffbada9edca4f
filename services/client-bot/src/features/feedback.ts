import { answerAmountCheck, rateOrder } from '@fs/dispatch';
import { Composer } from 'telegraf';
import { onCallback } from '../callbacks';
import type { ClientContext } from '../context';
import { texts } from '../texts';
import { chatOrder, editCard } from './order-card';

/**
 * ⭐ 1–5 and "Сумма к оплате была N ₽?" under the feedback request: the rule (whose order, is
 * it done, answered once, the rating, the staff alert) is dispatch's; the message then becomes
 * the order card with whatever is still asked.
 */
export const feedback = new Composer<ClientContext>();

const REFUSALS = {
  not_yours: texts.feedback.notYours,
  not_done: texts.feedback.notDone,
  invalid: texts.staleButton,
  no_amount: texts.staleButton,
} as const;

async function showOrder(ctx: ClientContext, orderId: number): Promise<void> {
  const o = await chatOrder(ctx, orderId);
  if (o) await editCard(ctx, o);
}

feedback.use(
  onCallback('rate', async (ctx: ClientContext, { orderId, stars }) => {
    const r = await rateOrder(ctx.deps.dispatch, { chatId: ctx.chat!.id, orderId, stars });
    if (r.kind === 'ok') await ctx.answerCbQuery(texts.feedback.thanksStars(r.stars));
    else if (r.kind === 'already') await ctx.answerCbQuery(texts.feedback.already);
    else return ctx.answerCbQuery(REFUSALS[r.kind], { show_alert: true });
    await showOrder(ctx, orderId);
  }),
  onCallback('amount', async (ctx: ClientContext, { orderId, answer }) => {
    const confirmed = answer === 'y';
    const r = await answerAmountCheck(ctx.deps.dispatch, { chatId: ctx.chat!.id, orderId, confirmed });
    if (r.kind === 'ok') await ctx.answerCbQuery(texts.feedback.thanksAmount(r.confirmed));
    else if (r.kind === 'already') await ctx.answerCbQuery(texts.feedback.already);
    else return ctx.answerCbQuery(REFUSALS[r.kind], { show_alert: true });
    await showOrder(ctx, orderId);
  }),
);
