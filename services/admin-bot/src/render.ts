import { safeEdit } from '@fs/telegram';
import type { InlineKeyboardMarkup } from 'telegraf/types';
import type { AdminContext } from './context';
import type { StaffMember } from './queries/staff';
import { inScope } from './scope';
import { texts } from './texts';

/** Edits the pressed button's message, or sends a new one (after a typed input). */
export async function show(ctx: AdminContext, text: string, keyboard: InlineKeyboardMarkup): Promise<void> {
  const extra = {
    parse_mode: 'HTML' as const,
    reply_markup: keyboard,
    link_preview_options: { is_disabled: true },
  };
  if (ctx.callbackQuery?.message) await safeEdit(ctx, text, extra);
  else await ctx.reply(text, extra);
}

/** Answers a callback (toast) or a typed message (reply) with a short notice. */
export async function notice(ctx: AdminContext, text: string, alert = false): Promise<void> {
  if (ctx.callbackQuery) await ctx.answerCbQuery(text, { show_alert: alert });
  else await ctx.reply(text);
}

/**
 * `row` when it exists and its city is in the staff member's scope; otherwise the staff member
 * is told why not (no such thing, or another city) and the result is undefined.
 */
export async function scopedOrRefuse<T extends { city_id: number | null }>(
  ctx: AdminContext,
  staff: StaffMember,
  row: T | undefined,
): Promise<T | undefined> {
  if (row && inScope(staff, row.city_id)) return row;
  await notice(ctx, row ? texts.notInScope : texts.notFound, true);
  return undefined;
}

/** "HH:MM" of a Postgres `time` ("10:00:00") or a setting ("10:00"). */
export function hhmm(time: string): string {
  return time.slice(0, 5).padStart(5, '0');
}
