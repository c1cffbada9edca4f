import { STAFF_ROLES } from '@fs/domain';
import { defineWizard, inlineKeyboard } from '@fs/telegram';
import { Composer } from 'telegraf';
import type { InlineKeyboardButton } from 'telegraf/types';
import { z } from 'zod';
import { cbButton } from '../callbacks';
import { STAFF_WIZARD_MODES } from '../callbacks/masters';
import type { AdminContext } from '../context';
import { menuRow, pagerRow, pairs } from '../keyboards/menu';
import { answerClosedWizard, staffAction, wizardInput } from '../middlewares/guard';
import { cityPage, staffTimezone } from '../queries/cities';
import type { StaffMember } from '../queries/staff';
import {
  addStaff,
  cityNames,
  issueAccessCode,
  listActiveCodes,
  listStaff,
  loadStaff,
  parseStaffIdentity,
  revokeAccessCode,
  setStaffActive,
} from '../queries/staff-admin';
import { show } from '../render';
import { formatDateTime } from '../reports/local-time';
import { texts } from '../texts';
import { T } from './masters/common';

/**
 * Staff and access (global admins): one-time access codes for a role and cities (shown with a
 * t.me deep link), adding staff by Telegram id or @username, the staff list with
 * deactivate / reactivate, and revoking unused codes.
 */

export const staff = new Composer<AdminContext>();

/** 🔑 Выдать код / ➕ Добавить: the role, the cities, then (adding) who. */
const accessSchema = z.object({
  step: z.enum(['cities', 'user']),
  mode: z.enum(STAFF_WIZARD_MODES),
  role: z.enum(STAFF_ROLES),
  cityIds: z.array(z.number().int()),
});
type Access = z.infer<typeof accessSchema>;
const accessWizard = defineWizard('staffAccess', accessSchema);

/** The wizard while cities are being picked. */
function citiesStep(ctx: AdminContext): Access | undefined {
  const w = ctx.wizard.get(accessWizard);
  return w && w !== 'expired' && w.step === 'cities' ? w : undefined;
}

staff.use(
  staffAction('staffMenu', 'staff', async (ctx) => {
    if (ctx.wizard.kind === accessWizard.kind) ctx.wizard.clear();
    await ctx.answerCbQuery();
    await showStaffMenu(ctx);
  }),
);
staff.use(
  staffAction('staffRolePick', 'staff', async (ctx, { mode }) => {
    await ctx.answerCbQuery();
    const rows = STAFF_ROLES.map((role) => [cbButton(T.roleLabel[role], 'staffRoleSet', { mode, role })]);
    rows.push([cbButton(T.buttons.cancel, 'staffMenu', {})]);
    await show(ctx, T.pickRole(mode), inlineKeyboard(rows));
  }),
);
staff.use(
  staffAction('staffRoleSet', 'staff', async (ctx, { mode, role }, me) => {
    const w: Access = { step: 'cities', mode, role, cityIds: [] };
    ctx.wizard.set(accessWizard, w);
    await ctx.answerCbQuery();
    if (role === 'global_admin') return finishSelection(ctx, me, w);
    await showCityPicker(ctx, me, w, 0);
  }),
);
staff.use(
  staffAction('staffCitiesPage', 'staff', async (ctx, { page }, me) => {
    const w = citiesStep(ctx);
    if (!w) return answerClosedWizard(ctx, accessWizard);
    await ctx.answerCbQuery();
    await showCityPicker(ctx, me, w, page);
  }),
);
staff.use(
  staffAction('staffCityToggle', 'staff', async (ctx, { cityId, page }, me) => {
    const w = citiesStep(ctx);
    if (!w) return answerClosedWizard(ctx, accessWizard);
    if ((await cityNames(ctx.deps.db, [cityId])).length === 0) {
      return void (await ctx.answerCbQuery(texts.notFound, { show_alert: true }));
    }
    const selected = new Set(w.cityIds);
    if (selected.has(cityId)) selected.delete(cityId);
    else selected.add(cityId);
    const next: Access = { ...w, cityIds: [...selected] };
    ctx.wizard.set(accessWizard, next);
    await ctx.answerCbQuery();
    await showCityPicker(ctx, me, next, page);
  }),
);
staff.use(
  staffAction('staffCitiesDone', 'staff', async (ctx, _args, me) => {
    const w = citiesStep(ctx);
    if (!w) return answerClosedWizard(ctx, accessWizard);
    if (w.cityIds.length === 0) return void (await ctx.answerCbQuery(T.citiesRequired, { show_alert: true }));
    await ctx.answerCbQuery();
    await finishSelection(ctx, me, w);
  }),
);

