import {
  assignOrderToMaster,
  CANDIDATE_REJECTIONS,
  type CandidateExplanation,
  canCancel,
  cancelOrderByStaff,
  canDistribute,
  canReschedule,
  canReturn,
  createGuaranteeOrder,
  distributeNow,
  explainOrderCandidates,
  type GuaranteeResult,
  guaranteeRefusal,
  HARD_REJECTIONS,
  type NewVisitTime,
  offerOrderToMaster,
  rescheduleOrder,
  returnOrderToSearch,
} from '@fs/dispatch';
import {
  addLocalDays,
  asapDecision,
  cityWorkingWindow,
  formatTimeslot,
  isSlotOpen,
  localDateOf,
  parseSlotDate,
  slotsOn,
  type Timeslot,
  timeslotBucketsOf,
} from '@fs/domain';
import { inlineKeyboard } from '@fs/telegram';
import type { Telegraf } from 'telegraf';
import type { InlineKeyboardButton } from 'telegraf/types';
import { cbButton } from '../callbacks';
import type { AdminBotDeps, AdminContext, AdminWizard } from '../context';
import { loadOrderCard, type OrderCard } from '../order-queries';
import type { StaffMember } from '../staff';
import { texts } from '../texts';
import type { CandidateLineData } from '../texts/orders';
import { staffAction } from './menu';
import { loadCity, show } from './ops-common';
import { refuseOrder, showCard } from './orders-card';
import { notice, ORDERS_WIZARD, orderActor, pager, T } from './orders-common';
import { clearWizard, currentWizard, setWizard } from './wizard-session';

/** The order card's actions: distribute, pick a master (offer / assign), return, cancel, reschedule, guarantee. */

const CANDIDATES_PER_PAGE = 8;
const REASON_MIN = 3;
const REASON_MAX = 200;

type Refusal = 'not_found' | 'not_in_scope' | 'wrong_state';

/** The card of an order in the staff member's scope, or a refusal already answered. */
async function scopedCard(
  ctx: AdminContext,
  deps: AdminBotDeps,
  staff: StaffMember,
  orderId: number,
): Promise<OrderCard | undefined> {
  const loaded = await loadOrderCard(deps.db, staff, orderId);
  if (!loaded) await refuseOrder(ctx, deps, staff, orderId);
  return loaded?.card;
}

/**
 * Answers an action's result: a toast (or a reply after typed input) and the card again —
 * in place after a button, as a new message after typed input.
 */
async function finish(
  ctx: AdminContext,
  deps: AdminBotDeps,
  staff: StaffMember,
  orderId: number,
  result: { kind: 'ok' } | { kind: Refusal },
  okText: string,
): Promise<void> {
  if (result.kind === 'not_found' || result.kind === 'not_in_scope') {
    await notice(ctx, result.kind === 'not_found' ? texts.notFound : texts.notInScope, true);
    return;
  }
  const text = result.kind === 'ok' ? okText : T.wrongState;
  await notice(ctx, text, result.kind !== 'ok');
  await showCard(ctx, deps, staff, orderId, ctx.callbackQuery ? 'edit' : 'reply');
}

/** The card when the order is in scope and `allowed` holds; otherwise answered (refusal or "status changed" + card). */
async function stateCard(
  ctx: AdminContext,
  deps: AdminBotDeps,
  staff: StaffMember,
  orderId: number,
  allowed: (card: OrderCard) => boolean,
): Promise<OrderCard | undefined> {
  const card = await scopedCard(ctx, deps, staff, orderId);
  if (!card) return undefined;
  if (allowed(card)) return card;
  await finish(ctx, deps, staff, orderId, { kind: 'wrong_state' }, '');
  return undefined;
}

const toCardRow = (orderId: number) => [cbButton(T.buttons.toCard, 'ordersCard', { orderId })];

function lineOf(e: CandidateExplanation): CandidateLineData {
  return {
    masterId: e.masterId,
    fullName: e.fullName,
    eligible: e.eligible,
    rank: e.rank,
    why: e.rejections.map((r) => CANDIDATE_REJECTIONS[r]),
    rating: e.candidate.rating,
    activeOrders: e.candidate.activeOrders,
    orderLimit: e.candidate.orderLimit,
    hasVehicle: e.candidate.hasVehicle,
  };
}

