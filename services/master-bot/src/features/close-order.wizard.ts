import { closeOrderByMaster } from '@fs/dispatch';
import { formatMoment, parseAmountInput } from '@fs/domain';
import { defineWizard, fileOfMessage, inlineKeyboard, type MessageFile, safeEdit } from '@fs/telegram';
import { Composer } from 'telegraf';
import { z } from 'zod';
import { cbButton, onCallback } from '../callbacks';
import type { MasterContext } from '../context';
import { menuRow } from '../keyboards/menu';
import type { ActiveOrderRow, MasterState } from '../queries/work';
import { mt, requisitesLines } from '../texts';
import { showMenu } from './start';

/**
 * ✅ Закрыть on an active order: the amount (normal orders), then the act; the order goes to
 * payment with its commission (@fs/dispatch closeOrderByMaster). State in the Redis session:
 * a restart or another replica continues it.
 */
export const closeOrder = new Composer<MasterContext>();

const closeOrderWizard = defineWizard(
  'closeOrder',
  z.object({
    orderId: z.number().int(),
    step: z.enum(['amount', 'act']),
    amountKopecks: z.number().int().optional(),
  }),
);

const { buttons } = mt;
const cancelKeyboard = () => inlineKeyboard([[cbButton(buttons.cancel, 'wizardCancel', {})]]);
const afterKeyboard = () => inlineKeyboard([[cbButton(buttons.active, 'activeList', {})], menuRow()]);

/** Opens the wizard for a working order (active-orders.ts checked it is the master's). */
export async function startClosing(
  ctx: MasterContext,
  order: Pick<ActiveOrderRow, 'id' | 'type'>,
): Promise<void> {
  const guarantee = order.type === 'guarantee';
  ctx.wizard.set(closeOrderWizard, { orderId: order.id, step: guarantee ? 'act' : 'amount' });
  await ctx.reply(guarantee ? mt.close.askAct(order.id) : mt.close.askAmount(order.id), {
    reply_markup: cancelKeyboard(),
  });
}

// ❌ Отменить while closing returns to the orders (other wizards' ❌: cancel.ts).
closeOrder.use(async (ctx, next) => {
  if (ctx.wizard.kind !== closeOrderWizard.kind) return next();
  return onCallback('wizardCancel', async (c: MasterContext) => {
    c.wizard.clear();
    await c.answerCbQuery(mt.input.canceled);
    await safeEdit(c, mt.close.canceled, { reply_markup: afterKeyboard() });
  })(ctx, next);
});

closeOrder.on('message', async (ctx, next) => {
  const wizard = ctx.wizard.get(closeOrderWizard);
  if (wizard === 'expired') {
    await ctx.reply(mt.input.sessionExpired);
    return;
  }
  const msg = ctx.message;
  if (!wizard || ('text' in msg && msg.text.startsWith('/'))) return next();

  if (wizard.step === 'amount') {
    const parsed = 'text' in msg ? parseAmountInput(msg.text) : ({ ok: false, error: 'format' } as const);
    if (!parsed.ok) {
      ctx.wizard.set(closeOrderWizard, wizard);
      await ctx.reply(mt.close.amountErrors[parsed.error]!, { reply_markup: cancelKeyboard() });
      return;
    }
    ctx.wizard.set(closeOrderWizard, { orderId: wizard.orderId, step: 'act', amountKopecks: parsed.kopecks });
    await ctx.reply(mt.close.askAct(wizard.orderId), { reply_markup: cancelKeyboard() });
    return;
  }

  const act = fileOfMessage(msg);
  if (!act) {
    ctx.wizard.set(closeOrderWizard, wizard);
    await ctx.reply(mt.close.needAct, { reply_markup: cancelKeyboard() });
    return;
  }
  const master = ctx.master;
  ctx.wizard.clear();
  if (!master || master.is_blocked) {
    await showMenu(ctx, 'reply');
    return;
  }
  await close(ctx, master, wizard.orderId, wizard.amountKopecks ?? null, act);
});

/** Closes the order with the act and says what is owed and where to pay. */
async function close(
  ctx: MasterContext,
  master: MasterState,
  orderId: number,
  totalKopecks: number | null,
  act: MessageFile,
): Promise<void> {
  const { deps } = ctx;
  const result = await closeOrderByMaster(deps.dispatch, { orderId, masterId: master.id, totalKopecks, act });
  if (result.kind !== 'closed') {
    deps.logger.info({ master_id: master.id, order_id: orderId, outcome: result.kind }, 'close refused');
    await ctx.reply(mt.close.statusChanged, { reply_markup: afterKeyboard() });
    return;
  }
  const now = new Date();
  let text: string;
  if (result.orderType === 'guarantee') text = mt.close.closedGuarantee(result.orderId);
  else if (!result.commission) text = mt.close.closedNoCommission(result.orderId, result.totalKopecks);
  else {
    const c = result.commission;
    const { support_contact } = await deps.dispatch.settings.get();
    text = [
      mt.close.closedPayment(
        result.orderId,
        result.totalKopecks,
        c.amountKopecks,
        c.ratePct,
        formatMoment(c.deadlineAt, result.timezone, now),
      ),
      ...requisitesLines(c.payTo, support_contact),
    ].join('\n');
    text += mt.close.closedPaymentTail;
  }
  await ctx.reply(text, { parse_mode: 'HTML', reply_markup: afterKeyboard() });
}
