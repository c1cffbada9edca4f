import { type Kysely, sql } from 'kysely';

/**
 * Staff search orders by client name, street or master with fuzzy matching (pg_trgm, shipped
 * with PostgreSQL): typos, declensions ("Смирновой") and ё/е still find the order.
 *
 * - `fs_search_norm(text)`: the one normalisation of searched text and queries (lower case,
 *   ё → е). `fs_order_search_text(client_name, street, house)`: what an order is found by.
 *   Both IMMUTABLE so that the trigram indexes can be built on them; a query must call exactly
 *   these functions for an index to apply (see @fs/dispatch order-search.ts).
 * - GIN trigram indexes on the orders' text and on masters' names, and a plain index on
 *   orders.assigned_master_id (the existing ones cover only active or closed orders), so a
 *   search by master reaches all of the master's orders without a scan.
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  await sql`
    CREATE EXTENSION IF NOT EXISTS pg_trgm;

    CREATE FUNCTION fs_search_norm(t text) RETURNS text
      LANGUAGE sql IMMUTABLE PARALLEL SAFE
      AS $$ SELECT translate(lower(coalesce(t, '')), 'ё', 'е') $$;

    CREATE FUNCTION fs_order_search_text(client_name text, street text, house text) RETURNS text
      LANGUAGE sql IMMUTABLE PARALLEL SAFE
      AS $$ SELECT fs_search_norm(coalesce(client_name, '') || ' ' || coalesce(street, '') || ' ' || coalesce(house, '')) $$;

    CREATE INDEX ix_orders__search_trgm ON orders
      USING gin (fs_order_search_text(client_name, street, house) gin_trgm_ops);
    CREATE INDEX ix_masters__name_trgm ON masters USING gin (fs_search_norm(full_name) gin_trgm_ops);
    CREATE INDEX ix_orders__assigned_master ON orders (assigned_master_id);
  `.execute(db);
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await sql`
    DROP INDEX IF EXISTS ix_orders__assigned_master;
    DROP INDEX IF EXISTS ix_masters__name_trgm;
    DROP INDEX IF EXISTS ix_orders__search_trgm;
    DROP FUNCTION IF EXISTS fs_order_search_text(text, text, text);
    DROP FUNCTION IF EXISTS fs_search_norm(text);
  `.execute(db);
}
