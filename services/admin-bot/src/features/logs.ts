import { inlineKeyboard } from '@fs/telegram';
import { Composer } from 'telegraf';
import type { InlineKeyboardButton } from 'telegraf/types';
import { type CallbackArgs, cbButton } from '../callbacks';
import type { AdminContext } from '../context';
import { menuRow } from '../keyboards/menu';
import { staffPages } from '../middlewares/guard';
import { staffTimezone } from '../queries/cities';
import { type LogEntry, loadLogPage } from '../queries/logs';
import type { StaffMember } from '../queries/staff';
import { show } from '../render';
import { formatLogTime } from '../reports/local-time';
import { texts } from '../texts';

type Filter = CallbackArgs<'logsPage'>['filter'];

const T = texts.ops.logs;
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
export const logs = new Composer<AdminContext>();

logs.use(
  staffPages('logsMenu', 'logsPage', 'logs', { filter: 'all', page: 0 }, (ctx, { filter, page }, staff) =>
    showPage(ctx, staff, filter, page),
  ),
);

async function showPage(ctx: AdminContext, staff: StaffMember, filter: Filter, page: number) {
  const tz = await staffTimezone(ctx.deps.db, staff);
  const { entries, pages, page: p } = await loadLogPage(ctx.deps.db, filter, page);
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
