import {
  APPROVABLE_STATUSES,
  approveCommission,
  loadOwnerRequisites,
  parseRequisiteInput,
  parseStaffReason,
  REJECTABLE_STATUSES,
  REQUISITE_FIELDS,
  rejectCommission,
  updateOwnerRequisite,
} from '@fs/dispatch';
import { defineWizard, inlineKeyboard } from '@fs/telegram';
import { Composer } from 'telegraf';
import type { InlineKeyboardButton } from 'telegraf/types';
import { z } from 'zod';
import { cbButton } from '../callbacks';
import { COMMISSION_GROUPS, COMMISSION_PERIODS } from '../callbacks/masters';
import type { AdminContext } from '../context';
import { sendStoredFiles } from '../files';
import { menuRow, pagerRow } from '../keyboards/menu';
import { capable, staffAction, staffScreen, wizardInput } from '../middlewares/guard';
import { staffTimezone } from '../queries/cities';
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
} from '../queries/finance';
import type { StaffMember } from '../queries/staff';
import { scopedOrRefuse, show } from '../render';
import { formatDateTime } from '../reports/local-time';
import { actorOf, isGlobal } from '../scope';
import { texts } from '../texts';
import { answerRefusal, T } from './masters/common';

/**
 * Finance: commissions by status and creation period, the commission card with receipts,
 * approve / reject, per-master balances, and the owner's requisites (global admins).
 */
export const finance = new Composer<AdminContext>();

/** ❌ Отклонить оплату: the reason. */
const rejectWizard = defineWizard('commissionReject', z.object({ commissionId: z.number().int() }));
/** An owner requisite's new value (global admins). */
const requisiteWizard = defineWizard('requisite', z.object({ field: z.enum(REQUISITE_FIELDS) }));

const groupOf = (status: CommissionCard['status']): CommissionGroup =>
  COMMISSION_GROUPS.find((g) => GROUP_STATUSES[g].includes(status)) ?? 'due';

