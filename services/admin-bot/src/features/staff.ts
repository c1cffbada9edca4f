import { STAFF_ROLES, type StaffRole } from '@fs/domain';
import { inlineKeyboard } from '@fs/telegram';
import type { Telegraf } from 'telegraf';
import type { InlineKeyboardButton } from 'telegraf/types';
import { cbButton } from '../callbacks';
import type { AdminBotDeps, AdminContext, AdminWizard } from '../context';
import { formatDateTime } from '../reports/local-time';
import type { StaffMember } from '../staff';
import { texts } from '../texts';
import { messageText, ownWizard, pagerRow, T } from './masters-common';
import { menuRow, staffAction } from './menu';
import { cityPage, show, staffTimezone } from './ops-common';
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
} from './staff-admin-queries';
import { clearWizard, currentWizard, setWizard } from './wizard-session';

/**
 * Staff and access (global admins): one-time access codes for a role and cities (shown with a
 * t.me deep link), adding staff by Telegram id or @username, the staff list with
 * deactivate / reactivate, and revoking unused codes.
 */

type Mode = 'code' | 'add';
const KIND = 'staffAccess';

function accessWizard(ctx: AdminContext): AdminWizard | undefined {
  const w = currentWizard(ctx, KIND);
  return w && w !== 'expired' ? w : undefined;
}

/** The wizard while cities are being picked. */
function citiesStep(ctx: AdminContext): AdminWizard | undefined {
  const w = accessWizard(ctx);
  return w?.step === 'cities' ? w : undefined;
}

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

async function showCityPicker(
  ctx: AdminContext,
  deps: AdminBotDeps,
  staff: StaffMember,
  w: AdminWizard,
  page: number,
) {
  const selected = new Set(w.data.cityIds as number[]);
  const cities = await cityPage(deps.db, staff, page);
  const rows: InlineKeyboardButton[][] = [];
  for (let i = 0; i < cities.cities.length; i += 2) {
    rows.push(
      cities.cities.slice(i, i + 2).map((c) =>
        cbButton(T.buttons.toggle(selected.has(c.id), c.name), 'staffCityToggle', {
          cityId: c.id,
          page: cities.page,
        }),
      ),
    );
  }
  const pager = pagerRow(cities.page, cities.pages, 'staffCitiesPage', (p) => ({ page: p }));
  if (pager.length > 0) rows.push(pager);
  rows.push([
    cbButton(T.buttons.citiesDone, 'staffCitiesDone', {}),
    cbButton(T.buttons.cancel, 'staffMenu', {}),
  ]);
  await show(
    ctx,
    T.pickCities(await cityNames(deps.db, [...selected]), cities.page, cities.pages),
    inlineKeyboard(rows),
  );
}

/** The role and cities are chosen: issue the code, or ask who to add. */
async function finishSelection(ctx: AdminContext, deps: AdminBotDeps, staff: StaffMember, w: AdminWizard) {
  const role = w.data.role as StaffRole;
  const cityIds = w.data.cityIds as number[];
  if ((w.data.mode as Mode) === 'add') {
    setWizard(ctx, { ...w, step: 'user' });
    await show(ctx, T.askStaffUser, inlineKeyboard([[cbButton(T.buttons.cancel, 'staffMenu', {})]]));
    return;
  }
  const issued = await issueAccessCode(deps.db, { staffId: staff.id, role, cityIds });
  clearWizard(ctx);
  const tz = await staffTimezone(deps.db, staff);
  const username = ctx.botInfo?.username ?? '';
  await show(
    ctx,
    T.codeIssued({
      code: issued.code,
      role,
      cities: await cityNames(deps.db, cityIds),
      link: `https://t.me/${username}?start=${issued.code}`,
      expires: formatDateTime(issued.expiresAt, tz),
    }),
    inlineKeyboard([[cbButton(T.buttons.backToStaff, 'staffMenu', {})], menuRow()]),
  );
}

