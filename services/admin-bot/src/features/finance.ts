import {
  APPROVABLE_STATUSES,
  approveCommission,
  loadOwnerRequisites,
  parseRequisiteInput,
  parseStaffReason,
  REJECTABLE_STATUSES,
  type RequisiteField,
  rejectCommission,
  updateOwnerRequisite,
} from '@fs/dispatch';
import { inlineKeyboard } from '@fs/telegram';
import type { Telegraf } from 'telegraf';
import type { InlineKeyboardButton } from 'telegraf/types';
import { cbButton } from '../callbacks';
import type { AdminBotDeps, AdminContext } from '../context';
import { sendStoredFiles } from '../files';
import {
  type CommissionCard,
  type CommissionGroup,
  commissionReceipts,
  GROUP_STATUSES,
  groupCounts,
  listBalances,
  listCommissions,
  loadCommissionCard,
  periodBounds,
  periodCounts,
} from '../finance-queries';
import { formatDateTime } from '../reports/local-time';
import { can, inScope } from '../scope';
import type { StaffMember } from '../staff';
import { texts } from '../texts';
import { actorOf, answerRefusal, messageText, ownWizard, pagerRow, T } from './masters-common';
import { menuRow, staffAction } from './menu';
import { show, staffTimezone } from './ops-common';
import { clearWizard, setWizard } from './wizard-session';

/**
 * Finance: commissions by status and creation period, the commission card with receipts,
 * approve / reject, per-master balances, and the owner's requisites (global admins).
 */

const GROUPS: readonly CommissionGroup[] = ['reported', 'due', 'overdue', 'approved'];
const PERIODS = ['today', 'yesterday', 'week', 'month', 'older'] as const;
const REQUISITE_FIELDS: readonly RequisiteField[] = [
  'card_number',
  'card_holder',
  'bank',
  'sbp_phone',
  'sbp_bank',
  'account',
  'other',
  'comment',
];
const KINDS = ['commissionReject', 'requisite'] as const;

const groupOf = (status: CommissionCard['status']): CommissionGroup =>
  GROUPS.find((g) => GROUP_STATUSES[g].includes(status)) ?? 'due';

const isGlobal = (staff: StaffMember) => staff.role === 'global_admin';

async function showFinanceMenu(ctx: AdminContext, deps: AdminBotDeps, staff: StaffMember) {
  const counts = await groupCounts(deps.db, staff);
  const rows: InlineKeyboardButton[][] = [
    [
      cbButton(T.buttons.group(T.groupLabel.reported, counts.reported), 'financeGroup', {
        group: 'reported',
      }),
      cbButton(T.buttons.group(T.groupLabel.due, counts.due), 'financeGroup', { group: 'due' }),
    ],
    [
      cbButton(T.buttons.group(T.groupLabel.overdue, counts.overdue), 'financeGroup', { group: 'overdue' }),
      cbButton(T.buttons.group(T.groupLabel.approved, counts.approved), 'financeGroup', {
        group: 'approved',
      }),
    ],
    [cbButton(T.buttons.balances, 'financeBalances', { page: 0 })],
  ];
  if (isGlobal(staff)) rows.push([cbButton(T.buttons.requisites, 'ownerRequisitesView', {})]);
  rows.push(menuRow());
  await show(ctx, T.financeTitle, inlineKeyboard(rows));
}

async function showGroup(ctx: AdminContext, deps: AdminBotDeps, staff: StaffMember, group: CommissionGroup) {
  const tz = await staffTimezone(deps.db, staff);
  const counts = await periodCounts(deps.db, staff, group, periodBounds(new Date(), tz));
  const total = PERIODS.reduce((s, p) => s + counts[p], 0);
  const rows: InlineKeyboardButton[][] = PERIODS.map((period) => [
    cbButton(T.buttons.period(T.periodLabel[period], counts[period]), 'financeList', {
      group,
      period,
      page: 0,
    }),
  ]);
  rows.push([cbButton(T.buttons.backToFinance, 'financeMenu', {}), ...menuRow()]);
  await show(ctx, T.groupTitle(T.groupLabel[group], total), inlineKeyboard(rows));
}

