import { type Kysely, sql } from 'kysely';

/**
 * Client feedback (issue 17): one review per order (stars 1–5 and whether the amount the master
 * entered was what the client paid), kept with the order's master and city for city-scoped
 * reading. `masters.rating` becomes the Bayesian average of the master's stars (domain
 * `bayesianRating`): with no reviews it is the prior mean, 4.5, so every existing master starts
 * equal and a first review moves a master only part of the way.
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  await sql`
    CREATE TABLE reviews (
      id serial PRIMARY KEY,
      order_id integer NOT NULL UNIQUE REFERENCES orders(id) ON DELETE CASCADE,
      master_id integer NOT NULL REFERENCES masters(id) ON DELETE CASCADE,
      city_id integer NOT NULL REFERENCES cities(id) ON DELETE CASCADE,
      chat_id bigint,
      stars smallint CHECK (stars BETWEEN 1 AND 5),
      amount_kopecks bigint,
      amount_confirmed boolean,
      low_rating_alerted_at timestamptz,
      amount_alerted_at timestamptz,
      created_at timestamptz NOT NULL DEFAULT now(),
      updated_at timestamptz NOT NULL DEFAULT now()
    );
    CREATE INDEX ix_reviews__master ON reviews (master_id, created_at DESC);
    CREATE INDEX ix_reviews__city_created ON reviews (city_id, created_at DESC);

    ALTER TABLE masters ADD COLUMN reviews_count integer NOT NULL DEFAULT 0;
    ALTER TABLE masters ALTER COLUMN rating SET DEFAULT 4.5;
    UPDATE masters SET rating = 4.5;
  `.execute(db);
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await sql`
    ALTER TABLE masters ALTER COLUMN rating SET DEFAULT 5.0;
    ALTER TABLE masters DROP COLUMN reviews_count;
    DROP TABLE reviews;
  `.execute(db);
}
