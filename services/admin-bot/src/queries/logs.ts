import type { Db } from '@fs/db';
import { sql } from 'kysely';
import type { CallbackArgs } from '../callbacks';

type Filter = CallbackArgs<'logsPage'>['filter'];

export const LOGS_PER_PAGE = 10;
/** Pages beyond this are not offered (the viewer is for recent events). */
const MAX_PAGES = 100;

export interface LogEntry {
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