function cardKeyboard(c: CommissionCard) {
  const B = T.buttons;
  const rows: InlineKeyboardButton[][] = [];
  if (c.receipts > 0)
    rows.push([cbButton(B.receipts(c.receipts), 'commissionReceipts', { commissionId: c.id })]);
  const actions: InlineKeyboardButton[] = [];
  if ((APPROVABLE_STATUSES as readonly string[]).includes(c.status)) {
    actions.push(cbButton(B.approvePayment, 'commissionApprove', { commissionId: c.id }));
  }
  if ((REJECTABLE_STATUSES as readonly string[]).includes(c.status)) {
    actions.push(cbButton(B.rejectPayment, 'commissionReject', { commissionId: c.id }));
  }
  if (actions.length > 0) rows.push(actions);
  rows.push([cbButton(B.openMaster, 'adminMasterOpen', { masterId: c.master_id })]);
  rows.push([cbButton(B.backToGroup, 'financeGroup', { group: groupOf(c.status) }), ...menuRow()]);
  return inlineKeyboard(rows);
}

function cardText(c: CommissionCard): string {
  const at = (d: Date | null) => (d ? formatDateTime(d, c.timezone) : null);
  return T.commissionCard({
    ...c,
    ratePct: Math.round(Number(c.rate) * 100),
    deadline: formatDateTime(c.deadline_at, c.timezone),
    created: formatDateTime(c.created_at, c.timezone),
    reported: at(c.reported_at),
    approved: at(c.approved_at),
  });
}

/** Loads the commission and checks the staff member's city; answers the refusal itself. */
async function commissionFor(
  ctx: AdminContext,
  deps: AdminBotDeps,
  staff: StaffMember,
  commissionId: number,
): Promise<CommissionCard | undefined> {
  const c = await loadCommissionCard(deps.db, commissionId);
  if (!c || !inScope(staff, c.city_id)) {
    const text = c ? texts.notInScope : texts.notFound;
    if (ctx.callbackQuery) await ctx.answerCbQuery(text, { show_alert: true });
    else await ctx.reply(text);
    return undefined;
  }
  return c;
}

async function showCommission(
  ctx: AdminContext,
  deps: AdminBotDeps,
  staff: StaffMember,
  commissionId: number,
  toast?: string,
): Promise<void> {
  const c = await commissionFor(ctx, deps, staff, commissionId);
  if (!c) return;
  if (ctx.callbackQuery) await ctx.answerCbQuery(toast);
  await show(ctx, cardText(c), cardKeyboard(c));
}

async function showRequisites(ctx: AdminContext, deps: AdminBotDeps) {
  const values = await loadOwnerRequisites(deps.db);
  const rows: InlineKeyboardButton[][] = [];
  for (let i = 0; i < REQUISITE_FIELDS.length; i += 2) {
    rows.push(
      REQUISITE_FIELDS.slice(i, i + 2).map((field) =>
        cbButton(T.requisiteLabel[field], 'ownerRequisitesEdit', { field }),
      ),
    );
  }
  rows.push([cbButton(T.buttons.backToFinance, 'financeMenu', {}), ...menuRow()]);
  await show(ctx, T.requisitesTitle(values), inlineKeyboard(rows));
}

