import {
  assignOrderToMaster,
  type CandidateExplanation,
  canCancel,
  cancelOrderByStaff,
  canDistribute,
  canReturn,
  createGuaranteeOrder,
  distributeNow,
  explainOrderCandidates,
  type GuaranteeResult,
  guaranteeRefusal,
  HARD_REJECTIONS,
  offerOrderToMaster,
  returnOrderToSearch,
} from '@fs/dispatch';
import { inlineKeyboard, type WizardDef } from '@fs/telegram';
import { Composer, type MiddlewareFn } from 'telegraf';
import type { InlineKeyboardButton } from 'telegraf/types';
import { cbButton } from '../../callbacks';
import type { AdminContext } from '../../context';
import { pagerRow } from '../../keyboards/menu';
import { capable, staffAction, wizardInput } from '../../middlewares/guard';
import { masterFullName } from '../../queries/masters';
import { loadOrderCard, type OrderCard } from '../../queries/orders';
import type { StaffMember } from '../../queries/staff';
import { notice, show } from '../../render';
import { actorOf } from '../../scope';
import { texts } from '../../texts';
import { CANDIDATE_REJECTIONS, type CandidateLineData, candidateRejectionLabel } from '../../texts/orders';
import { refuseOrder, showCard } from './card';
import { cancelWizard, T } from './common';

/**
 * The order card's actions: distribute, pick a master (offer / assign), return to search,
 * cancel with a reason, a guarantee order (reschedule: reschedule.ts). Each action is a
 * dispatch use case that re-checks the city and the status itself.
 */
export const orderActions = new Composer<AdminContext>();

const CANDIDATES_PER_PAGE = 8;
const REASON_MIN = 3;
const REASON_MAX = 200;
const B = T.buttons;

type Refusal = 'not_found' | 'not_in_scope' | 'wrong_state';

export const toCardRow = (orderId: number) => [cbButton(B.toCard, 'ordersCard', { orderId })];

/**
 * The button that asks for typed input about the order while `allowed` holds (the rule the
 * action itself checks, see stateCard): `wizard` waits for it, ⬅️ leads back to the card.
 */
export function askForText(
  name: 'ordersCancel' | 'ordersRescheduleDate' | 'ordersPin',
  allowed: (card: OrderCard) => boolean,
  wizard: WizardDef<{ orderId: number }>,
  prompt: (orderId: number) => string,
): MiddlewareFn<AdminContext> {
  return staffAction(name, 'orders', async (ctx, { orderId }, staff) => {
    if (!(await stateCard(ctx, staff, orderId, allowed))) return;
    await ctx.answerCbQuery();
    ctx.wizard.set(wizard, { orderId });
    await show(ctx, prompt(orderId), inlineKeyboard([toCardRow(orderId)]));
  });
}

/** The step before a change: `text`, the yes button and ⬅️ back to the card. */
async function askToConfirm(ctx: AdminContext, orderId: number, text: string, yes: InlineKeyboardButton) {
  await ctx.answerCbQuery();
  await show(ctx, text, inlineKeyboard([[yes], toCardRow(orderId)]));
}

orderActions.use(
  staffAction('ordersDistribute', 'orders', async (ctx, { orderId }, staff) => {
    const result = await distributeNow(ctx.deps.dispatch, actorOf(staff), orderId);
    await finish(ctx, staff, orderId, result, T.distributed);
  }),
);

orderActions.use(
  staffAction('ordersCandidates', 'orders', async (ctx, { orderId, page }, staff) => {
    const card = await stateCard(ctx, staff, orderId, canDistribute);
    if (!card) return;
    await ctx.answerCbQuery();
    const all = await explain(ctx, card);
    const pages = Math.max(1, Math.ceil(all.length / CANDIDATES_PER_PAGE));
    const p = Math.min(page, pages - 1);
    const shown = all.slice(p * CANDIDATES_PER_PAGE, (p + 1) * CANDIDATES_PER_PAGE).map(lineOf);
    const rows: InlineKeyboardButton[][] = shown.map((c) => [
      cbButton(T.candidateButton(c), 'ordersCandidate', { orderId, masterId: c.masterId }),
    ]);
    const nav = pagerRow(p, pages, 'ordersCandidates', (n) => ({ orderId, page: n }));
    if (nav.length > 0) rows.push(nav);
    rows.push(toCardRow(orderId));
    const text =
      all.length === 0
        ? T.candidatesEmpty(orderId)
        : T.candidatesTitle(orderId, all.filter((e) => e.eligible).length, all.length, p, pages);
    await show(ctx, text, inlineKeyboard(rows));
  }),
);