async function explain(deps: AdminBotDeps, card: OrderCard): Promise<CandidateExplanation[]> {
  const settings = await deps.dispatch.settings.get();
  return explainOrderCandidates(
    deps.db,
    {
      id: card.id,
      city_id: card.city_id,
      district_id: card.district_id,
      category: card.category,
      type: card.type,
      preferred_master_id: card.preferred_master_id,
    },
    settings.max_active_orders,
  );
}

/** The slots a reschedule offers: today's (still open) and tomorrow's, or those of a typed date. */
interface SlotChoice {
  day: 't' | 'm' | 'd';
  idx: number;
  slot: Timeslot;
}

async function slotContext(deps: AdminBotDeps, cityId: number) {
  const settings = await deps.dispatch.settings.get();
  const city = await loadCity(deps.db, cityId);
  if (!city) return undefined;
  const now = new Date();
  const tz = city.timezone;
  const buckets = timeslotBucketsOf(settings.order_timeslots);
  const today = localDateOf(now, tz);
  const dates = { t: today, m: addLocalDays(today, 1, tz) };
  const window = cityWorkingWindow(city, settings);
  const asap = asapDecision({ now, tz, window, lateThreshold: settings.asap_late_threshold, buckets });
  return { now, tz, city, buckets, dates, asap };
}

function slotsOf(
  date: string,
  day: SlotChoice['day'],
  sc: NonNullable<Awaited<ReturnType<typeof slotContext>>>,
) {
  return slotsOn(date, sc.buckets, sc.tz)
    .map((slot, idx): SlotChoice => ({ day, idx, slot }))
    .filter((c) => isSlotOpen(c.slot, sc.now));
}

const slotLabel = (s: Timeslot) => `${s.bucket.start}–${s.bucket.end}`;

function slotRows(orderId: number, title: string, choices: SlotChoice[]): InlineKeyboardButton[][] {
  if (choices.length === 0) return [];
  const buttons = choices.map((c) =>
    cbButton(`${title} ${slotLabel(c.slot)}`, 'ordersRescheduleSlot', { orderId, day: c.day, idx: c.idx }),
  );
  const rows: InlineKeyboardButton[][] = [];
  for (let i = 0; i < buttons.length; i += 2) rows.push(buttons.slice(i, i + 2));
  return rows;
}

async function showReschedule(ctx: AdminContext, deps: AdminBotDeps, card: OrderCard): Promise<void> {
  const sc = await slotContext(deps, card.city_id);
  if (!sc) return;
  const B = T.buttons;
  const rows: InlineKeyboardButton[][] = [
    ...slotRows(card.id, B.today, slotsOf(sc.dates.t, 't', sc)),
    ...slotRows(card.id, B.tomorrow, slotsOf(sc.dates.m, 'm', sc)),
  ];
  if (sc.asap.kind === 'asap') rows.push([cbButton(B.asap, 'ordersRescheduleAsap', { orderId: card.id })]);
  rows.push([cbButton(B.otherDate, 'ordersRescheduleDate', { orderId: card.id })], toCardRow(card.id));
  const current = formatTimeslot(
    { start: card.timeslot_start, end: card.timeslot_end, isAsap: card.is_asap },
    card.timezone,
    sc.now,
  );
  await show(ctx, T.rescheduleTitle(card.id, current, card.city_name), inlineKeyboard(rows));
}

async function applyReschedule(
  ctx: AdminContext,
  deps: AdminBotDeps,
  staff: StaffMember,
  orderId: number,
  slot: NewVisitTime,
  tz: string,
): Promise<void> {
  const result = await rescheduleOrder(deps.dispatch, orderActor(staff), orderId, slot);
  if (result.kind === 'unchanged') {
    await notice(ctx, T.rescheduleUnchanged);
    return;
  }
  if (result.kind === 'ok') clearWizard(ctx);
  const label = formatTimeslot({ start: slot.start, end: slot.end, isAsap: slot.isAsap }, tz, new Date());
  await finish(ctx, deps, staff, orderId, result, T.rescheduled(label));
}

