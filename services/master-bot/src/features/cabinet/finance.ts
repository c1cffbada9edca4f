import {
  listOpenCommissions,
  listPaidCommissions,
  loadFinanceSummary,
  loadMasterCommission,
  type MasterCommissionCard,
  type MasterCommissionRow,
  type MasterState,
} from '@fs/dispatch';
import { inlineKeyboard, safeEdit } from '@fs/telegram';
import { Composer } from 'telegraf';
import type { InlineKeyboardButton, InlineKeyboardMarkup } from 'telegraf/types';
import { cbButton } from '../../callbacks';
import type { MasterContext } from '../../context';
import { menuRow, pagerRow } from '../../keyboards/menu';
import { masterAction, masterPages, refuse } from '../../middlewares/guard';
import { mt, requisitesLines } from '../../texts';

/**
 * 💳 Финансы: a summary by status, unpaid commissions (5 per page, earliest deadline first),
 * the history of payments and a commission card with "💸 Я оплатил" (pay-report.wizard.ts).
 * Open to blocked masters, who also see why they are blocked and how to get unblocked.
 */
export const finance = new Composer<MasterContext>();

const { buttons } = mt;
const t = mt.cabinet;

finance.use(
  masterPages('financeView', 'financePage', 'registered', { page: 0 }, (ctx, { page }, master) =>
    renderOverview(ctx, master, page),
  ),
);

finance.use(
  masterAction('financePaid', 'registered', async (ctx, { page }, master) => {
    await ctx.answerCbQuery();
    const paid = await listPaidCommissions(ctx.deps.db, master.id, page);
    const now = ctx.deps.now();
    const text =
      paid.rows.length === 0
        ? t.finance.paidEmpty
        : [t.finance.paidTitle(page), '', ...paid.rows.map((r) => t.finance.paidRow(r, now))].join('\n');
    await safeEdit(ctx, text, {
      parse_mode: 'HTML',
      reply_markup: inlineKeyboard([
        ...commissionRows(paid.rows),
        ...pagerRow(page, paid.hasNext, (p) =>
          cbButton(p < page ? buttons.prev : buttons.next, 'financePaid', { page: p }),
        ),
        [cbButton(buttons.back, 'financeView', {})],
        menuRow(),
      ]),
    });
  }),
);

finance.use(
  masterAction('commissionCard', 'registered', async (ctx, { commissionId }, master) => {
    const card = await ownCommission(ctx, master, commissionId, 'commission card refused');
    if (!card) return;
    await ctx.answerCbQuery();
    const view = await commissionCardView(ctx, card);
    await safeEdit(ctx, view.text, { parse_mode: 'HTML', reply_markup: view.markup });
  }),
);

/** The master's own commission, or undefined after refusing the button (`why` is logged). */
export async function ownCommission(
  ctx: MasterContext,
  master: MasterState,
  commissionId: number,
  why: string,
) {
  const card = await loadMasterCommission(ctx.deps.db, master.id, commissionId);
  if (!card) await refuse(ctx, t.finance.notFound, { commission_id: commissionId }, why);
  return card;
}

const commissionRows = (rows: readonly MasterCommissionRow[]): InlineKeyboardButton[][] =>
  rows.map((r) => [cbButton(t.buttons.commission(r.id), 'commissionCard', { commissionId: r.id })]);

async function renderOverview(ctx: MasterContext, master: MasterState, page: number): Promise<void> {
  const [summary, open] = await Promise.all([
    loadFinanceSummary(ctx.deps.db, master.id),
    listOpenCommissions(ctx.deps.db, master.id, page),
  ]);
  const now = ctx.deps.now();
  const parts = [t.finance.title, ''];
  if (master.is_blocked) {
    const { support_contact } = await ctx.deps.dispatch.settings.get();
    parts.push(t.finance.blocked(master.blocked_reason, support_contact), '');
  }
  parts.push(t.finance.summary(summary), '');
  if (open.rows.length === 0) parts.push(t.finance.noOpen);
  else parts.push(t.finance.openTitle(page), '', open.rows.map((r) => t.finance.row(r, now)).join('\n\n'));
  await safeEdit(ctx, parts.join('\n'), {
    parse_mode: 'HTML',
    reply_markup: inlineKeyboard([
      ...commissionRows(open.rows),
      ...pagerRow(page, open.hasNext, (p) =>
        cbButton(p < page ? buttons.prev : buttons.next, 'financePage', { page: p }),
      ),
      [
        cbButton(t.buttons.payHistory, 'financePaid', { page: 0 }),
        cbButton(t.buttons.requisites, 'requisitesView', {}),
      ],
      menuRow(),
    ]),
  });
}

/** The commission card: status, amounts, deadline in the city's zone, the requisites snapshot. */
async function commissionCardView(
  ctx: MasterContext,
  c: MasterCommissionCard,
): Promise<{ text: string; markup: InlineKeyboardMarkup }> {
  const now = ctx.deps.now();
  const lines = [t.finance.card(c, now)];
  if (c.status !== 'approved') {
    const { support_contact } = await ctx.deps.dispatch.settings.get();
    lines.push(t.finance.payTo, ...requisitesLines(c.payTo, support_contact), t.finance.payToNote);
  }
  const rows: InlineKeyboardButton[][] = [];
  if (c.status === 'wait_pay' || c.status === 'overdue') {
    rows.push([cbButton(t.buttons.paid, 'commissionPay', { commissionId: c.id })]);
  }
  rows.push([cbButton(buttons.back, 'financeView', {})], menuRow());
  return { text: lines.join('\n'), markup: inlineKeyboard(rows) };
}
