import {
  canCancel,
  canDistribute,
  canPinLocation,
  canReschedule,
  canReturn,
  canShareClientLink,
  guaranteeRefusal,
} from '@fs/dispatch';
import { yandexPointUrl } from '@fs/domain';
import { copyButton, inlineKeyboard, safeEdit } from '@fs/telegram';
import { Composer } from 'telegraf';
import type { InlineKeyboardButton, InlineKeyboardMarkup } from 'telegraf/types';
import { cbButton } from '../../callbacks';
import type { AdminContext } from '../../context';
import { sendStoredFiles } from '../../files';
import { menuRow } from '../../keyboards/menu';
import { staffAction } from '../../middlewares/guard';
import { loadOrderCard, type OrderCard, orderActs, orderCityId } from '../../queries/orders';
import type { StaffMember } from '../../queries/staff';
import { notice } from '../../render';
import { actorOf, inScope } from '../../scope';
import { texts } from '../../texts';
import { lastView, T } from './common';

/** The order card: text, copy buttons, the actions its status allows; and the act files. */
export const orderCard = new Composer<AdminContext>();

// From alerts (escalations, digest, assignment) and search results: a new message under them.
orderCard.use(
  staffAction('adminOrderOpen', 'orders', async (ctx, { orderId }, staff) => {
    if (await showCard(ctx, staff, orderId, 'reply')) await ctx.answerCbQuery();
  }),
);

orderCard.use(
  staffAction('ordersCard', 'orders', async (ctx, { orderId }, staff) => {
    if (await showCard(ctx, staff, orderId, 'edit')) await ctx.answerCbQuery();
  }),
);

orderCard.use(
  staffAction('ordersAct', 'orders', async (ctx, { orderId }, staff) => {
    const cityId = await orderCityId(ctx.deps.db, orderId);
    if (cityId === undefined || !inScope(staff, cityId)) {
      await refuseOrder(ctx, staff, orderId);
      return;
    }
    const files = await orderActs(ctx.deps.db, staff, orderId);
    if (files.length === 0) {
      await ctx.answerCbQuery(T.actNone, { show_alert: true });
      return;
    }
    await ctx.answerCbQuery();
    const { failed } = await sendStoredFiles(ctx, ctx.deps, files, (i) =>
      T.actCaption(orderId, i, files.length),
    );
    if (failed > 0) await ctx.reply(T.actFailed(failed));
  }),
);

/**
 * Shows the card: in place of the pressed message (`edit`), or as a new message (`reply`:
 * from an alert, which stays as it is, or after typed input). False when refused.
 */
export async function showCard(
  ctx: AdminContext,
  staff: StaffMember,
  orderId: number,
  how: 'edit' | 'reply',
): Promise<boolean> {
  const loaded = await loadOrderCard(ctx.deps.db, staff, orderId);
  if (!loaded) {
    await refuseOrder(ctx, staff, orderId);
    return false;
  }
  // "⬅️ К списку" returns to the list the staff member came from.
  const keyboard = await cardKeyboard(ctx, staff, loaded.card, lastView(ctx));
  const text = T.card(loaded.card, loaded.history, loaded.offers, ctx.deps.now());
  const extra = {
    parse_mode: 'HTML' as const,
    reply_markup: keyboard,
    link_preview_options: { is_disabled: true },
  };
  if (how === 'edit' && ctx.callbackQuery?.message) await safeEdit(ctx, text, extra);
  else await ctx.reply(text, extra);
  return true;
}

/** Tells a staff member why an order is not shown: another city, or no such order. */
export async function refuseOrder(ctx: AdminContext, staff: StaffMember, orderId: number): Promise<void> {
  const cityId = await orderCityId(ctx.deps.db, orderId);
  const text = cityId !== undefined && !inScope(staff, cityId) ? texts.notInScope : texts.notFound;
  await notice(ctx, text, true);
}

/** The card's buttons: each action is shown exactly when the rule its action asks allows it. */
async function cardKeyboard(
  ctx: AdminContext,
  staff: StaffMember,
  c: OrderCard,
  view: ReturnType<typeof lastView>,
): Promise<InlineKeyboardMarkup> {
  const B = T.buttons;
  const orderId = c.id;
  const rows: InlineKeyboardButton[][] = [];
  const copy: InlineKeyboardButton[] = [];
  if (c.client_phone) copy.push(copyButton(B.copyPhone, c.client_phone));
  copy.push(copyButton(B.copyAddress, T.addressLine(c)));
  rows.push(copy);
  if (canDistribute(c)) {
    rows.push([
      cbButton(B.distribute, 'ordersDistribute', { orderId }),
      cbButton(B.pickMaster, 'ordersCandidates', { orderId, page: 0 }),
    ]);
  }
  if (canReturn(c)) rows.push([cbButton(B.returnToSearch, 'ordersReturn', { orderId })]);
  const change: InlineKeyboardButton[] = [];
  if (canReschedule(c)) change.push(cbButton(B.reschedule, 'ordersReschedule', { orderId }));
  if (canCancel(c)) change.push(cbButton(B.cancel, 'ordersCancel', { orderId }));
  if (change.length > 0) rows.push(change);
  if (
    c.status === 'closed' &&
    (await guaranteeRefusal(ctx.deps.dispatch, actorOf(staff), orderId)) === null
  ) {
    rows.push([cbButton(B.guarantee, 'ordersGuarantee', { orderId })]);
  }
  const place: InlineKeyboardButton[] = [];
  if (canPinLocation(c)) place.push(cbButton(B.pin, 'ordersPin', { orderId }));
  if (c.lat !== null && c.lon !== null)
    place.push({ text: B.onMap, url: yandexPointUrl({ lat: c.lat, lon: c.lon }) });
  if (place.length > 0) rows.push(place);
  if (c.acts > 0) rows.push([cbButton(B.act, 'ordersAct', { orderId })]);
  if (ctx.deps.config.CLIENT_BOT_USERNAME && canShareClientLink(c))
    rows.push([cbButton(B.clientLink, 'ordersClientLink', { orderId })]);
  rows.push([cbButton(B.refresh, 'ordersCard', { orderId }), cbButton(B.toList, 'ordersList', view)]);
  rows.push(menuRow());
  return inlineKeyboard(rows);
}
