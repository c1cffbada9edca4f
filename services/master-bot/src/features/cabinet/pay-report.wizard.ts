import { MAX_RECEIPTS, reportCommissionPayment } from '@fs/dispatch';
import { defineWizard, fileOfMessage, inlineKeyboard, messageFileSchema, safeEdit } from '@fs/telegram';
import { Composer } from 'telegraf';
import { z } from 'zod';
import { cbButton, onCallback } from '../../callbacks';
import type { MasterContext } from '../../context';
import { menuRow } from '../../keyboards/menu';
import { masterAction, refuse } from '../../middlewares/guard';
import { mt } from '../../texts';
import { ownCommission } from './finance';

/**
 * 💸 Я оплатил → receipts (photos or documents, kept in the Redis session) → ✅ Готово: the
 * commission goes to `reported` with the receipts as attachments and finance staff are told
 * (@fs/dispatch reportCommissionPayment). ❌ Отменить or /cancel leave without a trace:
 * nothing is written to the database before ✅ Готово.
 */
export const payReport = new Composer<MasterContext>();

const payReportWizard = defineWizard(
  'payReport',
  z.object({ commissionId: z.number().int(), files: z.array(messageFileSchema) }),
);

const { buttons } = mt;
const t = mt.cabinet;

const wizardKeyboard = (commissionId: number) =>
  inlineKeyboard([
    [cbButton(t.buttons.done, 'payReportDone', { commissionId })],
    [cbButton(buttons.cancel, 'payReportCancel', { commissionId })],
  ]);

const afterKeyboard = (commissionId?: number) =>
  inlineKeyboard([
    ...(commissionId
      ? [[cbButton(t.buttons.commission(commissionId), 'commissionCard', { commissionId })]]
      : []),
    [cbButton(t.buttons.toFinance, 'financeView', {})],
    menuRow(),
  ]);

payReport.use(
  masterAction('commissionPay', 'registered', async (ctx, { commissionId }, master) => {
    const card = await ownCommission(ctx, master, commissionId, 'pay report of a foreign commission refused');
    if (!card) return;
    if (card.status === 'reported' || card.status === 'approved') {
      const text = card.status === 'reported' ? t.finance.alreadyReported : t.finance.alreadyApproved;
      await ctx.answerCbQuery(text, { show_alert: true });
      return;
    }
    await ctx.answerCbQuery();
    ctx.wizard.set(payReportWizard, { commissionId, files: [] });
    await ctx.reply(t.pay.ask(commissionId, MAX_RECEIPTS), { reply_markup: wizardKeyboard(commissionId) });
  }),
);

payReport.on('message', async (ctx, next) => {
  const wizard = ctx.wizard.get(payReportWizard);
  if (wizard === undefined) return next();
  const msg = ctx.message;
  if ('text' in msg && msg.text.startsWith('/')) return next();
  if (wizard === 'expired') {
    await ctx.reply(mt.input.sessionExpired);
    return;
  }
  const file = fileOfMessage(msg);
  if (!file || wizard.files.length >= MAX_RECEIPTS) {
    ctx.wizard.set(payReportWizard, wizard);
    await ctx.reply(file ? t.pay.tooMany(MAX_RECEIPTS) : t.pay.needFile, {
      reply_markup: wizardKeyboard(wizard.commissionId),
    });
    return;
  }
  const files = [...wizard.files, file];
  ctx.wizard.set(payReportWizard, { commissionId: wizard.commissionId, files });
  await ctx.reply(t.pay.received(files.length), { reply_markup: wizardKeyboard(wizard.commissionId) });
});

payReport.use(
  masterAction('payReportDone', 'registered', async (ctx, { commissionId }, master) => {
    const wizard = ctx.wizard.get(payReportWizard);
    if (wizard === 'expired') {
      await ctx.answerCbQuery(mt.input.sessionExpired, { show_alert: true });
      return;
    }
    if (!wizard || wizard.commissionId !== commissionId) {
      await ctx.answerCbQuery(t.pay.stale, { show_alert: true });
      return;
    }
    if (wizard.files.length === 0) {
      await ctx.answerCbQuery(t.pay.noFiles, { show_alert: true });
      return;
    }
    const result = await reportCommissionPayment(ctx.deps.dispatch, {
      commissionId,
      masterId: master.id,
      files: wizard.files,
    });
    ctx.wizard.clear();
    switch (result.kind) {
      case 'reported':
        await ctx.answerCbQuery(t.pay.doneToast);
        await safeEdit(ctx, t.pay.done(commissionId), { reply_markup: afterKeyboard(commissionId) });
        return;
      case 'wrong_state':
        await ctx.answerCbQuery(
          result.status === 'approved' ? t.finance.alreadyApproved : t.finance.alreadyReported,
          { show_alert: true },
        );
        await safeEdit(ctx, t.pay.canceled, { reply_markup: afterKeyboard(commissionId) });
        return;
      default:
        await refuse(
          ctx,
          t.finance.notFound,
          { commission_id: commissionId, outcome: result.kind },
          'pay report refused',
        );
        await safeEdit(ctx, t.pay.canceled, { reply_markup: afterKeyboard() });
        return;
    }
  }),
);

payReport.use(
  onCallback('payReportCancel', async (ctx: MasterContext, { commissionId }) => {
    const wizard = ctx.wizard.get(payReportWizard);
    if (wizard === undefined || wizard === 'expired' || wizard.commissionId !== commissionId) {
      await ctx.answerCbQuery(t.pay.stale);
      return;
    }
    ctx.wizard.clear();
    await ctx.answerCbQuery(mt.input.canceled);
    await safeEdit(ctx, t.pay.canceled, { reply_markup: afterKeyboard(commissionId) });
  }),
);
