import { type Kysely, sql } from 'kysely';

/**
 * The unassigned-orders digest remembers, per order, when it was last reported
 * (`orders.unassigned_digest_at`): an order is reported once per waiting episode. Indexes for
 * the admin bot's reports (by creation / send time) and its log viewer (newest staff actions).
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  await sql`
    ALTER TABLE orders ADD COLUMN unassigned_digest_at timestamptz;
    CREATE INDEX ix_orders__created ON orders (created_at);
    CREATE INDEX ix_offers__sent ON offers (sent_at);
    CREATE INDEX ix_commissions__created ON commissions (created_at);
    CREATE INDEX ix_admin_audit_log__created ON admin_audit_log (created_at DESC);
  `.execute(db);
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await sql`
    DROP INDEX IF EXISTS ix_admin_audit_log__created;
    DROP INDEX IF EXISTS ix_commissions__created;
    DROP INDEX IF EXISTS ix_offers__sent;
    DROP INDEX IF EXISTS ix_orders__created;
    ALTER TABLE orders DROP COLUMN IF EXISTS unassigned_digest_at;
  `.execute(db);
}
