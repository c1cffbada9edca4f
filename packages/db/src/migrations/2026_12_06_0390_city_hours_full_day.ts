import { type Kysely, sql } from 'kysely';

/**
 * A city may work round the clock: equal start and end of its working hours mean the whole day
 * (written 00:00–00:00), so the check now allows start = end.
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  await sql`
    ALTER TABLE cities DROP CONSTRAINT ck_cities__hours;
    ALTER TABLE cities ADD CONSTRAINT ck_cities__hours
      CHECK ((working_hours_start IS NULL) = (working_hours_end IS NULL)
        AND (working_hours_start IS NULL OR working_hours_start <= working_hours_end));
  `.execute(db);
}

export async function down(db: Kysely<unknown>): Promise<void> {
  // Round-the-clock cities go back to the old approximation, the day up to 23:59.
  await sql`
    UPDATE cities SET working_hours_start = '00:00', working_hours_end = '23:59'
      WHERE working_hours_start = working_hours_end;
    ALTER TABLE cities DROP CONSTRAINT ck_cities__hours;
    ALTER TABLE cities ADD CONSTRAINT ck_cities__hours
      CHECK ((working_hours_start IS NULL) = (working_hours_end IS NULL)
        AND (working_hours_start IS NULL OR working_hours_start < working_hours_end));
  `.execute(db);
}
