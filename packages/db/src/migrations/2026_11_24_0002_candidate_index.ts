import { type Kysely, sql } from 'kysely';

/**
 * The candidate query's access path (packages/dispatch/src/candidates.ts): a city's available
 * masters read from one covering partial index, with their skills denormalised onto the
 * master row, so the query neither visits a heap page nor probes master_skills per master.
 *
 * - `masters.skill_codes`: the master's skill codes, kept equal to their master_skills rows by
 *   statement-level triggers on master_skills (insert, update, delete, truncate). The trigger
 *   locks the affected master rows before recomputing, so the recomputation (a later statement,
 *   a fresh snapshot) sees skills committed concurrently for the same master.
 * - `ix_masters__candidates` replaces ix_masters__available_city: the same availability
 *   predicate (plus moderation approved) with the columns the query filters and ranks on.
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  await sql`
    ALTER TABLE masters ADD COLUMN skill_codes category[] NOT NULL DEFAULT '{}';
    UPDATE masters m SET skill_codes = s.codes
    FROM (SELECT master_id, array_agg(skill_code ORDER BY skill_code) AS codes FROM master_skills GROUP BY master_id) s
    WHERE s.master_id = m.id;

    CREATE FUNCTION master_skills_sync() RETURNS trigger LANGUAGE plpgsql AS $$
    DECLARE
      ids integer[];
    BEGIN
      IF TG_OP = 'TRUNCATE' THEN
        UPDATE masters SET skill_codes = '{}' WHERE skill_codes <> '{}';
        RETURN NULL;
      ELSIF TG_OP = 'INSERT' THEN
        SELECT array_agg(DISTINCT master_id) INTO ids FROM new_rows;
      ELSIF TG_OP = 'DELETE' THEN
        SELECT array_agg(DISTINCT master_id) INTO ids FROM old_rows;
      ELSE
        SELECT array_agg(DISTINCT master_id) INTO ids
        FROM (SELECT master_id FROM new_rows UNION SELECT master_id FROM old_rows) x;
      END IF;
      IF ids IS NULL THEN
        RETURN NULL;
      END IF;
      PERFORM 1 FROM masters WHERE id = ANY (ids) ORDER BY id FOR UPDATE;
      UPDATE masters m SET skill_codes = coalesce(
        (SELECT array_agg(s.skill_code ORDER BY s.skill_code) FROM master_skills s WHERE s.master_id = m.id), '{}')
      WHERE m.id = ANY (ids);
      RETURN NULL;
    END
    $$;
    CREATE TRIGGER tg_master_skills__sync_insert AFTER INSERT ON master_skills
      REFERENCING NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION master_skills_sync();
    CREATE TRIGGER tg_master_skills__sync_update AFTER UPDATE ON master_skills
      REFERENCING NEW TABLE AS new_rows OLD TABLE AS old_rows FOR EACH STATEMENT EXECUTE FUNCTION master_skills_sync();
    CREATE TRIGGER tg_master_skills__sync_delete AFTER DELETE ON master_skills
      REFERENCING OLD TABLE AS old_rows FOR EACH STATEMENT EXECUTE FUNCTION master_skills_sync();
    CREATE TRIGGER tg_master_skills__sync_truncate AFTER TRUNCATE ON master_skills
      FOR EACH STATEMENT EXECUTE FUNCTION master_skills_sync();

    -- The candidate query starts here: available masters of one city, read index-only.
    CREATE INDEX ix_masters__candidates ON masters (city_id)
      INCLUDE (id, skill_codes, has_vehicle, rating, max_active_orders_override)
      WHERE verified AND moderation_status = 'approved' AND is_active AND NOT is_blocked AND NOT is_deleted
        AND NOT is_unreachable AND shift_status = 'on';
    DROP INDEX ix_masters__available_city;
  `.execute(db);
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await sql`
    CREATE INDEX ix_masters__available_city ON masters (city_id)
      WHERE verified AND is_active AND NOT is_blocked AND NOT is_deleted AND NOT is_unreachable AND shift_status = 'on';
    DROP INDEX ix_masters__candidates;
    DROP TRIGGER tg_master_skills__sync_insert ON master_skills;
    DROP TRIGGER tg_master_skills__sync_update ON master_skills;
    DROP TRIGGER tg_master_skills__sync_delete ON master_skills;
    DROP TRIGGER tg_master_skills__sync_truncate ON master_skills;
    DROP FUNCTION master_skills_sync();
    ALTER TABLE masters DROP COLUMN skill_codes;
  `.execute(db);
}