export function staffAdminFeature(bot: Telegraf<AdminContext>, deps: AdminBotDeps): void {
  bot.use(
    staffAction('staffMenu', 'staff', async (ctx) => {
      if (ctx.session?.wizard?.kind === KIND) clearWizard(ctx);
      await ctx.answerCbQuery();
      await showStaffMenu(ctx);
    }),
  );
  bot.use(
    staffAction('staffRolePick', 'staff', async (ctx, { mode }) => {
      await ctx.answerCbQuery();
      const rows = STAFF_ROLES.map((role) => [cbButton(T.roleLabel[role], 'staffRoleSet', { mode, role })]);
      rows.push([cbButton(T.buttons.cancel, 'staffMenu', {})]);
      await show(ctx, T.pickRole(mode), inlineKeyboard(rows));
    }),
  );
  bot.use(
    staffAction('staffRoleSet', 'staff', async (ctx, { mode, role }, staff) => {
      setWizard(ctx, { kind: KIND, step: 'cities', data: { mode, role, cityIds: [] } });
      await ctx.answerCbQuery();
      const w = ctx.session!.wizard!;
      if (role === 'global_admin') return finishSelection(ctx, deps, staff, w);
      await showCityPicker(ctx, deps, staff, w, 0);
    }),
  );
  bot.use(
    staffAction('staffCitiesPage', 'staff', async (ctx, { page }, staff) => {
      const w = citiesStep(ctx);
      if (!w) return void (await ctx.answerCbQuery(texts.sessionExpired, { show_alert: true }));
      await ctx.answerCbQuery();
      await showCityPicker(ctx, deps, staff, w, page);
    }),
  );
  bot.use(
    staffAction('staffCityToggle', 'staff', async (ctx, { cityId, page }, staff) => {
      const w = citiesStep(ctx);
      if (!w) return void (await ctx.answerCbQuery(texts.sessionExpired, { show_alert: true }));
      if ((await cityNames(deps.db, [cityId])).length === 0) {
        return void (await ctx.answerCbQuery(texts.notFound, { show_alert: true }));
      }
      const selected = new Set(w.data.cityIds as number[]);
      if (selected.has(cityId)) selected.delete(cityId);
      else selected.add(cityId);
      setWizard(ctx, { ...w, data: { ...w.data, cityIds: [...selected] } });
      await ctx.answerCbQuery();
      await showCityPicker(ctx, deps, staff, ctx.session!.wizard!, page);
    }),
  );
  bot.use(
    staffAction('staffCitiesDone', 'staff', async (ctx, _args, staff) => {
      const w = citiesStep(ctx);
      if (!w) return void (await ctx.answerCbQuery(texts.sessionExpired, { show_alert: true }));
      if ((w.data.cityIds as number[]).length === 0) {
        return void (await ctx.answerCbQuery(T.citiesRequired, { show_alert: true }));
      }
      await ctx.answerCbQuery();
      await finishSelection(ctx, deps, staff, w);
    }),
  );

  bot.use(
    staffAction('staffList', 'staff', async (ctx, { page }) => {
      const list = await listStaff(deps.db, page);
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
  const showCard = async (ctx: AdminContext, staff: StaffMember, staffId: number, toast?: string) => {
    const s = await loadStaff(deps.db, staffId);
    if (!s) return void (await ctx.answerCbQuery(texts.notFound, { show_alert: true }));
    const tz = await staffTimezone(deps.db, staff);
    const rows: InlineKeyboardButton[][] = [];
    if (s.id !== staff.id) {
      rows.push([
        s.is_active
          ? cbButton(T.buttons.deactivate, 'staffDeactivate', { staffId: s.id })
          : cbButton(T.buttons.activate, 'staffActivate', { staffId: s.id }),
      ]);
    }
    rows.push([cbButton(T.buttons.backToList, 'staffList', { page: 0 }), ...menuRow()]);
    await ctx.answerCbQuery(toast);
    await show(ctx, T.staffCard({ ...s, created: formatDateTime(s.created_at, tz) }), inlineKeyboard(rows));
  };
  bot.use(staffAction('staffCard', 'staff', (ctx, { staffId }, staff) => showCard(ctx, staff, staffId)));
  const toggle = (active: boolean) => async (ctx: AdminContext, staffId: number, staff: StaffMember) => {
    if (staffId === staff.id) return void (await ctx.answerCbQuery(T.notYourself, { show_alert: true }));
    const changed = await setStaffActive(deps.db, { actorId: staff.id, staffId, active });
    await showCard(
      ctx,
      staff,
      staffId,
      changed ? (active ? T.staffActivated : T.staffDeactivated) : T.staffUnchanged,
    );
  };
  bot.use(
    staffAction('staffDeactivate', 'staff', (ctx, { staffId }, staff) => toggle(false)(ctx, staffId, staff)),
  );
  bot.use(
    staffAction('staffActivate', 'staff', (ctx, { staffId }, staff) => toggle(true)(ctx, staffId, staff)),
  );

  const showCodes = async (ctx: AdminContext, staff: StaffMember, page: number, toast?: string) => {
    const list = await listActiveCodes(deps.db, page);
    const tz = await staffTimezone(deps.db, staff);
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
    await show(
      ctx,
      list.total === 0 ? T.codesEmpty : `${T.codesTitle(list.total, list.page, list.pages)}\n\n${body}`,
      inlineKeyboard(rows),
    );
  };
  bot.use(staffAction('staffCodes', 'staff', (ctx, { page }, staff) => showCodes(ctx, staff, page)));
  bot.use(
    staffAction('staffCodeRevoke', 'staff', async (ctx, { codeId }, staff) => {
      const revoked = await revokeAccessCode(deps.db, { actorId: staff.id, codeId });
      await showCodes(ctx, staff, 0, revoked ? T.codeRevoked : T.codeNotActive);
    }),
  );

  // "Who to add": a Telegram id or @username.
  bot.on('message', async (ctx, next) => {
    const w = ownWizard(ctx, [KIND]);
    if (!w) return next();
    if (w === 'expired') return void (await ctx.reply(texts.sessionExpired));
    const text = messageText(ctx);
    if (text?.startsWith('/')) return next();
    if (w.step !== 'user') return void (await ctx.reply(T.useButtonsHere));
    const staff = ctx.staff!;
    if (staff.role !== 'global_admin') {
      clearWizard(ctx);
      return void (await ctx.reply(texts.noRight));
    }
    const who = text === undefined ? undefined : parseStaffIdentity(text);
    if (!who) return void (await ctx.reply(T.badStaffUser));
    const role = w.data.role as StaffRole;
    const cityIds = w.data.cityIds as number[];
    const added = await addStaff(deps.db, { staffId: staff.id, who, role, cityIds });
    if (added === 'exists') return void (await ctx.reply(T.staffExists));
    clearWizard(ctx);
    const label = 'tgUserId' in who ? String(who.tgUserId) : `@${who.username}`;
    await ctx.reply(T.staffAdded(label, role, await cityNames(deps.db, cityIds)), { parse_mode: 'HTML' });
    await showStaffMenu(ctx);
  });
}
