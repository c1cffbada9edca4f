import type { MasterState } from '@fs/dispatch';
import { closeOrderByMaster, reviewOrderCloseAmount } from '@fs/dispatch';
import { formatMoment, parseAmountInput } from '@fs/domain';
import { defineWizard, fileOfMessage, inlineKeyboard, type MessageFile, safeEdit } from '@fs/telegram';
import { Composer } from 'telegraf';
import { z } from 'zod';
import { cbButton, onCallback } from '../callbacks';
import type { MasterContext } from '../context';
import { menuRow } from '../keyboards/menu';
import { closedWizardText } from '../middlewares/guard';
import type { ActiveOrderRow } from '../queries/work';
import { mt, requisitesLines } from '../texts';
import { showMenu } from './start';

/**
 * ✅ Закрыть on an active order: the amount (normal orders), its confirmation with the
 * commission it implies (and a second question when it is far above the category's usual,
 * @fs/dispatch reviewOrderCloseAmount), then the act; the order goes to payment with its
 * commission (closeOrderByMaster). State in the Redis session: a restart or another replica
 * continues it.
 */
export const closeOrder = new Composer<MasterContext>();

const closeOrderWizard = defineWizard(
  'closeOrder',
  z.object({
    orderId: z.number().int(),
    step: z.enum(['amount', 'confirm', 'unusual', 'act']),
    amountKopecks: z.number().int().optional(),
    /** Set when the amount is far above the category's usual (this ceiling): ✅ Верно asks once more. */
    unusualOverKopecks: z.number().int().optional(),
  }),
);
type Closing = z.infer<typeof closeOrderWizard.schema>;

const { buttons } = mt;
const cancelKeyboard = () => inlineKeyboard([[cbButton(buttons.cancel, 'wizardCancel', {})]]);
const confirmKeyboard = (orderId: number, sure: boolean) =>
  inlineKeyboard([
    [
      sure
        ? cbButton(buttons.amountSure, 'closeAmountSure', { orderId })
        : cbButton(buttons.amountOk, 'closeAmountOk', { orderId }),
    ],
    [cbButton(buttons.amountEdit, 'closeAmountEdit', { orderId })],
    [cbButton(buttons.cancel, 'wizardCancel', {})],
  ]);
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

  if (wizard.step !== 'act') {
    // The amount, or (while it waits for confirmation) another amount typed instead.
    const parsed = 'text' in msg ? parseAmountInput(msg.text) : ({ ok: false, error: 'format' } as const);
    if (!parsed.ok) {
      ctx.wizard.set(closeOrderWizard, wizard);
      if (wizard.step === 'amount') {
        const reply = fileOfMessage(msg) ? mt.close.amountFirst : mt.close.amountErrors[parsed.error]!;
        await ctx.reply(reply, { reply_markup: cancelKeyboard() });
      } else {
        await ctx.reply(mt.close.confirmFirst, {
          reply_markup: confirmKeyboard(wizard.orderId, wizard.step === 'unusual'),
        });
      }
      return;
    }
    await reviewAmount(ctx, wizard.orderId, parsed.kopecks);
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

/** Shows the amount with the commission it implies and asks to confirm it. */
async function reviewAmount(ctx: MasterContext, orderId: number, totalKopecks: number): Promise<void> {
  const master = ctx.master;
  if (!master || master.is_blocked) {
    ctx.wizard.clear();
    await showMenu(ctx, 'reply');
    return;
  }
  const review = await reviewOrderCloseAmount(ctx.deps.dispatch, {
    orderId,
    masterId: master.id,
    totalKopecks,
  });
  if (review.kind !== 'review') {
    ctx.wizard.clear();
    await ctx.reply(mt.close.statusChanged, { reply_markup: afterKeyboard() });
    return;
  }
  ctx.wizard.set(closeOrderWizard, {
    orderId,
    step: 'confirm',
    amountKopecks: totalKopecks,
    ...(review.unusual ? { unusualOverKopecks: review.usualMaxKopecks } : {}),
  });
  const c = review.commission;
  await ctx.reply(mt.close.confirmAmount(orderId, totalKopecks, c.amountKopecks, c.ratePct), {
    parse_mode: 'HTML',
    reply_markup: confirmKeyboard(orderId, false),
  });
}

/**
 * A confirmation button of this closing: the wizard must be open for `orderId` at one of
 * `steps` (a button of an older message changes nothing).
 */
function confirmAction(
  name: 'closeAmountOk' | 'closeAmountSure' | 'closeAmountEdit',
  steps: readonly Closing['step'][],
  handler: (ctx: MasterContext, w: Closing) => Promise<void>,
) {
  return onCallback(name, async (ctx: MasterContext, { orderId }) => {
    const w = ctx.wizard.get(closeOrderWizard);
    if (w === undefined || w === 'expired') {
      await ctx.answerCbQuery(closedWizardText(ctx, closeOrderWizard), { show_alert: true });
      return;
    }
    if (w.orderId !== orderId || !steps.includes(w.step)) {
      await ctx.answerCbQuery(mt.input.staleAction, { show_alert: true });
      return;
    }
    await ctx.answerCbQuery();
    await handler(ctx, w);
  });
}

closeOrder.use(
  confirmAction('closeAmountOk', ['confirm'], async (ctx, w) => {
    if (w.unusualOverKopecks !== undefined && w.amountKopecks !== undefined) {
      ctx.wizard.set(closeOrderWizard, { ...w, step: 'unusual' });
      await safeEdit(ctx, mt.close.unusualAmount(w.orderId, w.amountKopecks, w.unusualOverKopecks), {
        reply_markup: confirmKeyboard(w.orderId, true),
      });
      return;
    }
    await askAct(ctx, w);
  }),
);
closeOrder.use(confirmAction('closeAmountSure', ['unusual'], (ctx, w) => askAct(ctx, w)));
closeOrder.use(
  confirmAction('closeAmountEdit', ['confirm', 'unusual'], async (ctx, w) => {
    ctx.wizard.set(closeOrderWizard, { orderId: w.orderId, step: 'amount' });
    await safeEdit(ctx, mt.close.askAmount(w.orderId), { reply_markup: cancelKeyboard() });
  }),
);

async function askAct(ctx: MasterContext, w: Closing): Promise<void> {
  ctx.wizard.set(closeOrderWizard, { orderId: w.orderId, step: 'act', amountKopecks: w.amountKopecks });
  await safeEdit(ctx, mt.close.askAct(w.orderId), { reply_markup: cancelKeyboard() });
}

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
  const now = ctx.deps.now();
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