export function orderActionsFeature(bot: Telegraf<AdminContext>, deps: AdminBotDeps): void {
  const on = bot.use.bind(bot);
  const B = T.buttons;

  on(
    staffAction('ordersDistribute', 'orders', async (ctx, { orderId }, staff) => {
      const result = await distributeNow(deps.dispatch, orderActor(staff), orderId);
      await finish(ctx, deps, staff, orderId, result, T.distributed);
    }),
  );

  on(
    staffAction('ordersCandidates', 'orders', async (ctx, { orderId, page }, staff) => {
      const card = await scopedCard(ctx, deps, staff, orderId);
      if (!card) return;
      if (!canDistribute(card)) {
        await finish(ctx, deps, staff, orderId, { kind: 'wrong_state' }, '');
        return;
      }
      await ctx.answerCbQuery();
      const all = await explain(deps, card);
      const pages = Math.max(1, Math.ceil(all.length / CANDIDATES_PER_PAGE));
      const p = Math.min(page, pages - 1);
      const shown = all.slice(p * CANDIDATES_PER_PAGE, (p + 1) * CANDIDATES_PER_PAGE).map(lineOf);
      const rows: InlineKeyboardButton[][] = shown.map((c) => [
        cbButton(T.candidateButton(c), 'ordersCandidate', { orderId, masterId: c.masterId }),
      ]);
      const nav = pager(p, pages, 'ordersCandidates', (n) => ({ orderId, page: n }));
      if (nav.length > 0) rows.push(nav);
      rows.push(toCardRow(orderId));
      const text =
        all.length === 0
          ? T.candidatesEmpty(orderId)
          : T.candidatesTitle(orderId, all.filter((e) => e.eligible).length, all.length, p, pages);
      await show(ctx, text, inlineKeyboard(rows));
    }),
  );

  on(
    staffAction('ordersCandidate', 'orders', async (ctx, { orderId, masterId }, staff) => {
      const card = await scopedCard(ctx, deps, staff, orderId);
      if (!card) return;
      const verdict = (await explain(deps, card)).find((e) => e.masterId === masterId);
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

  const pickRefusal = async (
    ctx: AdminContext,
    r:
      | { kind: 'master_not_found' }
      | { kind: 'already_offered' }
      | { kind: 'master_unfit'; rejections: string[] },
  ) => {
    const text =
      r.kind === 'master_not_found'
        ? T.masterNotFound
        : r.kind === 'already_offered'
          ? T.alreadyOffered
          : T.masterUnfit(
              r.rejections.map((x) => CANDIDATE_REJECTIONS[x as keyof typeof CANDIDATE_REJECTIONS]),
            );
    await ctx.answerCbQuery(text, { show_alert: true });
  };

  /** 📨 Предложить and ✅ Назначить: the same refusals, a different operation and reply. */
  const pickMaster = async (
    ctx: AdminContext,
    staff: StaffMember,
    orderId: number,
    masterId: number,
    run: typeof offerOrderToMaster | typeof assignOrderToMaster,
    done: (name: string) => string,
  ) => {
    const result = await run(deps.dispatch, orderActor(staff), orderId, masterId);
    if (
      result.kind === 'master_not_found' ||
      result.kind === 'already_offered' ||
      result.kind === 'master_unfit'
    ) {
      await pickRefusal(ctx, result);
      return;
    }
    const name = (await explainName(deps, masterId)) ?? `#${masterId}`;
    await finish(ctx, deps, staff, orderId, result, done(name));
  };

  on(
    staffAction('ordersOffer', 'orders', (ctx, { orderId, masterId }, staff) =>
      pickMaster(ctx, staff, orderId, masterId, offerOrderToMaster, T.offered),
    ),
  );
  on(
    staffAction('ordersAssign', 'orders', (ctx, { orderId, masterId }, staff) =>
      pickMaster(ctx, staff, orderId, masterId, assignOrderToMaster, T.assigned),
    ),
  );

  on(
    staffAction('ordersReturn', 'orders', async (ctx, { orderId }, staff) => {
      const card = await stateCard(ctx, deps, staff, orderId, canReturn);
      if (!card) return;
      await ctx.answerCbQuery();
      const keyboard = inlineKeyboard([
        [cbButton(B.returnYes, 'ordersReturnConfirm', { orderId })],
        toCardRow(orderId),
      ]);
      await show(ctx, T.returnConfirm(orderId, card.master_name), keyboard);
    }),
  );
  on(
    staffAction('ordersReturnConfirm', 'orders', async (ctx, { orderId }, staff) => {
      const result = await returnOrderToSearch(deps.dispatch, orderActor(staff), orderId, T.returnReason);
      await finish(ctx, deps, staff, orderId, result, T.returned);
    }),
  );

  on(
    staffAction('ordersCancel', 'orders', async (ctx, { orderId }, staff) => {
      const card = await stateCard(ctx, deps, staff, orderId, canCancel);
      if (!card) return;
      await ctx.answerCbQuery();
      setWizard(ctx, { kind: ORDERS_WIZARD, step: 'cancelReason', data: { orderId } });
      await show(ctx, T.cancelPrompt(orderId), inlineKeyboard([toCardRow(orderId)]));
    }),
  );

  on(
    staffAction('ordersGuarantee', 'orders', async (ctx, { orderId }, staff) => {
      const card = await scopedCard(ctx, deps, staff, orderId);
      if (!card) return;
      const refusal = await guaranteeRefusal(deps.dispatch, orderActor(staff), orderId);
      if (refusal !== null) {
        await answerGuaranteeRefusal(ctx, deps, staff, orderId, refusal, card.guarantee_children.at(-1));
        return;
      }
      await ctx.answerCbQuery();
      const keyboard = inlineKeyboard([
        [cbButton(B.guaranteeYes, 'ordersGuaranteeConfirm', { orderId })],
        toCardRow(orderId),
      ]);
      await show(ctx, T.guaranteeConfirm(orderId, card.master_name), keyboard);
    }),
  );
  on(
    staffAction('ordersGuaranteeConfirm', 'orders', async (ctx, { orderId }, staff) => {
      const result = await createGuaranteeOrder(deps.dispatch, orderActor(staff), orderId, (d) =>
        T.guaranteeDescription(orderId, d),
      );
      if (result.kind === 'ok') {
        await ctx.answerCbQuery();
        await ctx.reply(T.guaranteeCreated(result.orderId, result.status === 'deferred'));
        await showCard(ctx, deps, staff, result.orderId, 'edit');
        return;
      }
      await answerGuaranteeRefusal(
        ctx,
        deps,
        staff,
        orderId,
        result.kind,
        'orderId' in result ? result.orderId : undefined,
      );
    }),
  );

  on(
    staffAction('ordersReschedule', 'orders', async (ctx, { orderId }, staff) => {
      const card = await scopedCard(ctx, deps, staff, orderId);
      if (!card) return;
      if (!canReschedule(card)) {
        await finish(ctx, deps, staff, orderId, { kind: 'wrong_state' }, '');
        return;
      }
      await ctx.answerCbQuery();
      clearWizard(ctx);
      await showReschedule(ctx, deps, card);
    }),
  );
  on(
    staffAction('ordersRescheduleDate', 'orders', async (ctx, { orderId }, staff) => {
      const card = await stateCard(ctx, deps, staff, orderId, canReschedule);
      if (!card) return;
      await ctx.answerCbQuery();
      setWizard(ctx, { kind: ORDERS_WIZARD, step: 'rescheduleDate', data: { orderId } });
      await show(ctx, T.rescheduleDatePrompt(orderId), inlineKeyboard([toCardRow(orderId)]));
    }),
  );
  on(
    staffAction('ordersRescheduleSlot', 'orders', async (ctx, { orderId, day, idx }, staff) => {
      const card = await scopedCard(ctx, deps, staff, orderId);
      if (!card) return;
      const sc = await slotContext(deps, card.city_id);
      if (!sc) return;
      let date: string | undefined;
      if (day === 'd') {
        const w = currentWizard(ctx, ORDERS_WIZARD);
        if (w === 'expired' || !w || w.data.orderId !== orderId || typeof w.data.date !== 'string') {
          await ctx.answerCbQuery(texts.sessionExpired, { show_alert: true });
          return;
        }
        date = w.data.date;
      } else {
        date = sc.dates[day];
      }
      const slot = slotsOn(date, sc.buckets, sc.tz)[idx];
      if (!slot || !isSlotOpen(slot, sc.now)) {
        await ctx.answerCbQuery(T.rescheduleSlotGone, { show_alert: true });
        return;
      }
      await applyReschedule(
        ctx,
        deps,
        staff,
        orderId,
        { start: slot.start, end: slot.end, isAsap: false },
        sc.tz,
      );
    }),
  );
  on(
    staffAction('ordersRescheduleAsap', 'orders', async (ctx, { orderId }, staff) => {
      const card = await scopedCard(ctx, deps, staff, orderId);
      if (!card) return;
      const sc = await slotContext(deps, card.city_id);
      if (!sc) return;
      if (sc.asap.kind !== 'asap') {
        await ctx.answerCbQuery(T.rescheduleSlotGone, { show_alert: true });
        return;
      }
      await applyReschedule(
        ctx,
        deps,
        staff,
        orderId,
        { start: sc.asap.start, end: sc.asap.end, isAsap: true },
        sc.tz,
      );
    }),
  );
}

async function answerGuaranteeRefusal(
  ctx: AdminContext,
  deps: AdminBotDeps,
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
  await showCard(ctx, deps, staff, orderId, 'edit');
}

async function explainName(deps: AdminBotDeps, masterId: number): Promise<string | undefined> {
  const row = await deps.db
    .selectFrom('masters')
    .select('full_name')
    .where('id', '=', masterId)
    .executeTakeFirst();
  return row?.full_name;
}

/** Typed input of the card's wizards: the cancel reason and the reschedule date. */
export async function handleOrderActionInput(
  ctx: AdminContext,
  deps: AdminBotDeps,
  staff: StaffMember,
  w: AdminWizard,
  text: string | undefined,
): Promise<void> {
  const orderId = typeof w.data.orderId === 'number' ? w.data.orderId : undefined;
  if (orderId === undefined) {
    clearWizard(ctx);
    await ctx.reply(texts.sessionExpired);
    return;
  }
  if (w.step === 'cancelReason') {
    const reason = text?.trim() ?? '';
    if (reason.length < REASON_MIN || reason.length > REASON_MAX) {
      await ctx.reply(T.cancelReasonBad);
      return;
    }
    clearWizard(ctx);
    const result = await cancelOrderByStaff(deps.dispatch, orderActor(staff), orderId, reason);
    await finish(ctx, deps, staff, orderId, result, T.canceled(orderId));
    return;
  }
  if (w.step === 'rescheduleDate') {
    const card = await scopedCard(ctx, deps, staff, orderId);
    if (!card) {
      clearWizard(ctx);
      return;
    }
    const sc = await slotContext(deps, card.city_id);
    if (!sc) return;
    const parsed = parseSlotDate(text ?? '', sc.now, sc.tz);
    if (!parsed.ok) {
      await ctx.reply(T.rescheduleDateBad[parsed.reason], { parse_mode: 'HTML' });
      return;
    }
    const choices = slotsOf(parsed.date, 'd', sc);
    if (choices.length === 0) {
      await ctx.reply(T.rescheduleNoSlots);
      return;
    }
    setWizard(ctx, { kind: ORDERS_WIZARD, step: 'rescheduleDate', data: { orderId, date: parsed.date } });
    const label = parsed.date.split('-').reverse().join('.');
    const rows = [
      ...slotRows(orderId, label, choices),
      [cbButton(T.buttons.otherDate, 'ordersRescheduleDate', { orderId })],
      toCardRow(orderId),
    ];
    await ctx.reply(T.rescheduleDateTitle(orderId, label, card.city_name), {
      parse_mode: 'HTML',
      reply_markup: inlineKeyboard(rows),
    });
  }
}
