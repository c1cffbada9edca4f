import type { SystemEventPayload } from '@fs/domain';
import { insertOutbox } from '@fs/queue';
import type { Executor } from './deps';
import { alertsChannelId } from './staff-recipients';

export interface SystemEvent {
  /** The component that decided or saw it: 'distribution', 'sender', 'digest', 'commissions'… */
  source: string;
  level: 'info' | 'warn' | 'error';
  /** One line for the admin bot's log viewer (English; staff read ids and numbers). */
  message: string;
  orderId?: number | null;
  masterId?: number | null;
  context?: Record<string, unknown>;
}

/**
 * One row of `system_events` (what the admin bot's 🧾 Логи shows), written in the transaction
 * of the decision it records, so the log is shared by every replica and survives restarts.
 * When the logs channel is set (setting `logs_channel_id`), the line is also copied there as a
 * `system_event` outbox row; the outbox relay enqueues it within seconds (no after-commit hook
 * needed for a log).
 */
export async function recordSystemEvent(db: Executor, e: SystemEvent): Promise<void> {
  const row = await db
    .insertInto('system_events')
    .values({
      source: e.source,
      level: e.level,
      message: e.message,
      order_id: e.orderId ?? null,
      master_id: e.masterId ?? null,
      context: JSON.stringify(e.context ?? {}),
    })
    .returning('id')
    .executeTakeFirstOrThrow();
  const setting = await db
    .selectFrom('settings')
    .select('value')
    .where('key', '=', 'logs_channel_id')
    .executeTakeFirst();
  const channelId = alertsChannelId(typeof setting?.value === 'string' ? setting.value : '');
  if (channelId === null) return;
  const payload: SystemEventPayload = {
    source: e.source,
    level: e.level,
    message: e.message,
    order_id: e.orderId ?? null,
  };
  await insertOutbox(db, [
    {
      bot: 'admin',
      event: 'system_event',
      chat_id: channelId,
      order_id: e.orderId ?? null,
      payload: { ...payload },
      dedup_key: `system-event:${row.id}`,
    },
  ]);
}