// "Who to add": a Telegram id or @username.
staff.use(
  wizardInput(
    accessWizard,
    (me) => me.role === 'global_admin',
    async (ctx, w, text, me) => {
      if (w.step !== 'user') return void (await ctx.reply(T.useButtonsHere));
      const who = text === undefined ? undefined : parseStaffIdentity(text);
      if (!who) return void (await ctx.reply(T.badStaffUser));
      const added = await addStaff(ctx.deps.db, { staffId: me.id, who, role: w.role, cityIds: w.cityIds });
      if (added === 'exists') return void (await ctx.reply(T.staffExists));
      ctx.wizard.clear();
      const label = 'tgUserId' in who ? String(who.tgUserId) : `@${who.username}`;
      const expires = added.inviteExpiresAt
        ? formatDateTime(added.inviteExpiresAt, await staffTimezone(ctx.deps.db, me))
        : null;
      await ctx.reply(T.staffAdded(label, w.role, await cityNames(ctx.deps.db, w.cityIds), expires), {
        parse_mode: 'HTML',
      });
      await showStaffMenu(ctx);
    },
  ),
);

// ── Staff list and card ───────────────────────────────────────────────────────────────
staff.use(
  staffAction('staffList', 'staff', async (ctx, { page }) => {
    const list = await listStaff(ctx.deps.db, page);
    const rows: InlineKeyboardButton[][] = list.rows.map((s) => [
      cbButton(
        T.buttons.staffRow(
          s.is_active,
          `${s.full_name || (s.username ? `@${s.username}` : `#${s.id}`)} · ${T.roleLabel[s.role]}`,
        ),
        'staffCard',
        { staffId: s.id },
      ),
    ]);
    const pager = pagerRow(list.page, list.pages, 'staffList', (p) => ({ page: p }));
    if (pager.length > 0) rows.push(pager);
    rows.push([cbButton(T.buttons.backToStaff, 'staffMenu', {}), ...menuRow()]);
    await ctx.answerCbQuery();
    const body = list.rows.map(T.staffListRow).join('\n');
    await show(
      ctx,
      `${T.staffListTitle(list.total, list.page, list.pages)}\n\n${body}`,
      inlineKeyboard(rows),
    );
  }),
);
staff.use(staffAction('staffCard', 'staff', (ctx, { staffId }, me) => showCard(ctx, me, staffId)));
staff.use(
  staffAction('staffDeactivate', 'staff', (ctx, { staffId }, me) => setActive(ctx, me, staffId, false)),
);
staff.use(staffAction('staffActivate', 'staff', (ctx, { staffId }, me) => setActive(ctx, me, staffId, true)));

// ── Access codes ──────────────────────────────────────────────────────────────────────
staff.use(staffAction('staffCodes', 'staff', (ctx, { page }, me) => showCodes(ctx, me, page)));
staff.use(
  staffAction('staffCodeRevoke', 'staff', async (ctx, { codeId }, me) => {
    const revoked = await revokeAccessCode(ctx.deps.db, { actorId: me.id, codeId });
    await showCodes(ctx, me, 0, revoked ? T.codeRevoked : T.codeNotActive);
  }),
);

async function showStaffMenu(ctx: AdminContext) {
  const B = T.buttons;
  await show(
    ctx,
    T.staffTitle,
    inlineKeyboard([
      [cbButton(B.issueCode, 'staffRolePick', { mode: 'code' })],
      [cbButton(B.addStaff, 'staffRolePick', { mode: 'add' })],
      [cbButton(B.staffList, 'staffList', { page: 0 }), cbButton(B.codes, 'staffCodes', { page: 0 })],
      menuRow(),
    ]),
  );
}

async function showCityPicker(ctx: AdminContext, me: StaffMember, w: Access, page: number) {
  const selected = new Set(w.cityIds);
  const cities = await cityPage(ctx.deps.db, me, page);
  const rows: InlineKeyboardButton[][] = pairs(
    cities.cities.map((c) =>
      cbButton(T.buttons.toggle(selected.has(c.id), c.name), 'staffCityToggle', {
        cityId: c.id,
        page: cities.page,
      }),
    ),
  );
  const pager = pagerRow(cities.page, cities.pages, 'staffCitiesPage', (p) => ({ page: p }));
  if (pager.length > 0) rows.push(pager);
  rows.push([
    cbButton(T.buttons.citiesDone, 'staffCitiesDone', {}),
    cbButton(T.buttons.cancel, 'staffMenu', {}),
  ]);
  const names = await cityNames(ctx.deps.db, [...selected]);
  await show(ctx, T.pickCities(names, cities.page, cities.pages), inlineKeyboard(rows));
}

