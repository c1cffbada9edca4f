import { canReschedule, type NewVisitTime, rescheduleOrder } from '@fs/dispatch';
import {
  addLocalDays,
  asapDecision,
  cityWorkingWindow,
  formatTimeslot,
  isSlotBookable,
  localDateOf,
  parseSlotDate,
  slotsOn,
  type Timeslot,
  timeslotBucketsOf,
} from '@fs/domain';
import { inlineKeyboard } from '@fs/telegram';
import { Composer } from 'telegraf';
import type { InlineKeyboardButton } from 'telegraf/types';
import { cbButton } from '../../callbacks';
import type { AdminContext } from '../../context';
import { pairs } from '../../keyboards/menu';
import { answerClosedWizard, capable, staffAction, wizardInput } from '../../middlewares/guard';
import { loadCity } from '../../queries/cities';
import type { OrderCard } from '../../queries/orders';
import type { StaffMember } from '../../queries/staff';
import { notice, show } from '../../render';
import { actorOf } from '../../scope';
import { askForText, finish, scopedCard, stateCard, toCardRow } from './actions';
import { rescheduleDateWizard, T } from './common';

/**
 * 🔁 Перезапланировать: today's (still open) and tomorrow's slots of the order's city, «как
 * можно скорее» while allowed, or the slots of a typed date (ДД.ММ).
 */
export const orderReschedule = new Composer<AdminContext>();

const B = T.buttons;

orderReschedule.use(
  staffAction('ordersReschedule', 'orders', async (ctx, { orderId }, staff) => {
    const card = await stateCard(ctx, staff, orderId, canReschedule);
    if (!card) return;
    await ctx.answerCbQuery();
    ctx.wizard.clear();
    await showReschedule(ctx, card);
  }),
);

orderReschedule.use(
  askForText('ordersRescheduleDate', canReschedule, rescheduleDateWizard, T.rescheduleDatePrompt),
);

orderReschedule.use(
  wizardInput(rescheduleDateWizard, capable('orders'), async (ctx, { orderId }, text, staff) => {
    const card = await scopedCard(ctx, staff, orderId);
    if (!card) {
      ctx.wizard.clear();
      return;
    }
    const sc = await slotContext(ctx, card.city_id);
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
    ctx.wizard.set(rescheduleDateWizard, { orderId, date: parsed.date });
    const label = parsed.date.split('-').reverse().join('.');
    const rows = [
      ...slotRows(orderId, label, choices),
      [cbButton(B.otherDate, 'ordersRescheduleDate', { orderId })],
      toCardRow(orderId),
    ];
    await ctx.reply(T.rescheduleDateTitle(orderId, label, card.city_name), {
      parse_mode: 'HTML',
      reply_markup: inlineKeyboard(rows),
    });
  }),
);

orderReschedule.use(
  staffAction('ordersRescheduleSlot', 'orders', async (ctx, { orderId, day, idx }, staff) => {
    const card = await scopedCard(ctx, staff, orderId);
    if (!card) return;
    const sc = await slotContext(ctx, card.city_id);
    if (!sc) return;
    let date: string | undefined = day === 'd' ? undefined : sc.dates[day];
    if (day === 'd') {
      const w = ctx.wizard.get(rescheduleDateWizard);
      if (!w || w === 'expired' || w.orderId !== orderId || w.date === undefined) {
        await answerClosedWizard(ctx, rescheduleDateWizard);
        return;
      }
      date = w.date;
    }
    const slot = date === undefined ? undefined : slotsOn(date, sc.buckets, sc.tz)[idx];
    if (!slot || !isSlotBookable(slot, sc.now, sc.leadMinutes)) {
      await ctx.answerCbQuery(T.rescheduleSlotGone, { show_alert: true });
      return;
    }
    await applyReschedule(ctx, staff, orderId, { start: slot.start, end: slot.end, isAsap: false }, sc.tz);
  }),
);

orderReschedule.use(
  staffAction('ordersRescheduleAsap', 'orders', async (ctx, { orderId }, staff) => {
    const card = await scopedCard(ctx, staff, orderId);
    if (!card) return;
    const sc = await slotContext(ctx, card.city_id);
    if (!sc) return;
    if (sc.asap.kind !== 'asap') {
      await ctx.answerCbQuery(T.rescheduleSlotGone, { show_alert: true });
      return;
    }
    await applyReschedule(
      ctx,
      staff,
      orderId,
      { start: sc.asap.start, end: sc.asap.end, isAsap: true },
      sc.tz,
    );
  }),
);

/** The slots a reschedule offers: today's (still open) and tomorrow's, or those of a typed date. */
interface SlotChoice {
  day: 't' | 'm' | 'd';
  idx: number;
  slot: Timeslot;
}

type SlotContext = NonNullable<Awaited<ReturnType<typeof slotContext>>>;

async function slotContext(ctx: AdminContext, cityId: number) {
  const settings = await ctx.deps.dispatch.settings.get();
  const city = await loadCity(ctx.deps.db, cityId);
  if (!city) return undefined;
  const now = ctx.deps.now();
  const tz = city.timezone;
  const buckets = timeslotBucketsOf(settings.order_timeslots);
  const today = localDateOf(now, tz);
  const dates = { t: today, m: addLocalDays(today, 1, tz) };
  const window = cityWorkingWindow(city, settings);
  const asap = asapDecision({ now, tz, window, lateThreshold: settings.asap_late_threshold, buckets });
  return { now, tz, city, buckets, dates, asap, leadMinutes: settings.slot_lead_minutes };
}

function slotsOf(date: string, day: SlotChoice['day'], sc: SlotContext): SlotChoice[] {
  return slotsOn(date, sc.buckets, sc.tz)
    .map((slot, idx): SlotChoice => ({ day, idx, slot }))
    .filter((c) => isSlotBookable(c.slot, sc.now, sc.leadMinutes));
}

function slotRows(orderId: number, title: string, choices: SlotChoice[]): InlineKeyboardButton[][] {
  const label = (s: Timeslot) => `${title} ${s.bucket.start}–${s.bucket.end}`;
  return pairs(
    choices.map((c) => cbButton(label(c.slot), 'ordersRescheduleSlot', { orderId, day: c.day, idx: c.idx })),
  );
}

async function showReschedule(ctx: AdminContext, card: OrderCard): Promise<void> {
  const sc = await slotContext(ctx, card.city_id);
  if (!sc) return;
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
  staff: StaffMember,
  orderId: number,
  slot: NewVisitTime,
  tz: string,
): Promise<void> {
  const result = await rescheduleOrder(ctx.deps.dispatch, actorOf(staff), orderId, slot);
  if (result.kind === 'unchanged') {
    await notice(ctx, T.rescheduleUnchanged);
    return;
  }
  if (result.kind === 'ok') ctx.wizard.clear();
  const label = formatTimeslot({ start: slot.start, end: slot.end, isAsap: slot.isAsap }, tz, ctx.deps.now());
  await finish(ctx, staff, orderId, result, T.rescheduled(label));
}
