import type { NotificationEvent } from '@fs/domain';
import { insertOutbox, type OutboxRef } from '@fs/queue';
import type { Executor } from './deps';
import {
  alertsChannelId,
  globalAdmins,
  type StaffAudience,
  staffOutboxRows,
  staffRecipients,
} from './staff-recipients';
import { recordSystemEvent, type SystemEvent } from './system-events';

export interface StaffAlert {
  event: NotificationEvent;
  /** The city's staff (by `audience`) hear it; without a city, every global admin. */
  cityId: number | null;
  audience: StaffAudience;
  orderId: number | null;
  payload: object;
  /** Prefix of the per-recipient dedup keys: the same alert is written once. */
  dedupPrefix: string;
  /** The `alerts_channel_id` setting: the channel gets a copy when it is set. */
  alertsChannel: string;
  /** The line for 🧾 Логи, written once, with the first rows of the alert. */
  systemEvent: SystemEvent;
}

/**
 * A staff alert as admin-bot outbox rows, in the caller's transaction: a DM per recipient plus
 * the alerts channel, and one system event. A retried failure finds its rows already there
 * (dedup) and logs nothing again.
 */
export async function writeStaffAlert(trx: Executor, a: StaffAlert): Promise<OutboxRef[]> {
  const staffIds =
    a.cityId !== null ? await staffRecipients(trx, a.cityId, a.audience) : await globalAdmins(trx);
  const rows = staffOutboxRows({
    event: a.event,
    staffIds,
    channelId: alertsChannelId(a.alertsChannel),
    orderId: a.orderId,
    payload: a.payload,
    dedupPrefix: a.dedupPrefix,
  });
  const refs = await insertOutbox(trx, rows);
  if (refs.length > 0) await recordSystemEvent(trx, a.systemEvent);
  return refs;
}
