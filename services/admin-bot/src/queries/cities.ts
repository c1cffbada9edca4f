import type { Db } from '@fs/db';
import { safeEdit } from '@fs/telegram';
import type { InlineKeyboardMarkup } from 'telegraf/types';
import type { AdminContext } from '../context';
import { cityFilter } from '../scope';
import type { StaffMember } from '../staff';

/** Helpers shared by the reports, settings and logs screens. */

export const DEFAULT_TIMEZONE = 'Europe/Moscow';
export const CITIES_PER_PAGE = 10;

/** The zone for lists shown to a staff member: their first city's, else Moscow. */
export async function staffTimezone(db: Db, staff: StaffMember): Promise<string> {
  const first = staff.cityIds[0];
  if (first === undefined) return DEFAULT_TIMEZONE;
  const row = await db.selectFrom('cities').select('timezone').where('id', '=', first).executeTakeFirst();
  return row?.timezone ?? DEFAULT_TIMEZONE;
}

export interface CityRow {
  id: number;
  name: string;
  timezone: string;
  working_hours_start: string | null;
  working_hours_end: string | null;
}

export async function loadCity(db: Db, cityId: number): Promise<CityRow | undefined> {
  return db
    .selectFrom('cities')
    .select(['id', 'name', 'timezone', 'working_hours_start', 'working_hours_end'])
    .where('id', '=', cityId)
    .executeTakeFirst();
}

/** One page of the cities the staff member sees, by name; the page is clamped to the last one. */
export async function cityPage(
  db: Db,
  staff: StaffMember,
  page: number,
  perPage = CITIES_PER_PAGE,
): Promise<{ cities: CityRow[]; page: number; pages: number; total: number }> {
  const { total } = await db
    .selectFrom('cities')
    .select((eb) => eb.fn.countAll<number>().as('total'))
    .where(cityFilter('id', staff))
    .executeTakeFirstOrThrow();
  const count = Number(total);
  const pages = Math.max(1, Math.ceil(count / perPage));
  const p = Math.min(Math.max(0, page), pages - 1);
  const cities = await db
    .selectFrom('cities')
    .select(['id', 'name', 'timezone', 'working_hours_start', 'working_hours_end'])
    .where(cityFilter('id', staff))
    .orderBy('name')
    .offset(p * perPage)
    .limit(perPage)
    .execute();
  return { cities, page: p, pages, total: count };
}

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

/** "HH:MM" of a Postgres `time` ("10:00:00") or a setting ("10:00"). */
export function hhmm(time: string): string {
  return time.slice(0, 5).padStart(5, '0');
}
