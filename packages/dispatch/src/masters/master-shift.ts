import type { BreakEndedPayload, BreakReminderPayload, ShiftStatus } from '@fs/domain';
import { insertOutbox, type OutboxInsert } from '@fs/queue';
import { sql } from 'kysely';
import { wakeCityOrders } from '../offers/due-work';
import { runAfterCommit } from '../shared/after-commit';
import type { DispatchDeps } from '../shared/deps';

/**
 * A master's shift: on / off / break. Each change is one UPDATE guarded by the current state,
 * so a double tap or a stale button changes nothing and says why. Coming on shift (also at the
 * end of a break) wakes the city's waiting orders.
 */

export const BREAK_DURATIONS = { '15m': 15, '1h': 60, '2h': 120 } as const;
export type BreakDuration = keyof typeof BREAK_DURATIONS;
/** The break reminder goes out this many minutes before the end. */
export const BREAK_REMINDER_MINUTES = 10;

export interface ShiftState {
  shiftStatus: ShiftStatus;
  breakUntil: Date | null;
}

export type ShiftChangeResult =
  | ({ kind: 'ok' } & ShiftState)
  /** The master is in a state the change does not start from (e.g. a break while off shift). */
  | ({ kind: 'wrong_state' } & ShiftState)
  | { kind: 'blocked' }
  | { kind: 'not_approved' }
  | { kind: 'not_found' };

type Deps = Pick<DispatchDeps, 'db' | 'queues' | 'logger'>;

const ELIGIBLE = sql<boolean>`moderation_status = 'approved' AND verified AND NOT is_blocked AND NOT is_deleted`;

async function explain(deps: Deps, masterId: number): Promise<ShiftChangeResult> {
  const m = await deps.db
    .selectFrom('masters')
    .select(['shift_status', 'break_until', 'is_blocked', 'moderation_status', 'verified', 'is_deleted'])
    .where('id', '=', masterId)
    .executeTakeFirst();
  if (!m || m.is_deleted) return { kind: 'not_found' };
  if (m.is_blocked) return { kind: 'blocked' };
  if (m.moderation_status !== 'approved' || !m.verified) return { kind: 'not_approved' };
  return { kind: 'wrong_state', shiftStatus: m.shift_status, breakUntil: m.break_until };
}

/**
 * One change `from` → `to` (a break lasting `breakMinutes`). Going off needs no eligibility (a
 * blocked master may still go off); coming on wakes the city's waiting orders.
 */
async function change(
  deps: Deps,
  masterId: number,
  what: string,
  from: readonly ShiftStatus[],
  to: ShiftStatus,
  breakMinutes?: number,
): Promise<ShiftChangeResult> {
  let q = deps.db
    .updateTable('masters')
    .set({
      shift_status: to,
      break_until:
        breakMinutes !== undefined ? sql<Date>`now() + make_interval(mins => ${breakMinutes}::int)` : null,
      // A live location counts only during the shift (master-location.ts).
      ...(to === 'off' ? { live_active: false } : {}),
      updated_at: sql<Date>`now()`,
      version: sql<number>`version + 1`,
    })
    .where('id', '=', masterId)
    .where('is_deleted', '=', false)
    .where('shift_status', 'in', from);
  if (to !== 'off') q = q.where(ELIGIBLE);
  const row = await q.returning(['shift_status', 'break_until', 'city_id']).executeTakeFirst();
  if (!row) {
    const result = await explain(deps, masterId);
    deps.logger.info({ master_id: masterId, change: what, outcome: result.kind }, 'shift change refused');
    return result;
  }
  deps.logger.info({ master_id: masterId, change: what, shift: row.shift_status }, 'shift changed');
  if (to === 'on' && row.city_id !== null) await wakeCityOrders(deps, row.city_id, `master_${what}`);
  return { kind: 'ok', shiftStatus: row.shift_status, breakUntil: row.break_until };
}

/** Off → on (also from a break). Wakes the city's waiting orders. */
export function startShift(deps: Deps, masterId: number): Promise<ShiftChangeResult> {
  return change(deps, masterId, 'shift_on', ['off', 'break'], 'on');
}

/** On or break → off. */
export function endShift(deps: Deps, masterId: number): Promise<ShiftChangeResult> {
  return change(deps, masterId, 'shift_off', ['on', 'break'], 'off');
}