orderActions.use(
  staffAction('ordersCandidate', 'orders', async (ctx, { orderId, masterId }, staff) => {
    const card = await scopedCard(ctx, staff, orderId);
    if (!card) return;
    const verdict = (await explain(ctx, card)).find((e) => e.masterId === masterId);
    if (!verdict) {
      await ctx.answerCbQuery(T.masterNotFound, { show_alert: true });
      return;
    }
    await ctx.answerCbQuery();
    const hard = verdict.rejections.some((r) => HARD_REJECTIONS.includes(r));
    const rows: InlineKeyboardButton[][] = [];
    if (!hard && canDistribute(card)) {
      const act: InlineKeyboardButton[] = [];
      if (!verdict.rejections.includes('already_offered')) {
        act.push(cbButton(B.offer, 'ordersOffer', { orderId, masterId }));
      }
      act.push(cbButton(B.assign, 'ordersAssign', { orderId, masterId }));
      rows.push(act);
    }
    rows.push([cbButton(B.toCandidates, 'ordersCandidates', { orderId, page: 0 })], toCardRow(orderId));
    await show(ctx, T.candidateCard(orderId, lineOf(verdict), hard), inlineKeyboard(rows));
  }),
);

orderActions.use(
  staffAction('ordersOffer', 'orders', (ctx, { orderId, masterId }, staff) =>
    pickMaster(ctx, staff, orderId, masterId, offerOrderToMaster, T.offered),
  ),
);

orderActions.use(
  staffAction('ordersAssign', 'orders', (ctx, { orderId, masterId }, staff) =>
    pickMaster(ctx, staff, orderId, masterId, assignOrderToMaster, T.assigned),
  ),
);

orderActions.use(
  staffAction('ordersReturn', 'orders', async (ctx, { orderId }, staff) => {
    const card = await stateCard(ctx, staff, orderId, canReturn);
    if (!card) return;
    const yes = cbButton(B.returnYes, 'ordersReturnConfirm', { orderId });
    await askToConfirm(ctx, orderId, T.returnConfirm(orderId, card.master_name), yes);
  }),
);

orderActions.use(
  staffAction('ordersReturnConfirm', 'orders', async (ctx, { orderId }, staff) => {
    const result = await returnOrderToSearch(ctx.deps.dispatch, actorOf(staff), orderId, T.returnReason);
    await finish(ctx, staff, orderId, result, T.returned);
  }),
);

orderActions.use(askForText('ordersCancel', canCancel, cancelWizard, T.cancelPrompt));

orderActions.use(
  wizardInput(cancelWizard, capable('orders'), async (ctx, { orderId }, text, staff) => {
    const reason = text?.trim() ?? '';
    if (reason.length < REASON_MIN || reason.length > REASON_MAX) {
      await ctx.reply(T.cancelReasonBad);
      return;
    }
    ctx.wizard.clear();
    const result = await cancelOrderByStaff(ctx.deps.dispatch, actorOf(staff), orderId, reason);
    await finish(ctx, staff, orderId, result, T.canceled(orderId));
  }),
);

orderActions.use(
  staffAction('ordersGuarantee', 'orders', async (ctx, { orderId }, staff) => {
    const card = await scopedCard(ctx, staff, orderId);
    if (!card) return;
    const refusal = await guaranteeRefusal(ctx.deps.dispatch, actorOf(staff), orderId);
    if (refusal !== null) {
      await answerGuaranteeRefusal(ctx, staff, orderId, refusal, card.guarantee_children.at(-1));
      return;
    }
    const yes = cbButton(B.guaranteeYes, 'ordersGuaranteeConfirm', { orderId });
    await askToConfirm(ctx, orderId, T.guaranteeConfirm(orderId, card.master_name), yes);
  }),
);

orderActions.use(
  staffAction('ordersGuaranteeConfirm', 'orders', async (ctx, { orderId }, staff) => {
    const result = await createGuaranteeOrder(ctx.deps.dispatch, actorOf(staff), orderId, (d) =>
      T.guaranteeDescription(orderId, d),
    );
    if (result.kind === 'ok') {
      await ctx.answerCbQuery();
      await ctx.reply(T.guaranteeCreated(result.orderId, result.status === 'deferred'));
      await showCard(ctx, staff, result.orderId, 'edit');
      return;
    }
    const existing = 'orderId' in result ? result.orderId : undefined;
    await answerGuaranteeRefusal(ctx, staff, orderId, result.kind, existing);
  }),
);

