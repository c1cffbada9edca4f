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
import { CATEGORIES, CATEGORY_LABELS } from '@fs/domain';
import { defineWizard, inlineKeyboard, type WizardDef } from '@fs/telegram';
import { Composer, type MiddlewareFn } from 'telegraf';
import type { InlineKeyboardButton } from 'telegraf/types';
import { z } from 'zod';
import { cbButton } from '../../callbacks';
import type { AdminContext } from '../../context';
import { pagerRow, pairs } from '../../keyboards/menu';
import { answerClosedWizard, capable, staffAction, wizardInput } from '../../middlewares/guard';
import { cityDistricts } from '../../queries/cities';
import { loadMasterCard, type MasterCardData } from '../../queries/masters';
import type { StaffMember } from '../../queries/staff';
import { scopedOrRefuse, show } from '../../render';
import { actorOf, type Capability, can } from '../../scope';
import { showMasterCard } from './card';
import { answerRefusal, T } from './common';

/**
 * Master actions that need input: a reason (block, unblock, moderation reject), the order
 * limit, a message, and the districts/skills multi-selects (kept in the wizard until saved).
 */
export const masterEdit = new Composer<AdminContext>();

const REASON_ACTIONS = ['block', 'unblock', 'reject'] as const;
type ReasonAction = (typeof REASON_ACTIONS)[number];

const masterId = z.number().int();
const reasonWizard = defineWizard('masterReason', z.object({ action: z.enum(REASON_ACTIONS), masterId }));
const limitWizard = defineWizard('masterLimit', z.object({ masterId }));
const messageWizard = defineWizard('masterMessage', z.object({ masterId }));
const districtsWizard = defineWizard(
  'masterDistricts',
  z.object({ masterId, selected: z.array(z.number().int()) }),
);
const skillsWizard = defineWizard(
  'masterSkills',
  z.object({ masterId, selected: z.array(z.enum(CATEGORIES)) }),
);

const REASON_CAPABILITY: Record<ReasonAction, Capability> = {
  block: 'masters',
  unblock: 'masters',
  reject: 'moderation',
};

// ── Reason: block, unblock, reject ────────────────────────────────────────────────────
const startReason = (action: ReasonAction) =>
  staffAction(
    action === 'block' ? 'masterBlock' : action === 'unblock' ? 'masterUnblock' : 'masterReject',
    REASON_CAPABILITY[action],
    async (ctx, { masterId }, staff) => {
      const m = await masterFor(ctx, staff, masterId);
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
      await ask(ctx, reasonWizard, { action, masterId }, prompt);
    },
  );
masterEdit.use(startReason('block'), startReason('unblock'), startReason('reject'));

masterEdit.use(
  wizardInput(
    reasonWizard,
    (staff, w) => can(staff, REASON_CAPABILITY[w.action]),
    async (ctx, { action, masterId }, text, staff) => {
      if (text === undefined) return void (await ctx.reply(T.textExpected));
      const reason = parseStaffReason(text);
      if (!reason.ok) {
        return void (await ctx.reply(reason.error === 'too_short' ? T.reasonTooShort : T.reasonTooLong));
      }
      const run = action === 'block' ? blockMaster : action === 'unblock' ? unblockMaster : rejectMaster;
      const r = await run(ctx.deps.dispatch, actorOf(staff), masterId, reason.text);
      ctx.wizard.clear();
      if (r.kind !== 'ok') {
        const wrong =
          action === 'block' ? T.alreadyBlocked : action === 'unblock' ? T.notBlocked : T.notPending;
        await answerRefusal(ctx, r.kind, wrong);
      } else {
        await ctx.reply(action === 'block' ? T.blocked : action === 'unblock' ? T.unblocked : T.rejected);
      }
      await showMasterCard(ctx, staff, masterId);
    },
  ),
);

// ── Order limit and a message ─────────────────────────────────────────────────────────
masterEdit.use(
  staffAction('masterLimit', 'masters', async (ctx, { masterId }, staff) => {
    const m = await masterFor(ctx, staff, masterId);
    if (!m) return;
    const def = (await ctx.deps.dispatch.settings.get()).max_active_orders;
    await ask(
      ctx,
      limitWizard,
      { masterId },
      T.askLimit(m.full_name, m.max_active_orders_override ?? def, def),
    );
  }),
);