export function financeFeature(bot: Telegraf<AdminContext>, deps: AdminBotDeps): void {
  bot.use(
    staffAction('financeMenu', 'finance', async (ctx, _args, staff) => {
      if (ctx.session?.wizard && (KINDS as readonly string[]).includes(ctx.session.wizard.kind))
        clearWizard(ctx);
      await ctx.answerCbQuery();
      await showFinanceMenu(ctx, deps, staff);
    }),
  );
  bot.use(
    staffAction('financeGroup', 'finance', async (ctx, { group }, staff) => {
      await ctx.answerCbQuery();
      await showGroup(ctx, deps, staff, group);
    }),
  );
  bot.use(
    staffAction('financeList', 'finance', async (ctx, { group, period, page }, staff) => {
      const tz = await staffTimezone(deps.db, staff);
      const list = await listCommissions(deps.db, staff, group, periodBounds(new Date(), tz)[period], page);
      const rows: InlineKeyboardButton[][] = list.rows.map((r) => [
        cbButton(T.buttons.commission(r.id, r.amount_kopecks, r.master_name || '—'), 'adminCommissionOpen', {
          commissionId: r.id,
        }),
      ]);
      const pager = pagerRow(list.page, list.pages, 'financeList', (p) => ({ group, period, page: p }));
      if (pager.length > 0) rows.push(pager);
      rows.push([cbButton(T.buttons.backToGroup, 'financeGroup', { group }), ...menuRow()]);
      const body =
        list.rows.length > 0
          ? list.rows
              .map((r) => T.commissionRow({ ...r, deadline: formatDateTime(r.deadline_at, tz) }))
              .join('\n')
          : T.commissionsEmpty;
      await ctx.answerCbQuery();
      await show(
        ctx,
        `${T.listTitleFinance(T.groupLabel[group], T.periodLabel[period], list.total, list.page, list.pages)}\n\n${body}`,
        inlineKeyboard(rows),
      );
    }),
  );
  bot.use(
    staffAction('adminCommissionOpen', 'finance', (ctx, { commissionId }, staff) => {
      if (ctx.session?.wizard?.kind === 'commissionReject') clearWizard(ctx);
      return showCommission(ctx, deps, staff, commissionId);
    }),
  );
  bot.use(
    staffAction('commissionReceipts', 'finance', async (ctx, { commissionId }, staff) => {
      const c = await commissionFor(ctx, deps, staff, commissionId);
      if (!c) return;
      const files = await commissionReceipts(deps.db, commissionId);
      if (files.length === 0) return void (await ctx.answerCbQuery(T.noReceipts));
      await ctx.answerCbQuery();
      const { sent, failed } = await sendStoredFiles(ctx, deps, files, (i) =>
        T.receiptCaption(commissionId, i + 1),
      );
      await ctx.reply(T.receiptsSent(sent, failed), {
        reply_markup: inlineKeyboard([
          [cbButton(T.buttons.backToCard, 'adminCommissionOpen', { commissionId })],
        ]),
      });
    }),
  );
  bot.use(
    staffAction('commissionApprove', 'finance', async (ctx, { commissionId }, staff) => {
      const c = await commissionFor(ctx, deps, staff, commissionId);
      if (!c) return;
      if (!(APPROVABLE_STATUSES as readonly string[]).includes(c.status)) {
        return void (await ctx.answerCbQuery(T.commissionWrongState));
      }
      await ctx.answerCbQuery();
      await show(
        ctx,
        T.confirmApprove(c.id, c.amount_kopecks),
        inlineKeyboard([
          [
            cbButton(T.buttons.confirmApprove(c.amount_kopecks), 'commissionApproveConfirm', {
              commissionId,
            }),
          ],
          [cbButton(texts.buttons.back, 'adminCommissionOpen', { commissionId })],
        ]),
      );
    }),
  );
  bot.use(
    staffAction('commissionApproveConfirm', 'finance', async (ctx, { commissionId }, staff) => {
      const r = await approveCommission(deps.dispatch, actorOf(staff), commissionId);
      if (r.kind !== 'ok') return answerRefusal(ctx, r.kind, T.commissionWrongState);
      await showCommission(
        ctx,
        deps,
        staff,
        commissionId,
        T.commissionApproved({
          paidKopecks: r.paidKopecks,
          rewards: r.rewards.length,
          unblocked: r.unblocked,
        }),
      );
    }),
  );
  bot.use(
    staffAction('commissionReject', 'finance', async (ctx, { commissionId }, staff) => {
      const c = await commissionFor(ctx, deps, staff, commissionId);
      if (!c) return;
      if (!(REJECTABLE_STATUSES as readonly string[]).includes(c.status)) {
        return void (await ctx.answerCbQuery(T.commissionWrongState));
      }
      setWizard(ctx, { kind: 'commissionReject', step: 'reason', data: { commissionId } });
      await ctx.answerCbQuery();
      await show(
        ctx,
        T.askCommissionReject(commissionId),
        inlineKeyboard([[cbButton(T.buttons.cancel, 'adminCommissionOpen', { commissionId })]]),
      );
    }),
  );
  bot.use(
    staffAction('financeBalances', 'finance', async (ctx, { page }, staff) => {
      const list = await listBalances(deps.db, staff, page);
      const rows: InlineKeyboardButton[][] = list.rows.map((r) => [
        cbButton(T.buttons.open(r.master_id, r.master_name || '—'), 'adminMasterOpen', {
          masterId: r.master_id,
        }),
      ]);
      const pager = pagerRow(list.page, list.pages, 'financeBalances', (p) => ({ page: p }));
      if (pager.length > 0) rows.push(pager);
      rows.push([cbButton(T.buttons.backToFinance, 'financeMenu', {}), ...menuRow()]);
      const body = list.rows.length > 0 ? list.rows.map(T.balanceRow).join('\n') : T.balancesEmpty;
      await ctx.answerCbQuery();
      await show(
        ctx,
        `${T.balancesTitle(list.total, list.page, list.pages)}\n\n${body}`,
        inlineKeyboard(rows),
      );
    }),
  );

  // Owner requisites: global admins only.
  bot.use(
    staffAction('ownerRequisitesView', 'finance', async (ctx, _args, staff) => {
      if (!isGlobal(staff)) return void (await ctx.answerCbQuery(T.onlyGlobal, { show_alert: true }));
      if (ctx.session?.wizard?.kind === 'requisite') clearWizard(ctx);
      await ctx.answerCbQuery();
      await showRequisites(ctx, deps);
    }),
  );
  bot.use(
    staffAction('ownerRequisitesEdit', 'finance', async (ctx, { field }, staff) => {
      if (!isGlobal(staff)) return void (await ctx.answerCbQuery(T.onlyGlobal, { show_alert: true }));
      const values = await loadOwnerRequisites(deps.db);
      setWizard(ctx, { kind: 'requisite', step: 'value', data: { field } });
      await ctx.answerCbQuery();
      await show(
        ctx,
        T.askRequisite(field, values[field]),
        inlineKeyboard([[cbButton(T.buttons.cancel, 'ownerRequisitesView', {})]]),
      );
    }),
  );

  bot.on('message', async (ctx, next) => {
    const w = ownWizard(ctx, KINDS);
    if (!w) return next();
    if (w === 'expired') return void (await ctx.reply(texts.sessionExpired));
    const staff = ctx.staff!;
    const text = messageText(ctx);
    if (text?.startsWith('/')) return next();
    if (text === undefined) return void (await ctx.reply(T.textExpected));

    if (w.kind === 'commissionReject') {
      const commissionId = w.data.commissionId as number;
      if (!can(staff, 'finance')) {
        clearWizard(ctx);
        return void (await ctx.reply(texts.noRight));
      }
      const reason = parseStaffReason(text);
      if (!reason.ok)
        return void (await ctx.reply(reason.error === 'too_short' ? T.reasonTooShort : T.reasonTooLong));
      const r = await rejectCommission(deps.dispatch, actorOf(staff), commissionId, reason.text);
      clearWizard(ctx);
      if (r.kind !== 'ok') await answerRefusal(ctx, r.kind, T.commissionWrongState);
      else await ctx.reply(T.commissionRejected(r.status));
      return showCommission(ctx, deps, staff, commissionId);
    }

    // requisite
    if (!isGlobal(staff)) {
      clearWizard(ctx);
      return void (await ctx.reply(T.onlyGlobal));
    }
    const field = w.data.field as RequisiteField;
    const parsed = parseRequisiteInput(field, text);
    if (!parsed.ok) return void (await ctx.reply(T.requisiteError[parsed.error]));
    await updateOwnerRequisite(deps.dispatch, staff.id, field, parsed.value);
    clearWizard(ctx);
    await ctx.reply(T.requisiteSaved(field));
    await showRequisites(ctx, deps);
  });
}
