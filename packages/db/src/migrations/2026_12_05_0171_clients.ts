import { type Kysely, sql } from 'kysely';

/**
 * The client side (issue 17).
 *
 * - `client_phones`: what we know about a client's phone number: opted out (STOP by SMS or the
 *   bot's button), or unreachable by SMS (the provider refused the number).
 * - `client_chats`: private chats with the client bot. `phone` is the number the client shared
 *   with the contact button (their own, checked by Telegram): later orders with that phone are
 *   told here instead of by SMS. At most one chat per phone.
 * - `order_client_links`: one per order once a master accepted it: the unguessable deep-link
 *   token (`t.me/<client bot>?start=<token>`), its expiry, and the chat it was opened from (the
 *   first chat wins; the link does not open in another one).
 * - `cities.sms_quiet_start/end`: a city's own quiet hours for SMS (else the settings').
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  await sql`
    CREATE TABLE client_phones (
      phone varchar(16) PRIMARY KEY,
      opted_out_at timestamptz,
      sms_unreachable_at timestamptz,
      sms_unreachable_reason text,
      created_at timestamptz NOT NULL DEFAULT now(),
      updated_at timestamptz NOT NULL DEFAULT now()
    );

    CREATE TABLE client_chats (
      chat_id bigint PRIMARY KEY,
      tg_user_id bigint,
      first_name varchar(128),
      phone varchar(16),
      opted_out_at timestamptz,
      unreachable_at timestamptz,
      created_at timestamptz NOT NULL DEFAULT now(),
      updated_at timestamptz NOT NULL DEFAULT now()
    );
    CREATE UNIQUE INDEX uq_client_chats__phone ON client_chats (phone) WHERE phone IS NOT NULL;

    CREATE TABLE order_client_links (
      order_id integer PRIMARY KEY REFERENCES orders(id) ON DELETE CASCADE,
      token varchar(64) NOT NULL UNIQUE,
      expires_at timestamptz NOT NULL,
      chat_id bigint REFERENCES client_chats(chat_id) ON DELETE SET NULL,
      opened_at timestamptz,
      -- The master the client was last told about ("назначен другой мастер" when it changes).
      master_id integer REFERENCES masters(id) ON DELETE SET NULL,
      created_at timestamptz NOT NULL DEFAULT now()
    );
    CREATE INDEX ix_order_client_links__chat ON order_client_links (chat_id) WHERE chat_id IS NOT NULL;

    ALTER TABLE cities
      ADD COLUMN sms_quiet_start time,
      ADD COLUMN sms_quiet_end time,
      ADD CONSTRAINT ck_cities__sms_quiet CHECK ((sms_quiet_start IS NULL) = (sms_quiet_end IS NULL)
        AND (sms_quiet_start IS NULL OR sms_quiet_start <> sms_quiet_end));
  `.execute(db);
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await sql`
    ALTER TABLE cities DROP CONSTRAINT ck_cities__sms_quiet, DROP COLUMN sms_quiet_end, DROP COLUMN sms_quiet_start;
    DROP TABLE order_client_links;
    DROP TABLE client_chats;
    DROP TABLE client_phones;
  `.execute(db);
}
