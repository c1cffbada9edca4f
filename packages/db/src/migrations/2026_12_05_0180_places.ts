import { GEO_PRECISIONS, GEO_SOURCES } from '@fs/domain/enums';
import { type Kysely, sql } from 'kysely';

/**
 * Places (issue 18): where orders and masters are, for distance-aware dispatch.
 *
 * - PostgreSQL's own `cube` and `earthdistance` extensions (contrib, shipped with the server):
 *   points as 3-D cubes on the earth's surface, distances in metres, GiST-indexable boxes.
 * - Orders: how precise their point is (`geo_precision`, `geo_source`), when it was set, the
 *   address the geocoder matched, and who dropped a pin. `orders.lat/lon` already exist.
 * - Streets get centroids (districts and cities already have them).
 * - Masters: a base point (profile) and a Telegram live location (while on shift, until its
 *   live period ends). `geo_point` is the point dispatch uses — the live location while it is
 *   active, else the base point — kept by a trigger, so every writer (bots, seed, benchmarks)
 *   gets it right; nothing writes it directly.
 * - `ix_masters__candidates_geo`: a GiST index on that point over the same available masters
 *   as ix_masters__candidates, for the candidate query's radius search.
 * - Offers remember the distance at offer time (the push shows it; staff see it).
 * - `geocode_cache`: the geocoder's answers (hits and misses) per normalised address.
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  const precisions = sql.join(GEO_PRECISIONS.map((v) => sql.lit(v)));
  const sources = sql.join(GEO_SOURCES.map((v) => sql.lit(v)));
  await sql`
    CREATE EXTENSION IF NOT EXISTS cube;
    CREATE EXTENSION IF NOT EXISTS earthdistance;
    CREATE TYPE geo_precision AS ENUM (${precisions});
    CREATE TYPE geo_source AS ENUM (${sources});
  `.execute(db);
  await sql`
    ALTER TABLE streets ADD COLUMN centroid_lat double precision, ADD COLUMN centroid_lon double precision;

    ALTER TABLE orders
      ADD COLUMN geo_precision geo_precision NOT NULL DEFAULT 'unknown',
      ADD COLUMN geo_source geo_source,
      ADD COLUMN geo_address text,
      ADD COLUMN geo_updated_at timestamptz,
      ADD COLUMN geo_pinned_by_staff_id integer REFERENCES staff_users(id) ON DELETE SET NULL,
      ADD CONSTRAINT ck_orders__geo CHECK ((lat IS NULL) = (lon IS NULL)
        AND ((geo_precision = 'unknown') = (lat IS NULL))
        AND ((geo_precision = 'unknown') = (geo_source IS NULL)));

    ALTER TABLE masters
      ADD COLUMN base_lat double precision,
      ADD COLUMN base_lon double precision,
      ADD COLUMN base_updated_at timestamptz,
      ADD COLUMN live_lat double precision,
      ADD COLUMN live_lon double precision,
      ADD COLUMN live_updated_at timestamptz,
      ADD COLUMN live_until timestamptz,
      ADD COLUMN live_message_id bigint,
      ADD COLUMN live_active boolean NOT NULL DEFAULT false,
      ADD COLUMN geo_point cube,
      ADD CONSTRAINT ck_masters__base_point CHECK ((base_lat IS NULL) = (base_lon IS NULL)),
      ADD CONSTRAINT ck_masters__live_point CHECK (NOT live_active OR (live_lat IS NOT NULL AND live_lon IS NOT NULL));

    CREATE FUNCTION masters_geo_point() RETURNS trigger LANGUAGE plpgsql AS $$
    BEGIN
      NEW.geo_point := CASE
        WHEN NEW.live_active THEN ll_to_earth(NEW.live_lat, NEW.live_lon)::cube
        WHEN NEW.base_lat IS NOT NULL THEN ll_to_earth(NEW.base_lat, NEW.base_lon)::cube
      END;
      RETURN NEW;
    END
    $$;
    CREATE TRIGGER tg_masters__geo_point
      BEFORE INSERT OR UPDATE OF base_lat, base_lon, live_lat, live_lon, live_active, geo_point ON masters
      FOR EACH ROW EXECUTE FUNCTION masters_geo_point();

    -- The radius search of the candidate query: available masters by point.
    CREATE INDEX ix_masters__candidates_geo ON masters USING gist (geo_point)
      WHERE verified AND moderation_status = 'approved' AND is_active AND NOT is_blocked AND NOT is_deleted
        AND NOT is_unreachable AND shift_status = 'on';
    -- The sweep that ends live locations whose live period is over.
    CREATE INDEX ix_masters__live_until ON masters (live_until) WHERE live_active;

    ALTER TABLE offers ADD COLUMN distance_m integer;

    CREATE TABLE geocode_cache (
      provider varchar(32) NOT NULL,
      query varchar(600) NOT NULL,
      found boolean NOT NULL,
      lat double precision,
      lon double precision,
      precision geo_precision,
      provider_precision varchar(32),
      address text,
      created_at timestamptz NOT NULL DEFAULT now(),
      expires_at timestamptz NOT NULL,
      PRIMARY KEY (provider, query),
      CONSTRAINT ck_geocode_cache__point CHECK (found = (lat IS NOT NULL AND lon IS NOT NULL AND precision IS NOT NULL))
    );
    CREATE INDEX ix_geocode_cache__expires ON geocode_cache (expires_at);
  `.execute(db);
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await sql`
    DROP TABLE IF EXISTS geocode_cache;
    ALTER TABLE offers DROP COLUMN IF EXISTS distance_m;
    DROP INDEX IF EXISTS ix_masters__live_until;
    DROP INDEX IF EXISTS ix_masters__candidates_geo;
    DROP TRIGGER IF EXISTS tg_masters__geo_point ON masters;
    DROP FUNCTION IF EXISTS masters_geo_point();
    ALTER TABLE masters DROP CONSTRAINT IF EXISTS ck_masters__base_point, DROP CONSTRAINT IF EXISTS ck_masters__live_point,
      DROP COLUMN IF EXISTS base_lat, DROP COLUMN IF EXISTS base_lon, DROP COLUMN IF EXISTS base_updated_at,
      DROP COLUMN IF EXISTS live_lat, DROP COLUMN IF EXISTS live_lon, DROP COLUMN IF EXISTS live_updated_at,
      DROP COLUMN IF EXISTS live_until, DROP COLUMN IF EXISTS live_message_id, DROP COLUMN IF EXISTS live_active,
      DROP COLUMN IF EXISTS geo_point;
    ALTER TABLE orders DROP CONSTRAINT IF EXISTS ck_orders__geo, DROP COLUMN IF EXISTS geo_precision,
      DROP COLUMN IF EXISTS geo_source, DROP COLUMN IF EXISTS geo_address, DROP COLUMN IF EXISTS geo_updated_at,
      DROP COLUMN IF EXISTS geo_pinned_by_staff_id;
    ALTER TABLE streets DROP COLUMN IF EXISTS centroid_lat, DROP COLUMN IF EXISTS centroid_lon;
    DROP TYPE IF EXISTS geo_source;
    DROP TYPE IF EXISTS geo_precision;
  `.execute(db);
}
