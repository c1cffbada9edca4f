import { closeOrderByMaster } from '@fs/dispatch';
import { formatMoment, parseAmountInput } from '@fs/domain';
import { fileOfMessage, inlineKeyboard, safeEdit } from '@fs/telegram';
import type { Telegraf } from 'telegraf';
import { cbButton, onCallback } from '../callbacks';
import type { MasterBotDeps, MasterContext } from '../context';
import { loadMasterState } from '../master-queries';
import { mt, requisitesLines } from '../texts';
import { showMenu } from './start';
import { clearWizard, currentWizard, hasWizard, setWizard } from './wizard-session';

const { buttons } = mt;
const cancelKeyboard = () => inlineKeyboard([[cbButton(buttons.cancel, 'wizardCancel', {})]]);
const afterKeyboard = () =>
  inlineKeyboard([[cbButton(buttons.active, 'activeList', {})], [cbButton(buttons.menu, 'masterMenu', {})]]);

/**
 * The closing wizard's inputs (state in the Redis session: a restart or another replica
 * continues it), and /cancel and ❌ Отменить for every wizard. Registered after the other
 * wizards' message handlers: a file outside any wizard is answered "session expired" here.
 */
export function closeOrderFeature(bot: Telegraf<MasterContext>, deps: MasterBotDeps): void {
  bot.command('cancel', async (ctx) => {
    const had = hasWizard(ctx);
    clearWizard(ctx);
    await ctx.reply(had ? mt.input.canceled : mt.input.nothingToCancel);
    await showMenu(ctx, deps, 'reply');
  });

  bot.use(
    onCallback('wizardCancel', async (ctx: MasterContext) => {
      const had = hasWizard(ctx);
      const closing = ctx.session?.closeOrder !== undefined;
      clearWizard(ctx);
      await ctx.answerCbQuery(had ? mt.input.canceled : mt.input.nothingToCancel);
      // The closing wizard returns to the orders; any other wizard (its own ❌ handlers come
      // first) to the menu.
      if (closing) await safeEdit(ctx, mt.close.canceled, { reply_markup: afterKeyboard() });
      else await showMenu(ctx, deps, 'edit');
    }),
  );

  bot.on('message', async (ctx, next) => {
    const wizard = currentWizard(ctx);
    const msg = ctx.message;
    if (wizard === 'expired') {
      await ctx.reply(mt.input.sessionExpired);
      return;
    }
    if (!wizard) {
      if (fileOfMessage(msg)) {
        // A file only makes sense inside a wizard: the master's wizard expired with the session.
        await ctx.reply(mt.input.sessionExpired);
        return;
      }
      return next();
    }
    if ('text' in msg && msg.text.startsWith('/')) return next();

    if (wizard.step === 'amount') {
      if (!('text' in msg)) {
        await ctx.reply(mt.close.amountErrors.format!, { reply_markup: cancelKeyboard() });
        return;
      }
      const parsed = parseAmountInput(msg.text);
      if (!parsed.ok) {
        await ctx.reply(mt.close.amountErrors[parsed.error]!, { reply_markup: cancelKeyboard() });
        setWizard(ctx, wizard);
        return;
      }
      setWizard(ctx, { orderId: wizard.orderId, step: 'act', amountKopecks: parsed.kopecks });
      await ctx.reply(mt.close.askAct(wizard.orderId), { reply_markup: cancelKeyboard() });
      return;
    }

    const act = fileOfMessage(msg);
    if (!act) {
      await ctx.reply(mt.close.needAct, { reply_markup: cancelKeyboard() });
      setWizard(ctx, wizard);
      return;
    }
    const master = ctx.from ? await loadMasterState(deps.db, ctx.from.id) : undefined;
    if (!master || master.is_blocked) {
      clearWizard(ctx);
      await showMenu(ctx, deps, 'reply');
      return;
    }
    const result = await closeOrderByMaster(deps.dispatch, {
      orderId: wizard.orderId,
      masterId: master.id,
      totalKopecks: wizard.amountKopecks ?? null,
      act,
    });
    clearWizard(ctx);
    if (result.kind !== 'closed') {
      deps.logger.info(
        { master_id: master.id, order_id: wizard.orderId, outcome: result.kind },
        'close refused',
      );
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
  });
}

/** Anything no feature took (text outside a wizard, stickers, voice…): a short hint; nothing changes. */
export function fallbackFeature(bot: Telegraf<MasterContext>): void {
  bot.on('message', async (ctx) => {
    await ctx.reply(mt.input.useButtons);
  });
}
