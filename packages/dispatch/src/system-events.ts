import type { Executor } from './deps';

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
 * One row of `system_events`: what the admin bot's 🧾 Логи shows. Written in the transaction of
 * the decision it records, so the log is shared by every replica and survives restarts.
 */
export async function recordSystemEvent(db: Executor, e: SystemEvent): Promise<void> {
  await db
    .insertInto('system_events')
    .values({
      source: e.source,
      level: e.level,
      message: e.message,
      order_id: e.orderId ?? null,
      master_id: e.masterId ?? null,
      context: e.context ?? {},
    })
    .execute();
}
