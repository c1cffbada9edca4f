import type { EscalationPayload, EscalationReason, OrderSnapshot, Settings } from '@fs/domain';
import type { OutboxInsert } from '@fs/queue';
import { sql } from 'kysely';
import type { Executor } from '../shared/deps';
import { alertsChannelId, staffOutboxRows, staffRecipients } from '../shared/staff-recipients';
import { recordSystemEvent } from '../shared/system-events';

/**
 * Escalation state lives on the order: `escalated_logist_at` / `escalated_admin_at` mark the
 * current episode (cleared when an offer goes out again or staff reset distribution);
 * `escalation_*_notified_at` record when staff were last told. Staff are told when the
 * current episode started after the last notice, so every episode notifies exactly once
 * (the stamp is written in the same transaction as the outbox rows), and the stamps double
 * as "this order was ever escalated" for distribution_metrics.
 */

export interface EscalationTarget {
  orderId: number;
  cityId: number;
  roundsUsed: number;
  snapshot: OrderSnapshot;
}

export interface EscalationOutcome {
  level: 'logist' | 'admin';
  reason: EscalationReason;
  /** Staff were told now (first time in this episode). */
  notified: boolean;
  outbox: OutboxInsert[];
}

export async function escalateToLogist(
  trx: Executor,
  target: EscalationTarget,
  reason: EscalationReason,
  settings: Pick<Settings, 'alerts_channel_id'>,
): Promise<EscalationOutcome> {
  const row = await trx
    .updateTable('orders')
    .set({
      escalation_reason: reason,
      escalated_logist_at: sql<Date>`coalesce(escalated_logist_at, now())`,
      updated_at: sql<Date>`now()`,
    })
    .where('id', '=', target.orderId)
    .returning([
      'escalated_logist_at',
      sql<boolean>`escalation_logist_notified_at IS NULL OR escalation_logist_notified_at < escalated_logist_at`.as(
        'needs_notice',
      ),
    ])
    .executeTakeFirstOrThrow();
  if (!row.needs_notice) return { level: 'logist', reason, notified: false, outbox: [] };
  return announce(trx, target, 'logist', reason, row.escalated_logist_at!, settings.alerts_channel_id, {
    detail: `${reason}, rounds used ${target.roundsUsed}`,
    context: { rounds_used: target.roundsUsed },
  });
}

/**
 * Escalates to admins when the logist episode is at least `escalate_to_admin_after_min` old
 * (database clock). Returns null when it is not due or already escalated.
 */
export async function escalateToAdminIfDue(
  trx: Executor,
  target: EscalationTarget,
  settings: Pick<Settings, 'alerts_channel_id' | 'escalate_to_admin_after_min'>,
): Promise<EscalationOutcome | null> {
  const row = await trx
    .updateTable('orders')
    .set({ escalated_admin_at: sql<Date>`now()`, updated_at: sql<Date>`now()` })
    .where('id', '=', target.orderId)
    .where('escalated_admin_at', 'is', null)
    .where(
      'escalated_logist_at',
      '<=',
      sql<Date>`now() - make_interval(mins => ${settings.escalate_to_admin_after_min}::int)`,
    )
    .returning([
      'escalated_admin_at',
      'escalation_reason',
      sql<boolean>`escalation_admin_notified_at IS NULL OR escalation_admin_notified_at < escalated_admin_at`.as(
        'needs_notice',
      ),
    ])
    .executeTakeFirst();
  if (!row) return null;
  const reason = (row.escalation_reason ?? 'rounds_exhausted') as EscalationReason;
  if (!row.needs_notice) return { level: 'admin', reason, notified: false, outbox: [] };
  return announce(trx, target, 'admin', reason, row.escalated_admin_at!, settings.alerts_channel_id, {
    detail: reason,
  });
}

/** Who hears of each level's episode, the stamp that records it and the system event's level. */
const LEVELS = {
  logist: {
    event: 'escalation_logist',
    audience: 'city_staff',
    stamp: { escalation_logist_notified_at: sql<Date>`now()` },
    severity: 'warn',
  },
  admin: {
    event: 'escalation_admin',
    audience: 'city_admins',
    stamp: { escalation_admin_notified_at: sql<Date>`now()` },
    severity: 'error',
  },
} as const;

/** Tells staff of the episode (outbox rows), stamps the notice on the order and records the event. */
async function announce(
  trx: Executor,
  target: EscalationTarget,
  level: EscalationOutcome['level'],
  reason: EscalationReason,
  episodeStart: Date,
  channel: string,
  event: { detail: string; context?: Record<string, unknown> },
): Promise<EscalationOutcome> {
  const { event: name, audience, stamp, severity } = LEVELS[level];
  const staffIds = await staffRecipients(trx, target.cityId, audience);
  const payload: EscalationPayload = { ...target.snapshot, reason, rounds_used: target.roundsUsed };
  const outbox = staffOutboxRows({
    event: name,
    staffIds,
    channelId: alertsChannelId(channel),
    orderId: target.orderId,
    payload,
    dedupPrefix: `${name}:${target.orderId}:${episodeStart.getTime()}`,
  });
  await trx.updateTable('orders').set(stamp).where('id', '=', target.orderId).execute();
  await recordSystemEvent(trx, {
    source: 'distribution',
    level: severity,
    message: `order #${target.orderId} escalated to ${level}s (${event.detail}); ${outbox.length} notices`,
    orderId: target.orderId,
    context: { level, reason, ...event.context },
  });
  return { level, reason, notified: true, outbox };
}

/**
 * Staff actions ("distribute again", manual offer, return to search) start distribution over:
 * rounds back to 0 and the escalation episode closed, so a later escalation notifies again.
 * Call inside the staff action's transaction.
 */
export async function resetDistribution(db: Executor, orderId: number): Promise<void> {
  await db
    .updateTable('orders')
    .set({
      dist_rounds_used: 0,
      escalation_reason: null,
      escalated_logist_at: null,
      escalated_admin_at: null,
      updated_at: sql<Date>`now()`,
    })
    .where('id', '=', orderId)
    .execute();
}
