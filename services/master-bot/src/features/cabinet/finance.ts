import { inlineKeyboard, safeEdit } from '@fs/telegram';
import type { Telegraf } from 'telegraf';
import type { InlineKeyboardButton, InlineKeyboardMarkup } from 'telegraf/types';
import {
  type CommissionCard,
  listOpenCommissions,
  listPaidCommissions,
  loadCommissionCard,
  loadFinanceSummary,
} from '../cabinet-queries';
import { cbButton, onCallback } from '../callbacks';
import type { MasterBotDeps, MasterContext } from '../context';
import type { MasterState } from '../master-queries';
import { mt, requisitesLines } from '../texts';
import { cabinetMaster } from './cabinet-guard';
import { payReportFeature } from './finance-pay';

const { buttons } = mt;
const t = mt.cabinet;

/** The buttons a blocked master needs (start.ts can show them under the blocked notice). */
export function blockedKeyboard(): InlineKeyboardMarkup {
  return inlineKeyboard([
    [cbButton(t.buttons.toFinance, 'financeView', {})],
    [cbButton(t.buttons.requisites, 'requisitesView', {})],
    [cbButton(buttons.knowledge, 'knowledgeView', {})],
  ]);
}

/** The commission card: status, amounts, deadline in the city's zone, the requisites snapshot. */
export async function commissionCardView(
  deps: MasterBotDeps,
  c: CommissionCard,
): Promise<{ text: string; markup: InlineKeyboardMarkup }> {
  const now = new Date();
  const lines = [t.finance.card(c, now)];
  if (c.status !== 'approved') {
    const { support_contact } = await deps.dispatch.settings.get();
    lines.push(t.finance.payTo, ...requisitesLines(c.payTo, support_contact), t.finance.payToNote);
  }
  const rows: InlineKeyboardButton[][] = [];
  if (c.status === 'wait_pay' || c.status === 'overdue') {
    rows.push([cbButton(t.buttons.paid, 'commissionPay', { commissionId: c.id })]);
  }
  rows.push([cbButton(buttons.back, 'financeView', {})], [cbButton(buttons.menu, 'masterMenu', {})]);
  return { text: lines.join('\n'), markup: inlineKeyboard(rows) };
}

/**
 * 💳 Финансы: a summary by status, unpaid commissions (5 per page, earliest deadline first),
 * the history of payments and a commission card with "💸 Я оплатил" (finance-pay.ts). Open to
 * blocked masters, who also see why they are blocked and how to get unblocked.
 */
export function financeFeature(bot: Telegraf<MasterContext>, deps: MasterBotDeps): void {
  async function renderOverview(ctx: MasterContext, master: MasterState, page: number): Promise<void> {
    const [summary, open] = await Promise.all([
      loadFinanceSummary(deps.db, master.id),
      listOpenCommissions(deps.db, master.id, page),
    ]);
    const now = new Date();
    const parts = [t.finance.title, ''];
    if (master.is_blocked) {
      const { support_contact } = await deps.dispatch.settings.get();
      parts.push(t.finance.blocked(master.blocked_reason, support_contact), '');
    }
    parts.push(t.finance.summary(summary), '');
    if (open.rows.length === 0) parts.push(t.finance.noOpen);
    else parts.push(t.finance.openTitle(page), '', open.rows.map((r) => t.finance.row(r, now)).join('\n\n'));
    const pager: InlineKeyboardButton[] = [];
    if (page > 0) pager.push(cbButton(buttons.prev, 'financePage', { page: page - 1 }));
    if (open.hasNext) pager.push(cbButton(buttons.next, 'financePage', { page: page + 1 }));
    await safeEdit(ctx, parts.join('\n'), {
      parse_mode: 'HTML',
      reply_markup: inlineKeyboard([
        ...open.rows.map((r) => [
          cbButton(t.buttons.commission(r.id), 'commissionCard', { commissionId: r.id }),
        ]),
        ...(pager.length > 0 ? [pager] : []),
        [
          cbButton(t.buttons.payHistory, 'financePaid', { page: 0 }),
          cbButton(t.buttons.requisites, 'requisitesView', {}),
        ],
        [cbButton(buttons.menu, 'masterMenu', {})],
      ]),
    });
  }

  bot.use(
    onCallback('financeView', async (ctx: MasterContext) => {
      const master = await cabinetMaster(ctx, deps);
      if (!master) return;
      await ctx.answerCbQuery();
      await renderOverview(ctx, master, 0);
    }),
  );

  bot.use(
    onCallback('financePage', async (ctx: MasterContext, { page }) => {
      const master = await cabinetMaster(ctx, deps);
      if (!master) return;
      await ctx.answerCbQuery();
      await renderOverview(ctx, master, page);
    }),
  );

  bot.use(
    onCallback('financePaid', async (ctx: MasterContext, { page }) => {
      const master = await cabinetMaster(ctx, deps);
      if (!master) return;
      await ctx.answerCbQuery();
      const paid = await listPaidCommissions(deps.db, master.id, page);
      const now = new Date();
      const pager: InlineKeyboardButton[] = [];
      if (page > 0) pager.push(cbButton(buttons.prev, 'financePaid', { page: page - 1 }));
      if (paid.hasNext) pager.push(cbButton(buttons.next, 'financePaid', { page: page + 1 }));
      const text =
        paid.rows.length === 0
          ? t.finance.paidEmpty
          : [t.finance.paidTitle(page), '', ...paid.rows.map((r) => t.finance.paidRow(r, now))].join('\n');
      await safeEdit(ctx, text, {
        parse_mode: 'HTML',
        reply_markup: inlineKeyboard([
          ...paid.rows.map((r) => [
            cbButton(t.buttons.commission(r.id), 'commissionCard', { commissionId: r.id }),
          ]),
          ...(pager.length > 0 ? [pager] : []),
          [cbButton(buttons.back, 'financeView', {})],
          [cbButton(buttons.menu, 'masterMenu', {})],
        ]),
      });
    }),
  );

  bot.use(
    onCallback('commissionCard', async (ctx: MasterContext, { commissionId }) => {
      const master = await cabinetMaster(ctx, deps);
      if (!master) return;
      const card = await loadCommissionCard(deps.db, master.id, commissionId);
      if (!card) {
        deps.logger.warn({ master_id: master.id, commission_id: commissionId }, 'commission card refused');
        await ctx.answerCbQuery(t.finance.notFound, { show_alert: true });
        return;
      }
      await ctx.answerCbQuery();
      const view = await commissionCardView(deps, card);
      await safeEdit(ctx, view.text, { parse_mode: 'HTML', reply_markup: view.markup });
    }),
  );

  payReportFeature(bot, deps);
}