/** On → break until now + duration. */
export function startBreak(
  deps: Deps,
  masterId: number,
  duration: BreakDuration,
): Promise<ShiftChangeResult> {
  return change(deps, masterId, 'break_start', ['on'], 'break', BREAK_DURATIONS[duration]);
}

/** Break → on (the master came back early). Wakes the city's waiting orders. */
export function endBreak(deps: Deps, masterId: number): Promise<ShiftChangeResult> {
  return change(deps, masterId, 'break_end', ['break'], 'on');
}

/**
 * The break now lasts until now + duration (from the reminder's ⏱️ button). A master the break
 * already ended for (back on shift automatically) goes on a new break.
 */
export function extendBreak(
  deps: Deps,
  masterId: number,
  duration: BreakDuration,
): Promise<ShiftChangeResult> {
  return change(deps, masterId, 'break_extend', ['break', 'on'], 'break', BREAK_DURATIONS[duration]);
}

export interface ProcessBreaksResult {
  reminded: number;
  ended: number;
}

const iso = (d: Date) => d.toISOString();
/** One reminder per break end: a break extended to a new end gets a new reminder. */
export const breakReminderDedupKey = (masterId: number, breakUntil: Date) =>
  `break_reminder:${masterId}:${breakUntil.getTime()}`;
const breakEndedDedupKey = (masterId: number, breakUntil: Date) =>
  `break_ended:${masterId}:${breakUntil.getTime()}`;

/**
 * The timed part of breaks, run every minute by the scheduler (once per cluster):
 * - breaks ending within BREAK_REMINDER_MINUTES get the `break_reminder` (deduplicated per
 *   master and break end by the outbox dedup_key, so reruns and replicas send it once);
 * - breaks that are over end: the master is back on shift, gets `break_ended`, and the city's
 *   waiting orders are woken.
 * `now` is injectable for tests; production passes the wall clock.
 */
export async function processBreaks(deps: Deps, now: Date = new Date()): Promise<ProcessBreaksResult> {
  const soon = new Date(now.getTime() + BREAK_REMINDER_MINUTES * 60_000);
  const due = await deps.db
    .selectFrom('masters as m')
    .innerJoin('cities as c', 'c.id', 'm.city_id')
    .select(['m.id', 'm.break_until', 'c.timezone'])
    .where('m.shift_status', '=', 'break')
    .where('m.is_deleted', '=', false)
    .where('m.break_until', '>', now)
    .where('m.break_until', '<=', soon)
    .execute();
  const reminders: OutboxInsert[] = due.map((m) => ({
    bot: 'master',
    event: 'break_reminder',
    master_id: m.id,
    payload: { break_until: iso(m.break_until!), timezone: m.timezone } satisfies BreakReminderPayload,
    dedup_key: breakReminderDedupKey(m.id, m.break_until!),
  }));
  const remindedRefs = await insertOutbox(deps.db, reminders);

  const ended = await deps.db.transaction().execute(async (trx) => {
    const { rows } = await sql<{ id: number; city_id: number | null; break_until: Date }>`
      WITH due AS (
        SELECT id, break_until FROM masters
        WHERE shift_status = 'break' AND break_until <= ${now}
        FOR NO KEY UPDATE SKIP LOCKED
      )
      UPDATE masters m SET shift_status = 'on', break_until = NULL, updated_at = now(), version = m.version + 1
      FROM due WHERE m.id = due.id AND m.shift_status = 'break'
      RETURNING m.id, m.city_id, due.break_until
    `.execute(trx);
    const refs = await insertOutbox(
      trx,
      rows.map((r) => ({
        bot: 'master' as const,
        event: 'break_ended' as const,
        master_id: r.id,
        payload: { break_until: iso(r.break_until) } satisfies BreakEndedPayload,
        dedup_key: breakEndedDedupKey(r.id, r.break_until),
      })),
    );
    return { rows, refs };
  });

  await runAfterCommit(deps, { outbox: [...remindedRefs, ...ended.refs] });
  const cities = new Set(ended.rows.map((r) => r.city_id).filter((c): c is number => c !== null));
  for (const cityId of cities) await wakeCityOrders(deps, cityId, 'break_ended');
  if (remindedRefs.length > 0 || ended.rows.length > 0) {
    deps.logger.info(
      { reminded: remindedRefs.length, ended: ended.rows.length, masters: ended.rows.map((r) => r.id) },
      'breaks processed',
    );
  }
  return { reminded: remindedRefs.length, ended: ended.rows.length };
}