/** The role and cities are chosen: issue the code, or ask who to add. */
async function finishSelection(ctx: AdminContext, me: StaffMember, w: Access) {
  if (w.mode === 'add') {
    ctx.wizard.set(accessWizard, { ...w, step: 'user' });
    await show(ctx, T.askStaffUser, inlineKeyboard([[cbButton(T.buttons.cancel, 'staffMenu', {})]]));
    return;
  }
  const { db } = ctx.deps;
  const issued = await issueAccessCode(db, { staffId: me.id, role: w.role, cityIds: w.cityIds });
  ctx.wizard.clear();
  const tz = await staffTimezone(db, me);
  const username = ctx.botInfo?.username ?? '';
  const text = T.codeIssued({
    code: issued.code,
    role: w.role,
    cities: await cityNames(db, w.cityIds),
    link: `https://t.me/${username}?start=${issued.code}`,
    expires: formatDateTime(issued.expiresAt, tz),
  });
  await show(ctx, text, inlineKeyboard([[cbButton(T.buttons.backToStaff, 'staffMenu', {})], menuRow()]));
}

async function showCard(ctx: AdminContext, me: StaffMember, staffId: number, toast?: string) {
  const s = await loadStaff(ctx.deps.db, staffId);
  if (!s) return void (await ctx.answerCbQuery(texts.notFound, { show_alert: true }));
  const tz = await staffTimezone(ctx.deps.db, me);
  const rows: InlineKeyboardButton[][] = [];
  if (s.id !== me.id) {
    rows.push([
      s.is_active
        ? cbButton(T.buttons.deactivate, 'staffDeactivate', { staffId: s.id })
        : cbButton(T.buttons.activate, 'staffActivate', { staffId: s.id }),
    ]);
  }
  rows.push([cbButton(T.buttons.backToList, 'staffList', { page: 0 }), ...menuRow()]);
  await ctx.answerCbQuery(toast);
  const invitation = s.linked_at
    ? { taken: formatDateTime(s.linked_at, tz) }
    : s.tg_user_id === null && s.invite_expires_at
      ? { expires: formatDateTime(s.invite_expires_at, tz), expired: s.invite_expires_at <= ctx.deps.now() }
      : null;
  await show(
    ctx,
    T.staffCard({ ...s, created: formatDateTime(s.created_at, tz), invitation }),
    inlineKeyboard(rows),
  );
}

async function setActive(ctx: AdminContext, me: StaffMember, staffId: number, active: boolean) {
  if (staffId === me.id) return void (await ctx.answerCbQuery(T.notYourself, { show_alert: true }));
  const changed = await setStaffActive(ctx.deps.db, { actorId: me.id, staffId, active });
  const toast = changed ? (active ? T.staffActivated : T.staffDeactivated) : T.staffUnchanged;
  await showCard(ctx, me, staffId, toast);
}

async function showCodes(ctx: AdminContext, me: StaffMember, page: number, toast?: string) {
  const list = await listActiveCodes(ctx.deps.db, page);
  const tz = await staffTimezone(ctx.deps.db, me);
  const rows: InlineKeyboardButton[][] = list.rows.map((c) => [
    cbButton(T.buttons.revoke(c.code), 'staffCodeRevoke', { codeId: c.id }),
  ]);
  const pager = pagerRow(list.page, list.pages, 'staffCodes', (p) => ({ page: p }));
  if (pager.length > 0) rows.push(pager);
  rows.push([cbButton(T.buttons.backToStaff, 'staffMenu', {}), ...menuRow()]);
  const body = list.rows
    .map((c) => T.codeRow({ ...c, expires: c.expires_at ? formatDateTime(c.expires_at, tz) : '—' }))
    .join('\n');
  await ctx.answerCbQuery(toast);
  const text =
    list.total === 0 ? T.codesEmpty : `${T.codesTitle(list.total, list.page, list.pages)}\n\n${body}`;
  await show(ctx, text, inlineKeyboard(rows));
}
