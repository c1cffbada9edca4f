import { yandexPointUrl } from '@fs/domain';
import { inlineKeyboard } from '@fs/telegram';
import type { InlineKeyboardButton } from 'telegraf/types';
import { cbButton } from '../../callbacks';
import type { AdminContext } from '../../context';
import { menuRow } from '../../keyboards/menu';
import { DEFAULT_TIMEZONE } from '../../queries/cities';
import {
  ACCEPTANCE_WINDOW_DAYS,
  loadMasterCard,
  loadMasterFeedback,
  type MasterCardData,
  type MasterFeedback,
} from '../../queries/masters';
import type { StaffMember } from '../../queries/staff';
import { scopedOrRefuse, show } from '../../render';
import { formatDateTime } from '../../reports/local-time';
import { can } from '../../scope';
import { T } from './common';

/** The master card (profile, districts, skills, stats, active orders, commissions) and its actions. */

function cardKeyboard(m: MasterCardData, staff: StaffMember) {
  const B = T.buttons;
  const rows: InlineKeyboardButton[][] = [];
  if (can(staff, 'moderation') && m.moderation_status === 'pending') {
    rows.push([
      cbButton(B.approve, 'masterApprove', { masterId: m.id }),
      cbButton(B.reject, 'masterReject', { masterId: m.id }),
    ]);
  }
  if (m.documents > 0) rows.push([cbButton(B.documents, 'masterDocs', { masterId: m.id })]);
  if (can(staff, 'masters')) {
    rows.push([
      m.is_blocked
        ? cbButton(B.unblock, 'masterUnblock', { masterId: m.id })
        : cbButton(B.block, 'masterBlock', { masterId: m.id }),
      cbButton(B.limit, 'masterLimit', { masterId: m.id }),
    ]);
    rows.push([
      cbButton(B.districts, 'masterDistricts', { masterId: m.id, page: 0 }),
      cbButton(B.skills, 'masterSkills', { masterId: m.id }),
    ]);
    rows.push([cbButton(B.message, 'masterMessage', { masterId: m.id })]);
  }
  rows.push([
    m.moderation_status === 'pending' && can(staff, 'moderation')
      ? cbButton(B.moderationQueue, 'moderationList', { page: 0 })
      : cbButton(B.backToList, 'mastersList', { page: 0 }),
    ...menuRow(),
  ]);
  return inlineKeyboard(rows);
}

export function cardText(m: MasterCardData, defaultLimit: number, feedback: MasterFeedback): string {
  const tz = m.timezone ?? DEFAULT_TIMEZONE;
  return T.card({
    ...m,
    feedback: {
      ...feedback,
      windowDays: ACCEPTANCE_WINDOW_DAYS,
      latest: feedback.latest.map((r) => ({
        orderId: r.order_id,
        stars: r.stars,
        amountConfirmed: r.amount_confirmed,
        at: formatDateTime(r.created_at, r.timezone),
      })),
    },
    verified_at: m.verified_at ? formatDateTime(m.verified_at, tz) : null,
    limit: m.max_active_orders_override ?? defaultLimit,
    limitIsOverride: m.max_active_orders_override !== null,
    districts: m.districts.map((d) => d.name),
    created: formatDateTime(m.created_at, tz),
    place: {
      base: m.place?.base
        ? { at: formatDateTime(m.place.base.updatedAt, tz), url: yandexPointUrl(m.place.base) }
        : null,
      live: m.place?.live
        ? {
            at: formatDateTime(m.place.live.updatedAt, tz),
            until: m.place.live.until ? formatDateTime(m.place.live.until, tz) : null,
            active: m.place.live.active,
            url: yandexPointUrl(m.place.live),
          }
        : null,
    },
  });
}

/**
 * Shows the master card (edits the pressed message, or sends one after a typed input).
 * Answers the callback; a master of another city or a missing one gets a refusal instead.
 */
export async function showMasterCard(
  ctx: AdminContext,
  staff: StaffMember,
  masterId: number,
  toast?: string,
): Promise<void> {
  const m = await scopedOrRefuse(ctx, staff, await loadMasterCard(ctx.deps.db, masterId));
  if (!m) return;
  if (ctx.callbackQuery) await ctx.answerCbQuery(toast);
  const [settings, feedback] = await Promise.all([
    ctx.deps.dispatch.settings.get(),
    loadMasterFeedback(ctx.deps.db, staff, masterId),
  ]);
  await show(ctx, cardText(m, settings.max_active_orders, feedback), cardKeyboard(m, staff));
}
