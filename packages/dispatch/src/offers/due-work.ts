import { loadSettings } from '@fs/db';
import type { Settings } from '@fs/domain';
import { sql } from 'kysely';
import { deferredOrderWakeAt } from '../orders/deferred';
import type { DispatchDeps, Executor } from '../shared/deps';

/**
 * Which orders need the scheduler, for the safety tick and for wake-ups after a master
 * becomes available. The normal path is event-driven; the tick only repairs lost events.
 */

/** Waiting for an offer: unassigned searching/guarantee order (ix_orders__waiting). */
const WAITING = sql<boolean>`o.status IN ('searching', 'guarantee') AND o.assigned_master_id IS NULL`;
const NO_OPEN_OFFER = sql<boolean>`NOT EXISTS (SELECT 1 FROM offers f WHERE f.order_id = o.id AND f.state IN ('sent', 'viewed'))`;
/** Order `o`'s open offers and how many of them are past their deadline: columns open_offers, due_offers. */
export const OPEN_OFFER_COUNTS = sql`(SELECT count(*)::int FROM offers f WHERE f.order_id = o.id AND f.state IN ('sent', 'viewed')) AS open_offers,
  (SELECT count(*)::int FROM offers f WHERE f.order_id = o.id AND f.state IN ('sent', 'viewed')
    AND f.expires_at <= now()) AS due_offers`;
/** Rounds exhausted: staff decide now; automatic runs would change nothing. */
const NOT_HELD_BY_STAFF = sql<boolean>`o.escalation_reason IS DISTINCT FROM 'rounds_exhausted'`;

/**
 * Priority when many orders wait: admin-escalated, guarantee, time slot already started,
 * logist-escalated, then oldest first (ties by created_at, id).
 */
export const PRIORITY = sql<number>`CASE
  WHEN o.escalated_admin_at IS NOT NULL THEN 0
  WHEN o.type = 'guarantee' OR o.status = 'guarantee' THEN 1
  WHEN o.timeslot_start <= now() THEN 2
  WHEN o.escalated_logist_at IS NOT NULL THEN 3
  ELSE 4 END`;

interface DueRow {
  id: number;
  priority: number;
  created_at: Date;
}

const PAGE = 5000;

/** Pages through every matching order by id (no cap that would starve older orders). */
async function pagedIds(db: Executor, where: ReturnType<typeof sql<boolean>>): Promise<DueRow[]> {
  const out: DueRow[] = [];
  for (let after = 0; ; ) {
    const { rows } = await sql<DueRow>`
      SELECT o.id, ${PRIORITY} AS priority, o.created_at FROM orders o
      WHERE ${WAITING} AND o.id > ${after}::int AND (${where})
      ORDER BY o.id LIMIT ${PAGE}::int
    `.execute(db);
    out.push(...rows);
    if (rows.length < PAGE) return out;
    after = rows[rows.length - 1]!.id;
  }
}

function byPriority(rows: DueRow[]): number[] {
  return rows
    .sort((a, b) => a.priority - b.priority || a.created_at.getTime() - b.created_at.getTime() || a.id - b.id)
    .map((r) => r.id);
}

export interface FindDueWorkOptions {
  /** Wall clock for deferred wake-ups (tests inject it); defaults to now. */
  now?: Date;
  /** Current settings; read from the database when omitted. */
  settings?: Settings;
}

/**
 * Ids of orders needing attention, highest priority first: waiting orders without an open
 * offer (lost wake-up, or nobody was available), orders whose open offers already expired
 * (lost expiry job), orders due for admin escalation, and deferred orders whose wake time
 * has come (distributeOrder moves them to searching).
 */
export async function findDueWork(db: Executor, opts: FindDueWorkOptions = {}): Promise<number[]> {
  const settings = opts.settings ?? (await loadSettings(db));
  const now = opts.now ?? new Date();
  const waiting = await pagedIds(
    db,
    sql<boolean>`(${NO_OPEN_OFFER} AND ${NOT_HELD_BY_STAFF})
      OR EXISTS (SELECT 1 FROM offers f WHERE f.order_id = o.id AND f.state IN ('sent', 'viewed') AND f.expires_at <= now())
      OR (o.escalated_logist_at IS NOT NULL AND o.escalated_admin_at IS NULL
        AND o.escalated_logist_at <= now() - make_interval(mins => ${settings.escalate_to_admin_after_min}::int))`,
  );
  return byPriority([...waiting, ...(await dueDeferred(db, settings, now))]);
}

async function dueDeferred(db: Executor, settings: Settings, now: Date): Promise<DueRow[]> {
  const { rows } = await sql<
    DueRow & {
      deferred_until: Date | null;
      timeslot_start: Date | null;
      timezone: string;
      city_hours_start: string | null;
      city_hours_end: string | null;
    }
  >`
    SELECT o.id, ${PRIORITY} AS priority, o.created_at, o.deferred_until, o.timeslot_start,
      c.timezone, c.working_hours_start AS city_hours_start, c.working_hours_end AS city_hours_end
    FROM orders o JOIN cities c ON c.id = o.city_id
    WHERE o.status = 'deferred' AND (o.deferred_until IS NULL OR o.deferred_until <= ${now})
  `.execute(db);
  return rows.filter((r) => deferredOrderWakeAt(r, settings).getTime() <= now.getTime());
}

/**
 * The one home of "a master of the city may have become available": an offer declined, expired,
 * withdrawn or taken by another, an order canceled, closed or taken back, a shift or break
 * over, a limit raised, a block lifted. Stamps the city (a batch round's "all busy" verdict
 * older than this no longer lets a wake-up be skipped: batch-round.ts probeOrder) and wakes every
 * order of the city that waits for a master without an open offer. Returns how many were woken.
 */
export async function wakeCityOrders(
  deps: Pick<DispatchDeps, 'db' | 'queues' | 'logger'>,
  cityId: number,
  reason: string,
): Promise<number> {
  const { rows } = await sql<DueRow>`
    WITH freed AS (UPDATE cities SET dist_freed_at = clock_timestamp() WHERE id = ${cityId}::int)
    SELECT o.id, ${PRIORITY} AS priority, o.created_at FROM orders o
    WHERE o.city_id = ${cityId}::int AND ${WAITING} AND ${NO_OPEN_OFFER} AND ${NOT_HELD_BY_STAFF}
  `.execute(deps.db);
  const ids = byPriority(rows);
  try {
    await deps.queues.wakeOrders(ids, reason);
  } catch (err) {
    deps.logger.warn(
      { err: String(err), city_id: cityId, orders: ids.length },
      'city wake-up failed; the tick will find them',
    );
  }
  return ids.length;
}

/**
 * Wakes the scheduler for one order that changed (edited, returned, declined…): its "all busy"
 * verdict, if any, is dropped first, so the wake-up is never skipped even when it joins a job
 * that was already waiting. A new order (`fresh`) has none.
 */
export async function wakeOrder(
  deps: Pick<DispatchDeps, 'db' | 'queues'>,
  orderId: number,
  reason: string,
  opts: { fresh?: boolean } = {},
): Promise<void> {
  if (!opts.fresh)
    await sql`UPDATE orders SET dist_busy_at = NULL WHERE id = ${orderId}::int AND dist_busy_at IS NOT NULL`.execute(
      deps.db,
    );
  await deps.queues.wakeOrder(orderId, reason);
}
