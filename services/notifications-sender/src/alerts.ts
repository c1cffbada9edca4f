import type { Db, SettingsCache } from '@fs/db';
import { type SystemEvent, writeStaffAlert } from '@fs/dispatch';
import {
  type DeliveryFailedPayload,
  describeRecipient,
  type NotificationEvent,
  type RecipientUnreachablePayload,
} from '@fs/domain';
import type { OutboxRef } from '@fs/queue';
import type { OutboxRow } from './outbox-store';
import { markUnreachable } from './recipients';
import type { FailedRecipient } from './transport';

/**
 * The sender's own staff alerts (a failed delivery, an unreachable recipient), written in the
 * same transaction as the failure they report. Who hears them and how the rows look is
 * dispatch's `writeStaffAlert` (DMs to the city's staff or every global admin, the alerts
 * channel, one system event); this file says which alert, for whom, and its dedup key.
 */

type AlertEvent = Extract<NotificationEvent, 'delivery_failed' | 'recipient_unreachable'>;

/**
 * Alerts about alerts (and about log lines, which a failure would log again) would loop;
 * their failures are only logged and counted.
 */
export function isAlertEvent(event: NotificationEvent): boolean {
  return event === 'delivery_failed' || event === 'recipient_unreachable' || event === 'system_event';
}

function systemEventOf(a: {
  event: AlertEvent;
  orderId: number | null;
  payload: DeliveryFailedPayload | RecipientUnreachablePayload;
}): SystemEvent {
  if (a.event === 'delivery_failed') {
    const p = a.payload as DeliveryFailedPayload;
    return {
      source: 'sender',
      level: 'error',
      message: `delivery failed: outbox #${p.outbox_id} (${p.event}) to ${p.recipient}: ${p.error}`,
      orderId: a.orderId,
      context: { ...p },
    };
  }
  const p = a.payload as RecipientUnreachablePayload;
  return {
    source: 'sender',
    level: 'warn',
    message: `recipient unreachable: ${p.recipient_kind} #${p.recipient_id} (${p.recipient_name}): ${p.error}`,
    masterId: p.recipient_kind === 'master' ? p.recipient_id : null,
    context: { ...p },
  };
}

async function writeAlert(
  trx: Db,
  settings: SettingsCache,
  a: {
    event: AlertEvent;
    cityId: number | null;
    audience: 'city_staff' | 'city_admins';
    orderId: number | null;
    payload: DeliveryFailedPayload | RecipientUnreachablePayload;
    dedupPrefix: string;
  },
): Promise<OutboxRef[]> {
  const alertsChannel = (await settings.get()).alerts_channel_id;
  return writeStaffAlert(trx, { ...a, alertsChannel, systemEvent: systemEventOf(a) });
}

export function unreachableAlert(
  trx: Db,
  settings: SettingsCache,
  p: { payload: RecipientUnreachablePayload; cityId: number | null; day: string },
): Promise<OutboxRef[]> {
  return writeAlert(trx, settings, {
    event: 'recipient_unreachable',
    cityId: p.cityId,
    audience: 'city_staff',
    orderId: null,
    payload: p.payload,
    // Per recipient and day: a burst (or a flapping block/unblock) alerts once a day at most.
    dedupPrefix: `unreachable:${p.payload.recipient_kind}${p.payload.recipient_id}:${p.day}`,
  });
}

export function deliveryFailedAlert(
  trx: Db,
  settings: SettingsCache,
  p: { payload: DeliveryFailedPayload; cityId: number | null; orderId: number | null },
): Promise<OutboxRef[]> {
  return writeAlert(trx, settings, {
    event: 'delivery_failed',
    cityId: p.cityId,
    audience: 'city_admins',
    orderId: p.orderId,
    payload: p.payload,
    dedupPrefix: `delivery-failed:${p.payload.outbox_id}`,
  });
}

async function orderCity(trx: Db, orderId: number | null): Promise<number | null> {
  if (orderId === null) return null;
  const o = await trx.selectFrom('orders').select('city_id').where('id', '=', orderId).executeTakeFirst();
  return o?.city_id ?? null;
}

/**
 * The staff alert for a row that failed for good, in one short transaction of its own (written
 * before the failure is recorded, so a crash in between re-sends rather than loses it; dedup keys
 * keep it single): an unreachable person is flagged (only the transaction that flips the flag
 * alerts), any other failure alerts the order's city admins. Alerts about alerts are not written.
 */
export function failureAlerts(
  db: Db,
  settings: SettingsCache,
  p: { row: OutboxRow; reason: string; recipient: FailedRecipient; unreachable: boolean; now: Date },
): Promise<OutboxRef[]> {
  const { row, recipient } = p;
  const person = recipient.person;
  if (p.unreachable && person) {
    return db.transaction().execute(async (trx) => {
      if (!(await markUnreachable(trx, person))) return [];
      return unreachableAlert(trx, settings, {
        payload: {
          recipient_kind: person.kind,
          recipient_id: person.id,
          recipient_name: person.name,
          error: p.reason.replace(/^unreachable: /, ''),
        },
        cityId: person.cityId ?? (await orderCity(trx, row.order_id)),
        day: p.now.toISOString().slice(0, 10),
      });
    });
  }
  if (isAlertEvent(row.event)) return Promise.resolve([]);
  return db.transaction().execute(async (trx) =>
    deliveryFailedAlert(trx, settings, {
      payload: {
        outbox_id: row.id,
        event: row.event as NotificationEvent,
        recipient: person
          ? describeRecipient({ kind: person.kind, id: person.id, name: person.name })
          : describeRecipient({ kind: 'chat', id: recipient.address ?? 0 }),
        error: p.reason,
      },
      cityId: (await orderCity(trx, row.order_id)) ?? person?.cityId ?? null,
      orderId: row.order_id,
    }),
  );
}
