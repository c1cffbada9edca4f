import type { Executor } from './deps';

type JsonObject = Record<string, unknown>;

export interface AuditEntry {
  staffId: number | null;
  /** What was done, e.g. 'order.cancel', 'master.block', 'setting.update'. */
  action: string;
  entityType: 'order' | 'master' | 'commission' | 'setting' | 'staff' | 'city' | 'requisites' | 'access_code';
  entityId: number | null;
  payload?: JsonObject;
}

/** One row of admin_audit_log; call it in the same transaction as the change it records. */
export async function audit(db: Executor, entry: AuditEntry): Promise<void> {
  await db
    .insertInto('admin_audit_log')
    .values({
      staff_user_id: entry.staffId,
      action: entry.action,
      entity_type: entry.entityType,
      entity_id: entry.entityId,
      payload: entry.payload ?? {},
    })
    .execute();
}
