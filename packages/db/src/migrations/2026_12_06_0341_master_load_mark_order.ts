import { type Kysely, sql } from 'kysely';

/**
 * master_load (0340): a row's mark must fire before its flush. With constraints IMMEDIATE
 * (`SET CONSTRAINTS ALL IMMEDIATE`) the flushes fire at the end of the statement, and PostgreSQL
 * fires a row's AFTER triggers in name order and row-level ones before statement-level ones: the
 * offers' statement-level marks came after the flushes, and the orders' marks
 * (`tg_orders__load_insert`) sorted after `tg_orders__load_flush_insert`, so nothing was flushed.
 * Marks are now row-level everywhere and named `…_1_mark_…`, flushes `…_2_flush_…`.
 */
const OPS = ['insert', 'update', 'delete'] as const;

export async function up(db: Kysely<unknown>): Promise<void> {
  await sql`
    DROP TRIGGER tg_offers__load_insert ON offers;
    DROP TRIGGER tg_offers__load_update ON offers;
    DROP TRIGGER tg_offers__load_delete ON offers;

    CREATE FUNCTION master_load_offers_mark() RETURNS trigger LANGUAGE plpgsql AS $$
    BEGIN
      IF TG_OP = 'INSERT' THEN
        PERFORM master_load_mark('offers', ARRAY[NEW.master_id]);
      ELSIF TG_OP = 'DELETE' THEN
        PERFORM master_load_mark('offers', ARRAY[OLD.master_id]);
      ELSIF OLD.master_id = NEW.master_id THEN
        PERFORM master_load_mark('offers', ARRAY[NEW.master_id]);
      ELSE
        PERFORM master_load_mark('offers', ARRAY[OLD.master_id, NEW.master_id]);
      END IF;
      RETURN NULL;
    END
    $$;
    CREATE TRIGGER tg_offers__load_1_mark_insert AFTER INSERT ON offers
      FOR EACH ROW EXECUTE FUNCTION master_load_offers_mark();
    CREATE TRIGGER tg_offers__load_1_mark_update AFTER UPDATE ON offers
      FOR EACH ROW WHEN (OLD.state IS DISTINCT FROM NEW.state OR OLD.master_id IS DISTINCT FROM NEW.master_id
        OR OLD.expires_at IS DISTINCT FROM NEW.expires_at)
      EXECUTE FUNCTION master_load_offers_mark();
    CREATE TRIGGER tg_offers__load_1_mark_delete AFTER DELETE ON offers
      FOR EACH ROW EXECUTE FUNCTION master_load_offers_mark();
  `.execute(db);
  for (const op of OPS) {
    await sql`ALTER TRIGGER ${sql.id(`tg_offers__load_flush_${op}`)} ON offers
      RENAME TO ${sql.id(`tg_offers__load_2_flush_${op}`)}`.execute(db);
    await sql`ALTER TRIGGER ${sql.id(`tg_orders__load_${op}`)} ON orders
      RENAME TO ${sql.id(`tg_orders__load_1_mark_${op}`)}`.execute(db);
    await sql`ALTER TRIGGER ${sql.id(`tg_orders__load_flush_${op}`)} ON orders
      RENAME TO ${sql.id(`tg_orders__load_2_flush_${op}`)}`.execute(db);
  }
}

export async function down(db: Kysely<unknown>): Promise<void> {
  for (const op of OPS) {
    await sql`ALTER TRIGGER ${sql.id(`tg_offers__load_2_flush_${op}`)} ON offers
      RENAME TO ${sql.id(`tg_offers__load_flush_${op}`)}`.execute(db);
    await sql`ALTER TRIGGER ${sql.id(`tg_orders__load_1_mark_${op}`)} ON orders
      RENAME TO ${sql.id(`tg_orders__load_${op}`)}`.execute(db);
    await sql`ALTER TRIGGER ${sql.id(`tg_orders__load_2_flush_${op}`)} ON orders
      RENAME TO ${sql.id(`tg_orders__load_flush_${op}`)}`.execute(db);
  }
  await sql`
    DROP TRIGGER tg_offers__load_1_mark_insert ON offers;
    DROP TRIGGER tg_offers__load_1_mark_update ON offers;
    DROP TRIGGER tg_offers__load_1_mark_delete ON offers;
    DROP FUNCTION master_load_offers_mark();
    CREATE TRIGGER tg_offers__load_insert AFTER INSERT ON offers
      REFERENCING NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION master_load_offers_sync();
    CREATE TRIGGER tg_offers__load_update AFTER UPDATE ON offers
      REFERENCING NEW TABLE AS new_rows OLD TABLE AS old_rows FOR EACH STATEMENT EXECUTE FUNCTION master_load_offers_sync();
    CREATE TRIGGER tg_offers__load_delete AFTER DELETE ON offers
      REFERENCING OLD TABLE AS old_rows FOR EACH STATEMENT EXECUTE FUNCTION master_load_offers_sync();
  `.execute(db);
}
