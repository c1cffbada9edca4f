import type { Db } from '@fs/db';
import { inlineKeyboard } from '@fs/telegram';
import { sql } from 'kysely';
import type { Telegraf } from 'telegraf';
import type { InlineKeyboardButton } from 'telegraf/types';
import { type CallbackArgs, cbButton } from '../callbacks';
import type { AdminBotDeps, AdminContext } from '../context';
import { formatLogTime } from '../reports/local-time';
import type { StaffMember } from '../staff';
import { texts } from '../texts';
import { menuRow, staffAction } from './menu';
import { show, staffTimezone } from './ops-common';

type Filter = CallbackArgs<'logsPage'>['filter'];

const T = texts.ops.logs;
export const LOGS_PER_PAGE = 10;
/** Pages beyond this are not offered (the viewer is for recent events). */
const MAX_PAGES = 100;

interface LogEntry {
  kind: 'sys' | 'staff';
  id: number;
  created_at: Date;
  /** sys: source; staff: the staff member's name. */
  a: string | null;
  /** sys: level; staff: action. */
  b: string;
  /** sys: message; staff: entity type. */
  c: string;
  entity_id: number | null;
  payload: Record<string, unknown> | null;
}

/** One page of system events and staff actions, newest first. */
export async function loadLogPage(
  db: Db,
  filter: Filter,
  page: number,
): Promise<{ entries: LogEntry[]; pages: number; page: number }> {
  const parts = [];
  if (filter !== 'staff')
    parts.push(sql`SELECT 'sys' AS kind, id, created_at, source AS a, level AS b, message AS c,
      NULL::int AS entity_id, NULL::jsonb AS payload FROM system_events`);
  if (filter !== 'sys')
    parts.push(sql`SELECT 'staff' AS kind, l.id, l.created_at, s.full_name AS a, l.action AS b, l.entity_type AS c,
      l.entity_id, l.payload FROM admin_audit_log l LEFT JOIN staff_users s ON s.id = l.staff_user_id`);
  const union = sql.join(parts, sql` UNION ALL `);
  const counted = await sql<{ n: number }>`SELECT count(*)::int AS n FROM (${union}) x`.execute(db);
  const total = counted.rows[0]?.n ?? 0;
  const pages = Math.min(MAX_PAGES, Math.max(1, Math.ceil(total / LOGS_PER_PAGE)));
  const p = Math.min(Math.max(0, page), pages - 1);
  const rows = await sql<LogEntry>`SELECT * FROM (${union}) x ORDER BY created_at DESC, id DESC
    OFFSET ${p * LOGS_PER_PAGE} LIMIT ${LOGS_PER_PAGE}`.execute(db);
  return { entries: rows.rows.map((r) => ({ ...r, id: Number(r.id) })), pages, page: p };
}

function details(payload: Record<string, unknown> | null): string {
  if (!payload || Object.keys(payload).length === 0) return '';
  return JSON.stringify(payload);
}

export function formatLogEntry(e: LogEntry, tz: string): string {
  const at = formatLogTime(e.created_at, tz);
  if (e.kind === 'sys') return T.system(at, e.a ?? '', e.b, e.c);
  const entity = e.entity_id === null ? e.c : `${e.c} #${e.entity_id}`;
  return T.staff(at, e.a?.trim() || T.unknownStaff, e.b, entity, details(e.payload));
}

/** 🧾 Логи: recent system events and staff actions from the database, in the viewer's zone. */
export function logsFeature(bot: Telegraf<AdminContext>, deps: AdminBotDeps): void {
  const { db } = deps;

  async function showPage(ctx: AdminContext, staff: StaffMember, filter: Filter, page: number) {
    const tz = await staffTimezone(db, staff);
    const { entries, pages, page: p } = await loadLogPage(db, filter, page);
    let text = T.title(T.filters[filter], p, pages, tz);
    text += `\n\n${entries.length === 0 ? T.empty : ''}`;
    // Whole entries only (cutting inside an HTML tag breaks the message); Telegram's limit is 4096.
    for (const [i, e] of entries.entries()) {
      const line = `${i > 0 ? '\n' : ''}${formatLogEntry(e, tz)}`;
      if (text.length + line.length > 4000) break;
      text += line;
    }
    const filterRow = (['all', 'sys', 'staff'] as const).map((f) =>
      cbButton(f === filter ? `• ${T.filters[f]}` : T.filters[f], 'logsPage', { filter: f, page: 0 }),
    );
    const nav: InlineKeyboardButton[] = [];
    if (p > 0) nav.push(cbButton(texts.buttons.prev, 'logsPage', { filter, page: p - 1 }));
    nav.push(cbButton(T.refresh, 'logsPage', { filter, page: p }));
    if (p < pages - 1) nav.push(cbButton(texts.buttons.next, 'logsPage', { filter, page: p + 1 }));
    await show(ctx, text, inlineKeyboard([filterRow, nav, menuRow()]));
  }

  bot.use(
    staffAction('logsMenu', 'logs', async (ctx, _args, staff) => {
      await ctx.answerCbQuery();
      await showPage(ctx, staff, 'all', 0);
    }),
  );
  bot.use(
    staffAction('logsPage', 'logs', async (ctx, { filter, page }, staff) => {
      await ctx.answerCbQuery();
      await showPage(ctx, staff, filter, page);
    }),
  );
}