masterEdit.use(
  wizardInput(limitWizard, capable('masters'), async (ctx, { masterId }, text, staff) => {
    if (text === undefined) return void (await ctx.reply(T.textExpected));
    const limit = parseMasterLimit(text);
    if (!limit.ok) return void (await ctx.reply(T.badLimit));
    const defaultLimit = (await ctx.deps.dispatch.settings.get()).max_active_orders;
    const r = await setMasterLimit(ctx.deps.dispatch, actorOf(staff), masterId, {
      limit: limit.limit,
      defaultLimit,
    });
    ctx.wizard.clear();
    if (r.kind === 'ok') await ctx.reply(T.limitSet(r.effective));
    else await answerRefusal(ctx, r.kind, T.limitSame);
    await showMasterCard(ctx, staff, masterId);
  }),
);

masterEdit.use(
  staffAction('masterMessage', 'masters', async (ctx, { masterId }, staff) => {
    const m = await masterFor(ctx, staff, masterId);
    if (m) await ask(ctx, messageWizard, { masterId }, T.askMessage(m.full_name));
  }),
);

masterEdit.use(
  wizardInput(messageWizard, capable('masters'), async (ctx, { masterId }, text, staff) => {
    if (text === undefined) return void (await ctx.reply(T.textExpected));
    const message = parseStaffMessage(text);
    if (!message.ok) {
      return void (await ctx.reply(message.error === 'too_short' ? T.messageEmpty : T.messageTooLong));
    }
    const r = await messageMaster(ctx.deps.dispatch, actorOf(staff), masterId, {
      text: message.text,
      requestKey: `u${ctx.message!.message_id}`,
    });
    ctx.wizard.clear();
    if (r.kind !== 'ok') await answerRefusal(ctx, r.kind, T.changeFailed);
    else await ctx.reply(r.sent ? T.messageSent : T.messageDuplicate);
    await showMasterCard(ctx, staff, masterId);
  }),
);

masterEdit.use(
  staffAction('masterBack', 'masters', async (ctx, { masterId }, staff) => {
    if (EDIT_WIZARDS.some((w) => w.kind === ctx.wizard.kind)) ctx.wizard.clear();
    await showMasterCard(ctx, staff, masterId);
  }),
);

// ── Districts: the selection lives in the wizard until "💾 Сохранить" ─────────────────
masterEdit.use(
  staffAction('masterDistricts', 'masters', async (ctx, { masterId, page }, staff) => {
    const m = await masterFor(ctx, staff, masterId);
    if (!m) return;
    if (m.city_id === null) return void (await ctx.answerCbQuery(T.noCity, { show_alert: true }));
    const w = selection(ctx, districtsWizard, masterId) ?? {
      masterId,
      selected: m.districts.map((d) => d.id),
    };
    ctx.wizard.set(districtsWizard, w);
    await ctx.answerCbQuery();
    await showDistricts(ctx, m, w.selected, page);
  }),
);
masterEdit.use(
  staffAction('masterDistrictToggle', 'masters', async (ctx, { masterId, districtId, page }, staff) => {
    const w = selection(ctx, districtsWizard, masterId);
    if (!w) return answerClosedWizard(ctx, districtsWizard);
    const m = await masterFor(ctx, staff, masterId);
    if (!m || m.city_id === null) return;
    const selected = toggle(w.selected, districtId);
    ctx.wizard.set(districtsWizard, { masterId, selected });
    await ctx.answerCbQuery();
    await showDistricts(ctx, m, selected, page);
  }),
);
masterEdit.use(
  staffAction('masterDistrictsSave', 'masters', async (ctx, { masterId }, staff) => {
    const w = selection(ctx, districtsWizard, masterId);
    if (!w) return answerClosedWizard(ctx, districtsWizard);
    const r = await setMasterDistricts(ctx.deps.dispatch, actorOf(staff), masterId, w.selected);
    if (r.kind !== 'ok') return answerRefusal(ctx, r.kind, T.changeFailed);
    ctx.wizard.clear();
    await showMasterCard(ctx, staff, masterId, T.districtsSaved);
  }),
);