/** The card of an order in the staff member's scope, or a refusal already answered. */
export async function scopedCard(
  ctx: AdminContext,
  staff: StaffMember,
  orderId: number,
): Promise<OrderCard | undefined> {
  const loaded = await loadOrderCard(ctx.deps.db, staff, orderId);
  if (!loaded) await refuseOrder(ctx, staff, orderId);
  return loaded?.card;
}

/**
 * The card when the order is in scope and `allowed` (the rule the action itself checks)
 * holds; otherwise answered (refusal, or "status changed" and the card again).
 */
export async function stateCard(
  ctx: AdminContext,
  staff: StaffMember,
  orderId: number,
  allowed: (card: OrderCard) => boolean,
): Promise<OrderCard | undefined> {
  const card = await scopedCard(ctx, staff, orderId);
  if (!card) return undefined;
  if (allowed(card)) return card;
  await finish(ctx, staff, orderId, { kind: 'wrong_state' }, '');
  return undefined;
}

/**
 * Answers an action's result: a toast (or a reply after typed input) and the card again —
 * in place after a button, as a new message after typed input.
 */
export async function finish(
  ctx: AdminContext,
  staff: StaffMember,
  orderId: number,
  result: { kind: 'ok' } | { kind: Refusal },
  okText: string,
): Promise<void> {
  if (result.kind === 'not_found' || result.kind === 'not_in_scope') {
    await notice(ctx, result.kind === 'not_found' ? texts.notFound : texts.notInScope, true);
    return;
  }
  await notice(ctx, result.kind === 'ok' ? okText : T.wrongState, result.kind !== 'ok');
  await showCard(ctx, staff, orderId, ctx.callbackQuery ? 'edit' : 'reply');
}

function lineOf(e: CandidateExplanation): CandidateLineData {
  return {
    masterId: e.masterId,
    fullName: e.fullName,
    eligible: e.eligible,
    rank: e.rank,
    why: e.rejections.map((r) => candidateRejectionLabel(r, e.candidate)),
    rating: e.candidate.rating,
    activeOrders: e.candidate.activeOrders,
    orderLimit: e.candidate.orderLimit,
    hasVehicle: e.candidate.hasVehicle,
  };
}

async function explain(ctx: AdminContext, card: OrderCard): Promise<CandidateExplanation[]> {
  const settings = await ctx.deps.dispatch.settings.get();
  const order = {
    id: card.id,
    city_id: card.city_id,
    district_id: card.district_id,
    category: card.category,
    type: card.type,
    preferred_master_id: card.preferred_master_id,
    lat: card.lat,
    lon: card.lon,
  };
  return explainOrderCandidates(ctx.deps.db, order, settings.max_active_orders);
}

/** 📨 Предложить and ✅ Назначить: the same refusals, a different operation and reply. */
async function pickMaster(
  ctx: AdminContext,
  staff: StaffMember,
  orderId: number,
  masterId: number,
  run: typeof offerOrderToMaster | typeof assignOrderToMaster,
  done: (name: string) => string,
): Promise<void> {
  const result = await run(ctx.deps.dispatch, actorOf(staff), orderId, masterId);
  switch (result.kind) {
    case 'master_not_found':
      return void (await ctx.answerCbQuery(T.masterNotFound, { show_alert: true }));
    case 'already_offered':
      return void (await ctx.answerCbQuery(T.alreadyOffered, { show_alert: true }));
    case 'master_unfit': {
      const why = result.rejections.map((x) => CANDIDATE_REJECTIONS[x]);
      return void (await ctx.answerCbQuery(T.masterUnfit(why), { show_alert: true }));
    }
  }
  const name = await masterFullName(ctx.deps.db, masterId);
  await finish(ctx, staff, orderId, result, done(name ?? `#${masterId}`));
}

async function answerGuaranteeRefusal(
  ctx: AdminContext,
  staff: StaffMember,
  orderId: number,
  kind: Exclude<GuaranteeResult['kind'], 'ok'>,
  existing: number | undefined,
): Promise<void> {
  if (kind === 'not_found' || kind === 'not_in_scope') {
    await ctx.answerCbQuery(kind === 'not_found' ? texts.notFound : texts.notInScope, { show_alert: true });
    return;
  }
  const text = kind === 'exists' ? T.guaranteeRefusal.exists(existing ?? 0) : T.guaranteeRefusal[kind];
  await ctx.answerCbQuery(text, { show_alert: true });
  await showCard(ctx, staff, orderId, 'edit');
}
