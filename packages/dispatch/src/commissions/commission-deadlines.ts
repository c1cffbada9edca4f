import { type CommissionDuePayload, type CommissionOverduePayload, overdueBlockReason } from '@fs/domain';
import { insertOutbox, type OutboxInsert, type OutboxRef } from '@fs/queue';
import { sql } from 'kysely';
import { setMasterBlock } from '../masters/master-admin';
import { runAfterCommit } from '../shared/after-commit';
import type { DispatchDeps, Executor } from '../shared/deps';
import { alertsChannelId, staffOutboxRows, staffRecipients } from '../shared/staff-recipients';
import { recordSystemEvent } from '../shared/system-events';
import { commissionsWithCity, commissionsWithOrder } from './commission-read';

/**
 * Commission deadlines, run by the scheduler's `commissions` Job Scheduler every minute:
 *
 * - Reminders before the deadline of an unpaid (`wait_pay`) commission. The thresholds fit the
 *   commission's own payment window (deadline − creation, i.e. `commission_deadline_hours` when
 *   it was created): every step of the ladder 24 h, 6 h, 1 h, 15 min that is at most half the
 *   window. 3 h → 60 and 15 min before; 1 h → 15 min; 24 h → 6 h, 1 h, 15 min. Each threshold is
 *   recorded once in `commission_deadline_notifications`; when a run finds several crossed at
 *   once (the scheduler was down), only the tightest is sent.
 * - At the deadline an unpaid commission becomes `overdue` and its master is blocked (unless
 *   already blocked), with `commission_overdue` to the master and to the city's admins (plus the
 *   alerts channel). A commission that staff sent back to `overdue` after rejecting a late report
 *   is blocked the same way. A `reported` commission is left alone while staff check it.
 *
 * Several scheduler replicas may run this at once: overdue rows are claimed with
 * `FOR UPDATE SKIP LOCKED` and a conditional update, reminders by the primary key of the
 * notifications table inside the transaction that writes the outbox row (and outbox dedup keys).
 */

type Deps = Pick<DispatchDeps, 'db' | 'queues' | 'logger' | 'settings'>;

export const REMINDER_LADDER_MINUTES = [1440, 360, 60, 15] as const;

/** Reminder thresholds (minutes before the deadline, largest first) for a payment window. */
export function reminderThresholds(windowMinutes: number): number[] {
  return REMINDER_LADDER_MINUTES.filter((m) => m * 2 <= windowMinutes);
}

export const commissionDueDedupKey = (commissionId: number, minutesBefore: number) =>
  `commission_due:c${commissionId}:m${minutesBefore}`;
const overdueDedupPrefix = (commissionId: number) => `commission_overdue:c${commissionId}`;

/** Overdue commissions handled per transaction (the job repeats until none are left). */
const OVERDUE_BATCH = 100;

export interface CommissionDeadlinesResult {
  reminded: number;
  overdue: number;
  blocked: number;
}

interface DueRow {
  id: number;
  order_id: number;
  master_id: number;
  amount_kopecks: number;
  deadline_at: Date;
  created_at: Date;
  timezone: string;
}

async function sendReminders(deps: Deps, now: Date): Promise<OutboxRef[]> {
  const horizon = new Date(now.getTime() + REMINDER_LADDER_MINUTES[0] * 60_000);
  const due: DueRow[] = await commissionsWithCity(deps.db)
    .select([
      'k.id',
      'k.order_id',
      'k.master_id',
      'k.amount_kopecks',
      'k.deadline_at',
      'k.created_at',
      'c.timezone',
    ])
    .where('k.status', '=', 'wait_pay')
    .where('k.deadline_at', '>', now)
    .where('k.deadline_at', '<=', horizon)
    .execute();
  const refs: OutboxRef[] = [];
  for (const c of due) {
    const minutesLeft = (c.deadline_at.getTime() - now.getTime()) / 60_000;
    const windowMinutes = (c.deadline_at.getTime() - c.created_at.getTime()) / 60_000;
    const crossed = reminderThresholds(windowMinutes).filter((t) => minutesLeft <= t);
    if (crossed.length === 0) continue;
    const tightest = Math.min(...crossed);
    const sent = await deps.db.transaction().execute(async (trx) => {
      const recorded = await trx
        .insertInto('commission_deadline_notifications')
        .values(crossed.map((t) => ({ commission_id: c.id, minutes_before: t })))
        .onConflict((oc) => oc.columns(['commission_id', 'minutes_before']).doNothing())
        .returning('minutes_before')
        .execute();
      if (!recorded.some((r) => r.minutes_before === tightest)) return [];
      const payload: CommissionDuePayload = {
        commission_id: c.id,
        order_id: c.order_id,
        amount_kopecks: c.amount_kopecks,
        deadline_at: c.deadline_at.toISOString(),
        timezone: c.timezone,
      };
      return insertOutbox(trx, [
        {
          bot: 'master',
          event: 'commission_due',
          master_id: c.master_id,
          order_id: c.order_id,
          payload: { ...payload },
          dedup_key: commissionDueDedupKey(c.id, tightest),
        },
      ]);
    });
    refs.push(...sent);
  }
  return refs;
}