// ── Skills: the same, at least one ────────────────────────────────────────────────────
masterEdit.use(
  staffAction('masterSkills', 'masters', async (ctx, { masterId }, staff) => {
    const m = await masterFor(ctx, staff, masterId);
    if (!m) return;
    const w = selection(ctx, skillsWizard, masterId) ?? { masterId, selected: m.skills };
    ctx.wizard.set(skillsWizard, w);
    await ctx.answerCbQuery();
    await showSkills(ctx, m, w.selected);
  }),
);
masterEdit.use(
  staffAction('masterSkillToggle', 'masters', async (ctx, { masterId, skill }, staff) => {
    const w = selection(ctx, skillsWizard, masterId);
    if (!w) return answerClosedWizard(ctx, skillsWizard);
    const m = await masterFor(ctx, staff, masterId);
    if (!m) return;
    const selected = toggle(w.selected, skill);
    ctx.wizard.set(skillsWizard, { masterId, selected });
    await ctx.answerCbQuery();
    await showSkills(ctx, m, selected);
  }),
);
masterEdit.use(
  staffAction('masterSkillsSave', 'masters', async (ctx, { masterId }, staff) => {
    const w = selection(ctx, skillsWizard, masterId);
    if (!w) return answerClosedWizard(ctx, skillsWizard);
    if (w.selected.length === 0) return void (await ctx.answerCbQuery(T.skillsEmpty, { show_alert: true }));
    const r = await setMasterSkills(ctx.deps.dispatch, actorOf(staff), masterId, w.selected);
    if (r.kind !== 'ok') return answerRefusal(ctx, r.kind, T.changeFailed);
    ctx.wizard.clear();
    await showMasterCard(ctx, staff, masterId, T.skillsSaved);
  }),
);

// The multi-selects take buttons only.
const buttonsOnly = (def: WizardDef<unknown>): MiddlewareFn<AdminContext> =>
  wizardInput(def, capable('masters'), async (ctx) => void (await ctx.reply(T.useButtonsHere)));
masterEdit.use(buttonsOnly(districtsWizard), buttonsOnly(skillsWizard));

const EDIT_WIZARDS: readonly WizardDef<unknown>[] = [
  reasonWizard,
  limitWizard,
  messageWizard,
  districtsWizard,
  skillsWizard,
];

/** Loads the master for an action and checks scope; answers the refusal itself. */
async function masterFor(
  ctx: AdminContext,
  staff: StaffMember,
  masterId: number,
): Promise<MasterCardData | undefined> {
  return scopedOrRefuse(ctx, staff, await loadMasterCard(ctx.deps.db, masterId));
}

/** Starts a text wizard about a master: the prompt with "❌ Отмена". */
async function ask<S extends { masterId: number }>(
  ctx: AdminContext,
  def: WizardDef<S>,
  state: S,
  prompt: string,
): Promise<void> {
  ctx.wizard.set(def, state);
  await ctx.answerCbQuery();
  await show(
    ctx,
    prompt,
    inlineKeyboard([[cbButton(T.buttons.cancel, 'masterBack', { masterId: state.masterId })]]),
  );
}

/** The open multi-select about this master, if any. */
function selection<S extends { masterId: number }>(
  ctx: AdminContext,
  def: WizardDef<S>,
  masterId: number,
): S | undefined {
  const w = ctx.wizard.get(def);
  return w && w !== 'expired' && w.masterId === masterId ? w : undefined;
}

function toggle<V>(values: readonly V[], value: V): V[] {
  const set = new Set(values);
  if (set.has(value)) set.delete(value);
  else set.add(value);
  return [...set];
}

async function showDistricts(ctx: AdminContext, m: MasterCardData, selectedIds: number[], page: number) {
  const selected = new Set(selectedIds);
  const list = await cityDistricts(ctx.deps.db, m.city_id!, page);
  const rows: InlineKeyboardButton[][] = pairs(
    list.rows.map((d) =>
      cbButton(T.buttons.toggle(selected.has(d.id), d.name), 'masterDistrictToggle', {
        masterId: m.id,
        districtId: d.id,
        page: list.page,
      }),
    ),
  );
  const pager = pagerRow(list.page, list.pages, 'masterDistricts', (p) => ({ masterId: m.id, page: p }));
  if (pager.length > 0) rows.push(pager);
  rows.push([
    cbButton(T.buttons.save, 'masterDistrictsSave', { masterId: m.id }),
    cbButton(T.buttons.cancel, 'masterBack', { masterId: m.id }),
  ]);
  const title = T.districtsTitle(m.full_name, m.city ?? '—', selected.size, list.page, list.pages);
  await show(ctx, title, inlineKeyboard(rows));
}

async function showSkills(ctx: AdminContext, m: MasterCardData, selectedSkills: readonly string[]) {
  const selected = new Set(selectedSkills);
  const rows: InlineKeyboardButton[][] = pairs(
    CATEGORIES.map((c) =>
      cbButton(T.buttons.toggle(selected.has(c), CATEGORY_LABELS[c]), 'masterSkillToggle', {
        masterId: m.id,
        skill: c,
      }),
    ),
  );
  rows.push([
    cbButton(T.buttons.save, 'masterSkillsSave', { masterId: m.id }),
    cbButton(T.buttons.cancel, 'masterBack', { masterId: m.id }),
  ]);
  await show(ctx, T.skillsTitle(m.full_name), inlineKeyboard(rows));
}
