import {
  blockMaster,
  messageMaster,
  parseMasterLimit,
  parseStaffMessage,
  parseStaffReason,
  rejectMaster,
  setMasterDistricts,
  setMasterLimit,
  setMasterSkills,
  unblockMaster,
} from '@fs/dispatch';
import { CATEGORIES, CATEGORY_LABELS, type Category } from '@fs/domain';
import { inlineKeyboard } from '@fs/telegram';
import type { Telegraf } from 'telegraf';
import type { InlineKeyboardButton } from 'telegraf/types';
import { cbButton } from '../callbacks';
import type { AdminBotDeps, AdminContext, AdminWizard } from '../context';
import { cityDistricts, loadMasterCard, type MasterCardData } from '../master-queries';
import { type Capability, can, inScope } from '../scope';
import type { StaffMember } from '../staff';
import { texts } from '../texts';
import { showMasterCard } from './masters-card';
import { actorOf, answerRefusal, messageText, ownWizard, pagerRow, T } from './masters-common';
import { staffAction } from './menu';
import { show } from './ops-common';
import { clearWizard, currentWizard, setWizard } from './wizard-session';

/**
 * Master actions that need input: a reason (block, unblock, moderation reject), the order
 * limit, a message, and the districts/skills multi-selects (kept in the wizard until saved).
 */

type ReasonAction = 'block' | 'unblock' | 'reject';
const KINDS = ['masterReason', 'masterLimit', 'masterMessage', 'masterDistricts', 'masterSkills'] as const;

/** Loads the master for an action and checks scope; answers the refusal itself. */
async function masterFor(
  ctx: AdminContext,
  deps: AdminBotDeps,
  staff: StaffMember,
  masterId: number,
): Promise<MasterCardData | undefined> {
  const m = await loadMasterCard(deps.db, masterId);
  if (!m || !inScope(staff, m.city_id)) {
    await ctx.answerCbQuery(m ? texts.notInScope : texts.notFound, { show_alert: true });
    return undefined;
  }
  return m;
}

const cancelKeyboard = (masterId: number) =>
  inlineKeyboard([[cbButton(T.buttons.cancel, 'masterBack', { masterId })]]);

/** Starts a text wizard about a master: the prompt with "❌ Отмена". */
export async function askAboutMaster(
  ctx: AdminContext,
  wizard: Omit<AdminWizard, 'at'>,
  masterId: number,
  prompt: string,
): Promise<void> {
  setWizard(ctx, wizard);
  await ctx.answerCbQuery();
  await show(ctx, prompt, cancelKeyboard(masterId));
}

function wizardOf(
  ctx: AdminContext,
  kind: (typeof KINDS)[number],
  masterId: number,
): AdminWizard | undefined {
  const w = currentWizard(ctx, kind);
  return w && w !== 'expired' && w.data.masterId === masterId ? w : undefined;
}

async function showDistricts(
  ctx: AdminContext,
  deps: AdminBotDeps,
  m: MasterCardData,
  w: AdminWizard,
  page: number,
) {
  const selected = new Set(w.data.selected as number[]);
  const list = await cityDistricts(deps.db, m.city_id!, page);
  const rows: InlineKeyboardButton[][] = [];
  for (let i = 0; i < list.rows.length; i += 2) {
    rows.push(
      list.rows.slice(i, i + 2).map((d) =>
        cbButton(T.buttons.toggle(selected.has(d.id), d.name), 'masterDistrictToggle', {
          masterId: m.id,
          districtId: d.id,
          page: list.page,
        }),
      ),
    );
  }
  const pager = pagerRow(list.page, list.pages, 'masterDistricts', (p) => ({ masterId: m.id, page: p }));
  if (pager.length > 0) rows.push(pager);
  rows.push([
    cbButton(T.buttons.save, 'masterDistrictsSave', { masterId: m.id }),
    cbButton(T.buttons.cancel, 'masterBack', { masterId: m.id }),
  ]);
  await show(
    ctx,
    T.districtsTitle(m.full_name, m.city ?? '—', selected.size, list.page, list.pages),
    inlineKeyboard(rows),
  );
}

async function showSkills(ctx: AdminContext, m: MasterCardData, w: AdminWizard) {
  const selected = new Set(w.data.selected as Category[]);
  const rows: InlineKeyboardButton[][] = [];
  for (let i = 0; i < CATEGORIES.length; i += 2) {
    rows.push(
      CATEGORIES.slice(i, i + 2).map((c) =>
        cbButton(T.buttons.toggle(selected.has(c), CATEGORY_LABELS[c]), 'masterSkillToggle', {
          masterId: m.id,
          skill: c,
        }),
      ),
    );
  }
  rows.push([
    cbButton(T.buttons.save, 'masterSkillsSave', { masterId: m.id }),
    cbButton(T.buttons.cancel, 'masterBack', { masterId: m.id }),
  ]);
  await show(ctx, T.skillsTitle(m.full_name), inlineKeyboard(rows));
}

