import { MAX_RECEIPTS, reportCommissionPayment } from '@fs/dispatch';
import { fileOfMessage, inlineKeyboard, safeEdit } from '@fs/telegram';
import type { Telegraf } from 'telegraf';
import { loadCommissionCard } from '../cabinet-queries';
import { cbButton, onCallback } from '../callbacks';
import type { MasterBotDeps, MasterContext } from '../context';
import { mt } from '../texts';
import { cabinetMaster } from './cabinet-guard';
import { clearWizard, currentWizard, setWizard } from './wizard-session';

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
    [cbButton(buttons.menu, 'masterMenu', {})],
  ]);

/**
 * 💸 Я оплатил → receipts (photos or documents, kept in the Redis session) → ✅ Готово: the
 * commission goes to `reported` with the receipts as attachments and finance staff are told
 * (@fs/dispatch reportCommissionPayment). ❌ Отменить or /cancel leave without a trace.
 */
export function payReportFeature(bot: Telegraf<MasterContext>, deps: MasterBotDeps): void {
  bot.use(
    onCallback('commissionPay', async (ctx: MasterContext, { commissionId }) => {
      const master = await cabinetMaster(ctx, deps);
      if (!master) return;
      const card = await loadCommissionCard(deps.db, master.id, commissionId);
      if (!card) {
        deps.logger.warn(
          { master_id: master.id, commission_id: commissionId },
          'pay report of a foreign commission refused',
        );
        await ctx.answerCbQuery(t.finance.notFound, { show_alert: true });
        return;
      }
      if (card.status === 'reported' || card.status === 'approved') {
        await ctx.answerCbQuery(
          card.status === 'reported' ? t.finance.alreadyReported : t.finance.alreadyApproved,
          { show_alert: true },
        );
        return;
      }
      await ctx.answerCbQuery();
      setWizard(ctx, { commissionId, files: [] }, 'payReport');
      await ctx.reply(t.pay.ask(commissionId, MAX_RECEIPTS), { reply_markup: wizardKeyboard(commissionId) });
    }),
  );

  bot.on('message', async (ctx, next) => {
    const wizard = currentWizard(ctx, 'payReport');
    if (wizard === undefined) return next();
    const msg = ctx.message;
    if ('text' in msg && msg.text.startsWith('/')) return next();
    if (wizard === 'expired') {
      await ctx.reply(mt.input.sessionExpired);
      return;
    }
    const file = fileOfMessage(msg);
    if (!file) {
      setWizard(ctx, { commissionId: wizard.commissionId, files: wizard.files }, 'payReport');
      await ctx.reply(t.pay.needFile, { reply_markup: wizardKeyboard(wizard.commissionId) });
      return;
    }
    if (wizard.files.length >= MAX_RECEIPTS) {
      setWizard(ctx, { commissionId: wizard.commissionId, files: wizard.files }, 'payReport');
      await ctx.reply(t.pay.tooMany(MAX_RECEIPTS), { reply_markup: wizardKeyboard(wizard.commissionId) });
      return;
    }
    const files = [...wizard.files, file];
    setWizard(ctx, { commissionId: wizard.commissionId, files }, 'payReport');
    await ctx.reply(t.pay.received(files.length), { reply_markup: wizardKeyboard(wizard.commissionId) });
  });

  bot.use(
    onCallback('payReportDone', async (ctx: MasterContext, { commissionId }) => {
      const master = await cabinetMaster(ctx, deps);
      if (!master) return;
      const wizard = currentWizard(ctx, 'payReport');
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
      const result = await reportCommissionPayment(deps.dispatch, {
        commissionId,
        masterId: master.id,
        files: wizard.files,
      });
      clearWizard(ctx);
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
          deps.logger.warn(
            { master_id: master.id, commission_id: commissionId, outcome: result.kind },
            'pay report refused',
          );
          await ctx.answerCbQuery(t.finance.notFound, { show_alert: true });
          await safeEdit(ctx, t.pay.canceled, { reply_markup: afterKeyboard() });
          return;
      }
    }),
  );

  bot.use(
    onCallback('payReportCancel', async (ctx: MasterContext, { commissionId }) => {
      const wizard = currentWizard(ctx, 'payReport');
      if (wizard === undefined || wizard === 'expired' || wizard.commissionId !== commissionId) {
        await ctx.answerCbQuery(t.pay.stale);
        return;
      }
      clearWizard(ctx);
      await ctx.answerCbQuery(mt.input.canceled);
      await safeEdit(ctx, t.pay.canceled, { reply_markup: afterKeyboard(commissionId) });
    }),
  );
}
