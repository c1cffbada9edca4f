import { type Kysely, sql } from 'kysely';

/**
 * Ranking inputs kept per master (issue 12): `master_load` holds what the candidate query used
 * to compute per master with three subqueries (packages/dispatch/src/masters/master-load.ts).
 *
 * - `active_orders`: the master's orders in assigned/en_route/working/payment.
 * - `open_offers`, `open_offers_until`: the master's offers in sent/viewed and the earliest
 *   expires_at among them. While `open_offers_until > now()` every open offer is unexpired, so
 *   `open_offers` is exactly the count the rules use; past it the query counts afresh.
 * - `avg_check_7d`, `avg_check_until`: the average total of the master's orders closed in the last
 *   7 days and when the oldest of them leaves the window; past it the query computes afresh and
 *   the `master_load` timed job (scheduler) recomputes the row.
 *
 * Kept by triggers, in the transaction of whatever statement changes offers or orders (dispatch,
 * staff actions, the sender's delivery stamp, fixtures, seeds, hand-run SQL): one home that no
 * write path can bypass. A statement marks the masters it touched (a transaction-local setting);
 * at commit a deferred trigger locks their rows in master_id order, in one pass, and recounts them
 * from the source tables in a later statement (a fresh snapshot that sees what concurrent writers
 * of the same master committed), so the values never drift. Locking at commit, sorted, is what
 * keeps this deadlock-free: locking per statement deadlocked in the consistency test
 * (packages/dispatch/src/masters/master-load.test.ts, four dispatch operations at a time).
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  await sql`
    CREATE TABLE master_load (
      master_id integer PRIMARY KEY REFERENCES masters (id) ON DELETE CASCADE,
      active_orders integer NOT NULL DEFAULT 0,
      open_offers integer NOT NULL DEFAULT 0,
      open_offers_until timestamptz,
      avg_check_7d float8 NOT NULL DEFAULT 0,
      avg_check_until timestamptz
    ) WITH (fillfactor = 50); -- room for HOT updates: the rows change with every offer

    CREATE FUNCTION master_load_refresh_orders(ids integer[]) RETURNS void LANGUAGE plpgsql AS $$
    BEGIN
      PERFORM 1 FROM master_load WHERE master_id = ANY (ids) ORDER BY master_id FOR UPDATE;
      UPDATE master_load l SET active_orders = a.n, avg_check_7d = c.avg, avg_check_until = c.until
      FROM unnest(ids) AS i (id)
      CROSS JOIN LATERAL (SELECT count(*)::int AS n FROM orders o WHERE o.assigned_master_id = i.id
        AND o.status IN ('assigned', 'en_route', 'working', 'payment')) a
      CROSS JOIN LATERAL (SELECT coalesce(avg(o.total_amount_kopecks), 0)::float8 AS avg,
          min(o.closed_at) + interval '7 days' AS until
        FROM orders o WHERE o.assigned_master_id = i.id AND o.status = 'closed'
          AND o.closed_at >= now() - interval '7 days') c
      WHERE l.master_id = i.id
        AND (l.active_orders, l.avg_check_7d, l.avg_check_until) IS DISTINCT FROM (a.n, c.avg, c.until);
    END
    $$;

    CREATE FUNCTION master_load_refresh_offers(ids integer[]) RETURNS void LANGUAGE plpgsql AS $$
    BEGIN
      PERFORM 1 FROM master_load WHERE master_id = ANY (ids) ORDER BY master_id FOR UPDATE;
      UPDATE master_load l SET open_offers = f.n, open_offers_until = f.until
      FROM unnest(ids) AS i (id)
      CROSS JOIN LATERAL (SELECT count(*)::int AS n, min(f.expires_at) AS until FROM offers f
        WHERE f.master_id = i.id AND f.state IN ('sent', 'viewed')) f
      WHERE l.master_id = i.id AND (l.open_offers, l.open_offers_until) IS DISTINCT FROM (f.n, f.until);
    END
    $$;

    -- Marks masters whose figures the transaction changed (a transaction-local setting per kind).
    CREATE FUNCTION master_load_mark(kind text, ids integer[]) RETURNS void LANGUAGE plpgsql AS $$
    DECLARE
      cur text := nullif(current_setting('fs.master_load_' || kind, true), '');
      add text := array_to_string(ids, ',');
    BEGIN
      IF add <> '' THEN
        PERFORM set_config('fs.master_load_' || kind, CASE WHEN cur IS NULL THEN add ELSE cur || ',' || add END, true);
      END IF;
    END
    $$;

    -- At commit (deferred constraint triggers): the first call recounts every marked master, the
    -- rest find nothing marked. All of a transaction's master_load locks are taken here, in one
    -- sorted pass and only for the commit's duration: two committing transactions never deadlock
    -- on them, whatever order their statements touched the masters in.
    CREATE FUNCTION master_load_flush() RETURNS trigger LANGUAGE plpgsql AS $$
    DECLARE
      o integer[] := string_to_array(nullif(current_setting('fs.master_load_orders', true), ''), ',')::integer[];
      f integer[] := string_to_array(nullif(current_setting('fs.master_load_offers', true), ''), ',')::integer[];
    BEGIN
      IF o IS NULL AND f IS NULL THEN
        RETURN NULL;
      END IF;
      PERFORM set_config('fs.master_load_orders', '', true), set_config('fs.master_load_offers', '', true);
      PERFORM 1 FROM master_load WHERE master_id = ANY (coalesce(o, '{}') || coalesce(f, '{}'))
        ORDER BY master_id FOR UPDATE;
      IF o IS NOT NULL THEN
        PERFORM master_load_refresh_orders(o);
      END IF;
      IF f IS NOT NULL THEN
        PERFORM master_load_refresh_offers(f);
      END IF;
      RETURN NULL;
    END
    $$;

    CREATE FUNCTION master_load_orders_sync() RETURNS trigger LANGUAGE plpgsql AS $$
    BEGIN
      IF TG_OP = 'TRUNCATE' THEN
        UPDATE master_load SET active_orders = 0, avg_check_7d = 0, avg_check_until = NULL
        WHERE active_orders <> 0 OR avg_check_7d <> 0 OR avg_check_until IS NOT NULL;
      ELSIF TG_OP = 'INSERT' THEN
        PERFORM master_load_mark('orders', ARRAY[NEW.assigned_master_id]);
      ELSIF TG_OP = 'DELETE' THEN
        PERFORM master_load_mark('orders', ARRAY[OLD.assigned_master_id]);
      ELSE
        PERFORM master_load_mark('orders', array_remove(ARRAY[OLD.assigned_master_id, NEW.assigned_master_id], NULL));
      END IF;
      RETURN NULL;
    END
    $$;
    -- Row triggers with WHEN: most order updates (stamps, bookkeeping) change none of these and cost
    -- nothing. Each mark has its flush with the same condition.
    CREATE TRIGGER tg_orders__load_insert AFTER INSERT ON orders
      FOR EACH ROW WHEN (NEW.assigned_master_id IS NOT NULL) EXECUTE FUNCTION master_load_orders_sync();
    CREATE TRIGGER tg_orders__load_update AFTER UPDATE OF status, assigned_master_id, total_amount_kopecks, closed_at
      ON orders FOR EACH ROW
      WHEN ((OLD.assigned_master_id IS NOT NULL OR NEW.assigned_master_id IS NOT NULL)
        AND (OLD.status IS DISTINCT FROM NEW.status OR OLD.assigned_master_id IS DISTINCT FROM NEW.assigned_master_id
          OR OLD.total_amount_kopecks IS DISTINCT FROM NEW.total_amount_kopecks
          OR OLD.closed_at IS DISTINCT FROM NEW.closed_at))
      EXECUTE FUNCTION master_load_orders_sync();
    CREATE TRIGGER tg_orders__load_delete AFTER DELETE ON orders
      FOR EACH ROW WHEN (OLD.assigned_master_id IS NOT NULL) EXECUTE FUNCTION master_load_orders_sync();
    CREATE TRIGGER tg_orders__load_truncate AFTER TRUNCATE ON orders
      FOR EACH STATEMENT EXECUTE FUNCTION master_load_orders_sync();
    CREATE CONSTRAINT TRIGGER tg_orders__load_flush_insert AFTER INSERT ON orders DEFERRABLE INITIALLY DEFERRED
      FOR EACH ROW WHEN (NEW.assigned_master_id IS NOT NULL) EXECUTE FUNCTION master_load_flush();
    CREATE CONSTRAINT TRIGGER tg_orders__load_flush_update AFTER UPDATE OF status, assigned_master_id,
        total_amount_kopecks, closed_at ON orders DEFERRABLE INITIALLY DEFERRED FOR EACH ROW
      WHEN ((OLD.assigned_master_id IS NOT NULL OR NEW.assigned_master_id IS NOT NULL)
        AND (OLD.status IS DISTINCT FROM NEW.status OR OLD.assigned_master_id IS DISTINCT FROM NEW.assigned_master_id
          OR OLD.total_amount_kopecks IS DISTINCT FROM NEW.total_amount_kopecks
          OR OLD.closed_at IS DISTINCT FROM NEW.closed_at))
      EXECUTE FUNCTION master_load_flush();
    CREATE CONSTRAINT TRIGGER tg_orders__load_flush_delete AFTER DELETE ON orders DEFERRABLE INITIALLY DEFERRED
      FOR EACH ROW WHEN (OLD.assigned_master_id IS NOT NULL) EXECUTE FUNCTION master_load_flush();

    CREATE FUNCTION master_load_offers_sync() RETURNS trigger LANGUAGE plpgsql AS $$
    DECLARE
      ids integer[];
    BEGIN
      IF TG_OP = 'TRUNCATE' THEN
        UPDATE master_load SET open_offers = 0, open_offers_until = NULL
        WHERE open_offers <> 0 OR open_offers_until IS NOT NULL;
        RETURN NULL;
      ELSIF TG_OP = 'INSERT' THEN
        SELECT array_agg(DISTINCT master_id) INTO ids FROM new_rows;
      ELSIF TG_OP = 'DELETE' THEN
        SELECT array_agg(DISTINCT master_id) INTO ids FROM old_rows;
      ELSE
        SELECT array_agg(DISTINCT x.master_id) INTO ids FROM (
          SELECT n.master_id FROM new_rows n JOIN old_rows o ON o.id = n.id
          WHERE (n.state, n.master_id, n.expires_at) IS DISTINCT FROM (o.state, o.master_id, o.expires_at)
          UNION
          SELECT o.master_id FROM new_rows n JOIN old_rows o ON o.id = n.id WHERE n.master_id <> o.master_id
        ) x;
      END IF;
      PERFORM master_load_mark('offers', ids);
      RETURN NULL;
    END
    $$;
    -- Marks per statement (one call for a batch round's insert); flushes per row, the same condition.
    CREATE TRIGGER tg_offers__load_insert AFTER INSERT ON offers
      REFERENCING NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION master_load_offers_sync();
    CREATE TRIGGER tg_offers__load_update AFTER UPDATE ON offers
      REFERENCING NEW TABLE AS new_rows OLD TABLE AS old_rows FOR EACH STATEMENT EXECUTE FUNCTION master_load_offers_sync();
    CREATE TRIGGER tg_offers__load_delete AFTER DELETE ON offers
      REFERENCING OLD TABLE AS old_rows FOR EACH STATEMENT EXECUTE FUNCTION master_load_offers_sync();
    CREATE TRIGGER tg_offers__load_truncate AFTER TRUNCATE ON offers
      FOR EACH STATEMENT EXECUTE FUNCTION master_load_offers_sync();
    CREATE CONSTRAINT TRIGGER tg_offers__load_flush_insert AFTER INSERT ON offers DEFERRABLE INITIALLY DEFERRED
      FOR EACH ROW EXECUTE FUNCTION master_load_flush();
    CREATE CONSTRAINT TRIGGER tg_offers__load_flush_update AFTER UPDATE ON offers DEFERRABLE INITIALLY DEFERRED
      FOR EACH ROW WHEN (OLD.state IS DISTINCT FROM NEW.state OR OLD.master_id IS DISTINCT FROM NEW.master_id
        OR OLD.expires_at IS DISTINCT FROM NEW.expires_at)
      EXECUTE FUNCTION master_load_flush();
    CREATE CONSTRAINT TRIGGER tg_offers__load_flush_delete AFTER DELETE ON offers DEFERRABLE INITIALLY DEFERRED
      FOR EACH ROW EXECUTE FUNCTION master_load_flush();

    CREATE FUNCTION master_load_masters_insert() RETURNS trigger LANGUAGE plpgsql AS $$
    BEGIN
      INSERT INTO master_load (master_id) SELECT id FROM new_rows ON CONFLICT DO NOTHING;
      RETURN NULL;
    END
    $$;
    CREATE TRIGGER tg_masters__load_insert AFTER INSERT ON masters
      REFERENCING NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION master_load_masters_insert();

    -- Backfill.
    INSERT INTO master_load (master_id) SELECT id FROM masters;
    SELECT master_load_refresh_orders(array_agg(id)), master_load_refresh_offers(array_agg(id)) FROM masters;
  `.execute(db);
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await sql`
    DROP TRIGGER IF EXISTS tg_masters__load_insert ON masters;
    DROP TRIGGER IF EXISTS tg_offers__load_flush_insert ON offers;
    DROP TRIGGER IF EXISTS tg_offers__load_flush_update ON offers;
    DROP TRIGGER IF EXISTS tg_offers__load_flush_delete ON offers;
    DROP TRIGGER IF EXISTS tg_orders__load_flush_insert ON orders;
    DROP TRIGGER IF EXISTS tg_orders__load_flush_update ON orders;
    DROP TRIGGER IF EXISTS tg_orders__load_flush_delete ON orders;
    DROP TRIGGER IF EXISTS tg_offers__load_insert ON offers;
    DROP TRIGGER IF EXISTS tg_offers__load_update ON offers;
    DROP TRIGGER IF EXISTS tg_offers__load_delete ON offers;
    DROP TRIGGER IF EXISTS tg_offers__load_truncate ON offers;
    DROP TRIGGER IF EXISTS tg_orders__load_insert ON orders;
    DROP TRIGGER IF EXISTS tg_orders__load_update ON orders;
    DROP TRIGGER IF EXISTS tg_orders__load_delete ON orders;
    DROP TRIGGER IF EXISTS tg_orders__load_truncate ON orders;
    DROP FUNCTION IF EXISTS master_load_masters_insert();
    DROP FUNCTION IF EXISTS master_load_offers_sync();
    DROP FUNCTION IF EXISTS master_load_orders_sync();
    DROP FUNCTION IF EXISTS master_load_flush();
    DROP FUNCTION IF EXISTS master_load_mark(text, integer[]);
    DROP FUNCTION IF EXISTS master_load_refresh_offers(integer[]);
    DROP FUNCTION IF EXISTS master_load_refresh_orders(integer[]);
    DROP TABLE IF EXISTS master_load;
  `.execute(db);
}