export function masterEditFeature(bot: Telegraf<AdminContext>, deps: AdminBotDeps): void {
  const startReason = (action: ReasonAction, capability: Capability) =>
    staffAction(
      action === 'block' ? 'masterBlock' : action === 'unblock' ? 'masterUnblock' : 'masterReject',
      capability,
      async (ctx, { masterId }, staff) => {
        const m = await masterFor(ctx, deps, staff, masterId);
        if (!m) return;
        if (action === 'block' && m.is_blocked) return void (await ctx.answerCbQuery(T.alreadyBlocked));
        if (action === 'unblock' && !m.is_blocked) return void (await ctx.answerCbQuery(T.notBlocked));
        if (action === 'reject' && m.moderation_status !== 'pending') {
          return void (await ctx.answerCbQuery(T.notPending));
        }
        const prompt =
          action === 'block'
            ? T.askBlockReason(m.full_name)
            : action === 'unblock'
              ? T.askUnblockReason(m.full_name)
              : T.askRejectReason(m.full_name);
        await askAboutMaster(
          ctx,
          { kind: 'masterReason', step: 'reason', data: { action, masterId } },
          masterId,
          prompt,
        );
      },
    );
  bot.use(startReason('block', 'masters'));
  bot.use(startReason('unblock', 'masters'));
  bot.use(startReason('reject', 'moderation'));

  bot.use(
    staffAction('masterLimit', 'masters', async (ctx, { masterId }, staff) => {
      const m = await masterFor(ctx, deps, staff, masterId);
      if (!m) return;
      const def = (await deps.dispatch.settings.get()).max_active_orders;
      await askAboutMaster(
        ctx,
        { kind: 'masterLimit', step: 'limit', data: { masterId } },
        masterId,
        T.askLimit(m.full_name, m.max_active_orders_override ?? def, def),
      );
    }),
  );
  bot.use(
    staffAction('masterMessage', 'masters', async (ctx, { masterId }, staff) => {
      const m = await masterFor(ctx, deps, staff, masterId);
      if (!m) return;
      await askAboutMaster(
        ctx,
        { kind: 'masterMessage', step: 'text', data: { masterId } },
        masterId,
        T.askMessage(m.full_name),
      );
    }),
  );
  bot.use(
    staffAction('masterBack', 'masters', async (ctx, { masterId }, staff) => {
      if (ctx.session?.wizard && (KINDS as readonly string[]).includes(ctx.session.wizard.kind))
        clearWizard(ctx);
      await showMasterCard(ctx, deps, staff, masterId);
    }),
  );

  // Districts: the selection lives in the wizard until "💾 Сохранить".
  bot.use(
    staffAction('masterDistricts', 'masters', async (ctx, { masterId, page }, staff) => {
      const m = await masterFor(ctx, deps, staff, masterId);
      if (!m) return;
      if (m.city_id === null) return void (await ctx.answerCbQuery(T.noCity, { show_alert: true }));
      let w = wizardOf(ctx, 'masterDistricts', masterId);
      if (!w) {
        setWizard(ctx, {
          kind: 'masterDistricts',
          step: 'select',
          data: { masterId, selected: m.districts.map((d) => d.id) },
        });
        w = ctx.session!.wizard!;
      }
      await ctx.answerCbQuery();
      await showDistricts(ctx, deps, m, w, page);
    }),
  );
  bot.use(
    staffAction('masterDistrictToggle', 'masters', async (ctx, { masterId, districtId, page }, staff) => {
      const w = wizardOf(ctx, 'masterDistricts', masterId);
      if (!w) return void (await ctx.answerCbQuery(texts.sessionExpired, { show_alert: true }));
      const m = await masterFor(ctx, deps, staff, masterId);
      if (!m || m.city_id === null) return;
      const selected = new Set(w.data.selected as number[]);
      if (selected.has(districtId)) selected.delete(districtId);
      else selected.add(districtId);
      setWizard(ctx, { ...w, data: { ...w.data, selected: [...selected] } });
      await ctx.answerCbQuery();
      await showDistricts(ctx, deps, m, ctx.session!.wizard!, page);
    }),
  );
  bot.use(
    staffAction('masterDistrictsSave', 'masters', async (ctx, { masterId }, staff) => {
      const w = wizardOf(ctx, 'masterDistricts', masterId);
      if (!w) return void (await ctx.answerCbQuery(texts.sessionExpired, { show_alert: true }));
      const r = await setMasterDistricts(
        deps.dispatch,
        actorOf(staff),
        masterId,
        w.data.selected as number[],
      );
      if (r.kind !== 'ok') return answerRefusal(ctx, r.kind, T.changeFailed);
      clearWizard(ctx);
      await showMasterCard(ctx, deps, staff, masterId, T.districtsSaved);
    }),
  );

  // Skills: the same, at least one.
  bot.use(
    staffAction('masterSkills', 'masters', async (ctx, { masterId }, staff) => {
      const m = await masterFor(ctx, deps, staff, masterId);
      if (!m) return;
      let w = wizardOf(ctx, 'masterSkills', masterId);
      if (!w) {
        setWizard(ctx, { kind: 'masterSkills', step: 'select', data: { masterId, selected: m.skills } });
        w = ctx.session!.wizard!;
      }
      await ctx.answerCbQuery();
      await showSkills(ctx, m, w);
    }),
  );
  bot.use(
    staffAction('masterSkillToggle', 'masters', async (ctx, { masterId, skill }, staff) => {
      const w = wizardOf(ctx, 'masterSkills', masterId);
      if (!w) return void (await ctx.answerCbQuery(texts.sessionExpired, { show_alert: true }));
      const m = await masterFor(ctx, deps, staff, masterId);
      if (!m) return;
      const selected = new Set(w.data.selected as Category[]);
      if (selected.has(skill)) selected.delete(skill);
      else selected.add(skill);
      setWizard(ctx, { ...w, data: { ...w.data, selected: [...selected] } });
      await ctx.answerCbQuery();
      await showSkills(ctx, m, ctx.session!.wizard!);
    }),
  );
  bot.use(
    staffAction('masterSkillsSave', 'masters', async (ctx, { masterId }, staff) => {
      const w = wizardOf(ctx, 'masterSkills', masterId);
      if (!w) return void (await ctx.answerCbQuery(texts.sessionExpired, { show_alert: true }));
      if ((w.data.selected as Category[]).length === 0) {
        return void (await ctx.answerCbQuery(T.skillsEmpty, { show_alert: true }));
      }
      const r = await setMasterSkills(deps.dispatch, actorOf(staff), masterId, w.data.selected as Category[]);
      if (r.kind !== 'ok') return answerRefusal(ctx, r.kind, T.changeFailed);
      clearWizard(ctx);
      await showMasterCard(ctx, deps, staff, masterId, T.skillsSaved);
    }),
  );

  // Typed input of the text wizards.
  bot.on('message', async (ctx, next) => {
    const w = ownWizard(ctx, KINDS);
    if (!w) return next();
    if (w === 'expired') return void (await ctx.reply(texts.sessionExpired));
    const staff = ctx.staff!;
    const text = messageText(ctx);
    if (text?.startsWith('/')) return next();
    if (w.kind === 'masterDistricts' || w.kind === 'masterSkills')
      return void (await ctx.reply(T.useButtonsHere));
    if (text === undefined) return void (await ctx.reply(T.textExpected));
    const masterId = w.data.masterId as number;
    const actor = actorOf(staff);

    if (w.kind === 'masterReason') {
      const action = w.data.action as ReasonAction;
      const needed: Capability = action === 'reject' ? 'moderation' : 'masters';
      if (!can(staff, needed)) {
        clearWizard(ctx);
        return void (await ctx.reply(texts.noRight));
      }
      const reason = parseStaffReason(text);
      if (!reason.ok)
        return void (await ctx.reply(reason.error === 'too_short' ? T.reasonTooShort : T.reasonTooLong));
      const run = action === 'block' ? blockMaster : action === 'unblock' ? unblockMaster : rejectMaster;
      const r = await run(deps.dispatch, actor, masterId, reason.text);
      clearWizard(ctx);
      if (r.kind !== 'ok') {
        const wrong =
          action === 'block' ? T.alreadyBlocked : action === 'unblock' ? T.notBlocked : T.notPending;
        await answerRefusal(ctx, r.kind, wrong);
      } else {
        await ctx.reply(action === 'block' ? T.blocked : action === 'unblock' ? T.unblocked : T.rejected);
      }
      return showMasterCard(ctx, deps, staff, masterId);
    }

    if (w.kind === 'masterLimit') {
      const limit = parseMasterLimit(text);
      if (!limit.ok) return void (await ctx.reply(T.badLimit));
      const def = (await deps.dispatch.settings.get()).max_active_orders;
      const r = await setMasterLimit(deps.dispatch, actor, masterId, {
        limit: limit.limit,
        defaultLimit: def,
      });
      clearWizard(ctx);
      if (r.kind === 'ok') await ctx.reply(T.limitSet(r.effective));
      else await answerRefusal(ctx, r.kind, T.limitSame);
      return showMasterCard(ctx, deps, staff, masterId);
    }

    // masterMessage
    const message = parseStaffMessage(text);
    if (!message.ok)
      return void (await ctx.reply(message.error === 'too_short' ? T.messageEmpty : T.messageTooLong));
    const r = await messageMaster(deps.dispatch, actor, masterId, {
      text: message.text,
      requestKey: `u${ctx.message.message_id}`,
    });
    clearWizard(ctx);
    if (r.kind !== 'ok') await answerRefusal(ctx, r.kind, T.changeFailed);
    else await ctx.reply(r.sent ? T.messageSent : T.messageDuplicate);
    return showMasterCard(ctx, deps, staff, masterId);
  });
}