interface OverdueRow {
  id: number;
  order_id: number;
  master_id: number;
  amount_kopecks: number;
  city_id: number;
}

/** Marks one claimed commission overdue and blocks its master; returns the notices. */
async function applyOverdue(
  trx: Executor,
  c: OverdueRow,
  channelId: number | null,
): Promise<{ rows: OutboxInsert[]; blocked: boolean }> {
  const updated = await trx
    .updateTable('commissions')
    .set({ status: 'overdue', blocked_applied: true, updated_at: sql<Date>`now()` })
    .where('id', '=', c.id)
    .where((eb) =>
      eb.or([
        eb('status', '=', 'wait_pay'),
        eb.and([eb('status', '=', 'overdue'), eb('blocked_applied', '=', false)]),
      ]),
    )
    .returning('id')
    .executeTakeFirst();
  if (!updated) return { rows: [], blocked: false };
  const m = await trx
    .selectFrom('masters')
    .select(['id', 'full_name', 'is_blocked'])
    .where('id', '=', c.master_id)
    .forNoKeyUpdate()
    .executeTakeFirstOrThrow();
  let blocked = false;
  if (!m.is_blocked) {
    await setMasterBlock(trx, m.id, overdueBlockReason(c.order_id));
    blocked = true;
  }
  const base = {
    commission_id: c.id,
    order_id: c.order_id,
    amount_kopecks: c.amount_kopecks,
    master_id: c.master_id,
    master_name: m.full_name,
  };
  const toMaster: CommissionOverduePayload = { audience: 'master', ...base };
  const toStaff: CommissionOverduePayload = { audience: 'staff', ...base };
  const rows: OutboxInsert[] = [
    {
      bot: 'master',
      event: 'commission_overdue',
      master_id: c.master_id,
      order_id: c.order_id,
      payload: { ...toMaster },
      dedup_key: `${overdueDedupPrefix(c.id)}:m${c.master_id}`,
    },
    ...staffOutboxRows({
      event: 'commission_overdue',
      staffIds: await staffRecipients(trx, c.city_id, 'city_admins'),
      channelId,
      orderId: c.order_id,
      payload: toStaff,
      dedupPrefix: overdueDedupPrefix(c.id),
    }),
  ];
  await recordSystemEvent(trx, {
    source: 'commissions',
    level: 'warn',
    message: `commission #${c.id} (order #${c.order_id}) overdue${blocked ? `: master #${c.master_id} blocked` : ''}`,
    orderId: c.order_id,
    masterId: c.master_id,
    context: { commission_id: c.id, blocked },
  });
  return { rows, blocked };
}

async function applyOverdueBatch(
  deps: Deps,
  now: Date,
  channelId: number | null,
): Promise<{ refs: OutboxRef[]; overdue: number; blocked: number }> {
  return deps.db.transaction().execute(async (trx) => {
    const claimed: OverdueRow[] = await commissionsWithOrder(trx)
      .select(['k.id', 'k.order_id', 'k.master_id', 'k.amount_kopecks', 'o.city_id'])
      .where((eb) =>
        eb.or([
          eb.and([eb('k.status', '=', 'wait_pay'), eb('k.deadline_at', '<=', now)]),
          eb.and([eb('k.status', '=', 'overdue'), eb('k.blocked_applied', '=', false)]),
        ]),
      )
      .orderBy('k.deadline_at')
      .limit(OVERDUE_BATCH)
      .forUpdate('k')
      .skipLocked()
      .execute();
    const rows: OutboxInsert[] = [];
    let overdue = 0;
    let blocked = 0;
    for (const c of claimed) {
      const applied = await applyOverdue(trx, c, channelId);
      if (applied.rows.length === 0) continue;
      overdue += 1;
      if (applied.blocked) blocked += 1;
      rows.push(...applied.rows);
    }
    return { refs: await insertOutbox(trx, rows), overdue, blocked };
  });
}

/** One run of the deadline job at `now` (see the module comment). */
export async function processCommissionDeadlines(
  deps: Deps,
  now: Date = new Date(),
): Promise<CommissionDeadlinesResult> {
  const settings = await deps.settings.get();
  const channelId = alertsChannelId(settings.alerts_channel_id);
  const reminderRefs = await sendReminders(deps, now);
  await runAfterCommit(deps, { outbox: reminderRefs });
  const result: CommissionDeadlinesResult = { reminded: reminderRefs.length, overdue: 0, blocked: 0 };
  for (;;) {
    const batch = await applyOverdueBatch(deps, now, channelId);
    await runAfterCommit(deps, { outbox: batch.refs });
    result.overdue += batch.overdue;
    result.blocked += batch.blocked;
    if (batch.overdue < OVERDUE_BATCH) break;
  }
  if (result.reminded > 0 || result.overdue > 0) {
    deps.logger.info({ ...result }, 'commission deadlines processed');
  }
  return result;
}
