import { type Kysely, sql } from 'kysely';

/**
 * Fencing for the sender's leases (issue 11): every claim of an outbox row increments
 * `claim_seq`, and a renewal or a recorded outcome applies only to the claim it was made under
 * (owner and claim_seq). A sender whose row was taken by another one after its lease ran out can
 * no longer renew it or overwrite the other's outcome. A constant default: no table rewrite.
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  await sql`ALTER TABLE notifications_outbox ADD COLUMN IF NOT EXISTS claim_seq integer NOT NULL DEFAULT 0`.execute(
    db,
  );
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await sql`ALTER TABLE notifications_outbox DROP COLUMN IF EXISTS claim_seq`.execute(db);
}