async function showFinanceMenu(ctx: AdminContext, staff: StaffMember) {
  const counts = await groupCounts(ctx.deps.db, staff);
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

async function showGroup(ctx: AdminContext, staff: StaffMember, group: CommissionGroup) {
  const tz = await staffTimezone(ctx.deps.db, staff);
  const counts = await periodCounts(ctx.deps.db, staff, group, periodBounds(ctx.deps.now(), tz));
  const total = COMMISSION_PERIODS.reduce((s, p) => s + counts[p], 0);
  const rows: InlineKeyboardButton[][] = COMMISSION_PERIODS.map((period) => [
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

/** The commission when it is in scope and in one of `statuses`; otherwise the refusal is answered. */
async function commissionIn(
  ctx: AdminContext,
  staff: StaffMember,
  commissionId: number,
  statuses: readonly string[],
): Promise<CommissionCard | undefined> {
  const c = await commissionFor(ctx, staff, commissionId);
  if (c && !statuses.includes(c.status)) {
    await ctx.answerCbQuery(T.commissionWrongState);
    return undefined;
  }
  return c;
}

/** Loads the commission and checks the staff member's city; answers the refusal itself. */
async function commissionFor(
  ctx: AdminContext,
  staff: StaffMember,
  commissionId: number,
): Promise<CommissionCard | undefined> {
  const c = await scopedOrRefuse(ctx, staff, await loadCommissionCard(ctx.deps.db, commissionId));
  if (!c) return undefined;
  return c;
}

async function showCommission(
  ctx: AdminContext,
  staff: StaffMember,
  commissionId: number,
  toast?: string,
): Promise<void> {
  const c = await commissionFor(ctx, staff, commissionId);
  if (!c) return;
  if (ctx.callbackQuery) await ctx.answerCbQuery(toast);
  await show(ctx, cardText(c), cardKeyboard(c));
}

async function showRequisites(ctx: AdminContext) {
  const values = await loadOwnerRequisites(ctx.deps.db);
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

finance.use(
  staffAction('financeMenu', 'finance', async (ctx, _args, staff) => {
    if (ctx.wizard.kind === rejectWizard.kind || ctx.wizard.kind === requisiteWizard.kind) ctx.wizard.clear();
    await ctx.answerCbQuery();
    await showFinanceMenu(ctx, staff);
  }),
);
finance.use(staffScreen('financeGroup', 'finance', (ctx, { group }, staff) => showGroup(ctx, staff, group)));
finance.use(
  staffAction('financeList', 'finance', async (ctx, { group, period, page }, staff) => {
    const tz = await staffTimezone(ctx.deps.db, staff);
    const list = await listCommissions(
      ctx.deps.db,
      staff,
      group,
      periodBounds(ctx.deps.now(), tz)[period],
      page,
    );
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
    const title = T.listTitleFinance(
      T.groupLabel[group],
      T.periodLabel[period],
      list.total,
      list.page,
      list.pages,
    );
    await ctx.answerCbQuery();
    await show(ctx, `${title}\n\n${body}`, inlineKeyboard(rows));
  }),
);
finance.use(
  staffAction('adminCommissionOpen', 'finance', (ctx, { commissionId }, staff) => {
    if (ctx.wizard.kind === rejectWizard.kind) ctx.wizard.clear();
    return showCommission(ctx, staff, commissionId);
  }),
);
finance.use(
  staffAction('commissionReceipts', 'finance', async (ctx, { commissionId }, staff) => {
    const c = await commissionFor(ctx, staff, commissionId);
    if (!c) return;
    const files = await commissionReceipts(ctx.deps.db, commissionId);
    if (files.length === 0) return void (await ctx.answerCbQuery(T.noReceipts));
    await ctx.answerCbQuery();
    const { sent, failed } = await sendStoredFiles(ctx, ctx.deps, files, (i) =>
      T.receiptCaption(commissionId, i + 1),
    );
    await ctx.reply(T.receiptsSent(sent, failed), {
      reply_markup: inlineKeyboard([
        [cbButton(T.buttons.backToCard, 'adminCommissionOpen', { commissionId })],
      ]),
    });
  }),
);
finance.use(
  staffAction('commissionApprove', 'finance', async (ctx, { commissionId }, staff) => {
    const c = await commissionIn(ctx, staff, commissionId, APPROVABLE_STATUSES);
    if (!c) return;
    await ctx.answerCbQuery();
    await show(
      ctx,
      T.confirmApprove(c.id, c.amount_kopecks),
      inlineKeyboard([
        [cbButton(T.buttons.confirmApprove(c.amount_kopecks), 'commissionApproveConfirm', { commissionId })],
        [cbButton(texts.buttons.back, 'adminCommissionOpen', { commissionId })],
      ]),
    );
  }),
);
finance.use(
  staffAction('commissionApproveConfirm', 'finance', async (ctx, { commissionId }, staff) => {
    const r = await approveCommission(ctx.deps.dispatch, actorOf(staff), commissionId);
    if (r.kind !== 'ok') return answerRefusal(ctx, r.kind, T.commissionWrongState);
    const toast = T.commissionApproved({
      paidKopecks: r.paidKopecks,
      rewards: r.rewards.length,
      unblocked: r.unblocked,
    });
    await showCommission(ctx, staff, commissionId, toast);
  }),
);
finance.use(
  staffAction('commissionReject', 'finance', async (ctx, { commissionId }, staff) => {
    if (!(await commissionIn(ctx, staff, commissionId, REJECTABLE_STATUSES))) return;
    ctx.wizard.set(rejectWizard, { commissionId });
    await ctx.answerCbQuery();
    await show(
      ctx,
      T.askCommissionReject(commissionId),
      inlineKeyboard([[cbButton(T.buttons.cancel, 'adminCommissionOpen', { commissionId })]]),
    );
  }),
);
finance.use(
  wizardInput(rejectWizard, capable('finance'), async (ctx, { commissionId }, text, staff) => {
    if (text === undefined) return void (await ctx.reply(T.textExpected));
    const reason = parseStaffReason(text);
    if (!reason.ok)
      return void (await ctx.reply(reason.error === 'too_short' ? T.reasonTooShort : T.reasonTooLong));
    const r = await rejectCommission(ctx.deps.dispatch, actorOf(staff), commissionId, reason.text);
    ctx.wizard.clear();
    if (r.kind !== 'ok') await answerRefusal(ctx, r.kind, T.commissionWrongState);
    else await ctx.reply(T.commissionRejected(r.status));
    await showCommission(ctx, staff, commissionId);
  }),
);
finance.use(
  staffAction('financeBalances', 'finance', async (ctx, { page }, staff) => {
    const list = await listBalances(ctx.deps.db, staff, page);
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
    await show(ctx, `${T.balancesTitle(list.total, list.page, list.pages)}\n\n${body}`, inlineKeyboard(rows));
  }),
);

// Owner requisites: global admins only.
finance.use(
  staffAction('ownerRequisitesView', 'finance', async (ctx, _args, staff) => {
    if (!isGlobal(staff)) return void (await ctx.answerCbQuery(T.onlyGlobal, { show_alert: true }));
    if (ctx.wizard.kind === requisiteWizard.kind) ctx.wizard.clear();
    await ctx.answerCbQuery();
    await showRequisites(ctx);
  }),
);
finance.use(
  staffAction('ownerRequisitesEdit', 'finance', async (ctx, { field }, staff) => {
    if (!isGlobal(staff)) return void (await ctx.answerCbQuery(T.onlyGlobal, { show_alert: true }));
    const values = await loadOwnerRequisites(ctx.deps.db);
    ctx.wizard.set(requisiteWizard, { field });
    await ctx.answerCbQuery();
    await show(
      ctx,
      T.askRequisite(field, values[field]),
      inlineKeyboard([[cbButton(T.buttons.cancel, 'ownerRequisitesView', {})]]),
    );
  }),
);
finance.use(
  wizardInput(
    requisiteWizard,
    (staff) => isGlobal(staff),
    async (ctx, { field }, text, staff) => {
      if (text === undefined) return void (await ctx.reply(T.textExpected));
      const parsed = parseRequisiteInput(field, text);
      if (!parsed.ok) return void (await ctx.reply(T.requisiteError[parsed.error]));
      await updateOwnerRequisite(ctx.deps.dispatch, staff.id, field, parsed.value);
      ctx.wizard.clear();
      await ctx.reply(T.requisiteSaved(field));
      await showRequisites(ctx);
    },
    T.onlyGlobal,
  ),
);
