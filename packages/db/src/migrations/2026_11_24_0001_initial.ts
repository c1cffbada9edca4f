import {
  ACTOR_TYPES,
  ATTACHMENT_ENTITIES,
  ATTACHMENT_FILE_TYPES,
  BOTS,
  CATEGORIES,
  COMMISSION_STATUSES,
  MODERATION_STATUSES,
  NOTIFICATION_EVENTS,
  OFFER_STATES,
  ORDER_STATUSES,
  ORDER_TYPES,
  OUTBOX_STATUSES,
  PAYOUT_METHODS,
  REFERRAL_REWARD_STATUSES,
  SHIFT_STATUSES,
  STAFF_ROLES,
} from '@fs/domain/enums';
import { type Kysely, sql } from 'kysely';

/** Postgres ENUM types, built from the shared arrays so db and domain never disagree. */
const ENUMS: Record<string, readonly string[]> = {
  category: CATEGORIES,
  order_status: ORDER_STATUSES,
  order_type: ORDER_TYPES,
  actor_type: ACTOR_TYPES,
  offer_state: OFFER_STATES,
  moderation_status: MODERATION_STATUSES,
  shift_status: SHIFT_STATUSES,
  payout_method: PAYOUT_METHODS,
  staff_role: STAFF_ROLES,
  commission_status: COMMISSION_STATUSES,
  referral_reward_status: REFERRAL_REWARD_STATUSES,
  attachment_entity: ATTACHMENT_ENTITIES,
  attachment_file_type: ATTACHMENT_FILE_TYPES,
  bot_kind: BOTS,
  outbox_status: OUTBOX_STATUSES,
  notification_event: NOTIFICATION_EVENTS,
};

export async function up(db: Kysely<unknown>): Promise<void> {
  for (const [name, values] of Object.entries(ENUMS)) {
    const list = sql.join(values.map((v) => sql.lit(v)));
    await sql`CREATE TYPE ${sql.id(name)} AS ENUM (${list})`.execute(db);
  }

  await sql`
    CREATE TABLE cities (
      id serial PRIMARY KEY,
      name varchar(120) NOT NULL UNIQUE,
      timezone varchar(64) NOT NULL,
      is_active boolean NOT NULL DEFAULT true,
      centroid_lat double precision,
      centroid_lon double precision,
      working_hours_start time,
      working_hours_end time,
      created_at timestamptz NOT NULL DEFAULT now(),
      updated_at timestamptz NOT NULL DEFAULT now(),
      CONSTRAINT ck_cities__hours CHECK ((working_hours_start IS NULL) = (working_hours_end IS NULL)
        AND (working_hours_start IS NULL OR working_hours_start < working_hours_end))
    );
    CREATE TABLE districts (
      id serial PRIMARY KEY,
      city_id integer NOT NULL REFERENCES cities(id) ON DELETE CASCADE,
      name varchar(120) NOT NULL,
      centroid_lat double precision,
      centroid_lon double precision,
      created_at timestamptz NOT NULL DEFAULT now(),
      CONSTRAINT uq_districts__city_name UNIQUE (city_id, name)
    );
    CREATE TABLE streets (
      id serial PRIMARY KEY,
      city_id integer NOT NULL REFERENCES cities(id) ON DELETE CASCADE,
      district_id integer REFERENCES districts(id) ON DELETE SET NULL,
      name varchar(200) NOT NULL,
      created_at timestamptz NOT NULL DEFAULT now()
    );
    CREATE UNIQUE INDEX uq_streets__city_district_name ON streets (city_id, coalesce(district_id, 0), name);
    CREATE INDEX ix_streets__district ON streets (district_id);

    CREATE TABLE skills (
      code category PRIMARY KEY,
      label varchar(80) NOT NULL,
      is_active boolean NOT NULL DEFAULT true
    );

    CREATE TABLE staff_users (
      id serial PRIMARY KEY,
      tg_user_id bigint UNIQUE,
      username varchar(64),
      full_name varchar(160) NOT NULL DEFAULT '',
      phone varchar(32),
      role staff_role NOT NULL,
      is_active boolean NOT NULL DEFAULT true,
      is_unreachable boolean NOT NULL DEFAULT false,
      created_at timestamptz NOT NULL DEFAULT now(),
      updated_at timestamptz NOT NULL DEFAULT now()
    );
    CREATE TABLE staff_cities (
      staff_user_id integer NOT NULL REFERENCES staff_users(id) ON DELETE CASCADE,
      city_id integer NOT NULL REFERENCES cities(id) ON DELETE CASCADE,
      created_at timestamptz NOT NULL DEFAULT now(),
      PRIMARY KEY (staff_user_id, city_id)
    );
    CREATE INDEX ix_staff_cities__city ON staff_cities (city_id);
    CREATE TABLE staff_access_codes (
      id serial PRIMARY KEY,
      code varchar(16) NOT NULL,
      role staff_role NOT NULL,
      issued_by_staff_id integer REFERENCES staff_users(id) ON DELETE SET NULL,
      used_by_staff_id integer REFERENCES staff_users(id) ON DELETE SET NULL,
      expires_at timestamptz,
      used_at timestamptz,
      revoked_at timestamptz,
      comment text,
      created_at timestamptz NOT NULL DEFAULT now()
    );
    CREATE UNIQUE INDEX uq_staff_access_codes__code ON staff_access_codes (code);
    CREATE TABLE staff_access_code_cities (
      access_code_id integer NOT NULL REFERENCES staff_access_codes(id) ON DELETE CASCADE,
      city_id integer NOT NULL REFERENCES cities(id) ON DELETE CASCADE,
      PRIMARY KEY (access_code_id, city_id)
    );

    CREATE TABLE masters (
      id serial PRIMARY KEY,
      tg_user_id bigint NOT NULL UNIQUE,
      username varchar(64),
      full_name varchar(160) NOT NULL DEFAULT '',
      phone varchar(16),
      city_id integer REFERENCES cities(id) ON DELETE SET NULL,
      rating numeric(3,2) NOT NULL DEFAULT 5.0,
      has_vehicle boolean NOT NULL DEFAULT false,
      vehicle_plate varchar(16),
      moderation_status moderation_status NOT NULL DEFAULT 'pending',
      moderation_reason text,
      verified boolean NOT NULL DEFAULT false,
      verified_at timestamptz,
      verified_by_staff_id integer REFERENCES staff_users(id) ON DELETE SET NULL,
      shift_status shift_status NOT NULL DEFAULT 'off',
      break_until timestamptz,
      is_active boolean NOT NULL DEFAULT true,
      is_blocked boolean NOT NULL DEFAULT false,
      blocked_reason text,
      blocked_at timestamptz,
      is_deleted boolean NOT NULL DEFAULT false,
      is_unreachable boolean NOT NULL DEFAULT false,
      max_active_orders_override smallint CHECK (max_active_orders_override IS NULL OR max_active_orders_override >= 0),
      payout_method payout_method,
      payout_data jsonb NOT NULL DEFAULT '{}',
      pdn_accepted_at timestamptz,
      referral_code varchar(16) UNIQUE,
      referred_by_master_id integer REFERENCES masters(id) ON DELETE SET NULL,
      created_at timestamptz NOT NULL DEFAULT now(),
      updated_at timestamptz NOT NULL DEFAULT now(),
      version integer NOT NULL DEFAULT 1
    );
    -- The candidate query starts here: available masters of one city.
    CREATE INDEX ix_masters__available_city ON masters (city_id)
      WHERE verified AND is_active AND NOT is_blocked AND NOT is_deleted AND NOT is_unreachable AND shift_status = 'on';
    CREATE INDEX ix_masters__moderation ON masters (moderation_status, created_at);
    CREATE INDEX ix_masters__break_until ON masters (break_until) WHERE shift_status = 'break';
    CREATE INDEX ix_masters__phone ON masters (phone);

    CREATE TABLE master_districts (
      master_id integer NOT NULL REFERENCES masters(id) ON DELETE CASCADE,
      district_id integer NOT NULL REFERENCES districts(id) ON DELETE CASCADE,
      created_at timestamptz NOT NULL DEFAULT now(),
      PRIMARY KEY (master_id, district_id)
    );
    CREATE INDEX ix_master_districts__district ON master_districts (district_id, master_id);
    CREATE TABLE master_skills (
      master_id integer NOT NULL REFERENCES masters(id) ON DELETE CASCADE,
      skill_code category NOT NULL REFERENCES skills(code),
      created_at timestamptz NOT NULL DEFAULT now(),
      PRIMARY KEY (master_id, skill_code)
    );
    CREATE INDEX ix_master_skills__skill ON master_skills (skill_code, master_id);
    CREATE TABLE master_invite_codes (
      id serial PRIMARY KEY,
      code varchar(32) NOT NULL UNIQUE,
      city_id integer REFERENCES cities(id) ON DELETE SET NULL,
      issued_by_staff_id integer REFERENCES staff_users(id) ON DELETE SET NULL,
      used_by_master_id integer REFERENCES masters(id) ON DELETE SET NULL,
      used_at timestamptz,
      expires_at timestamptz,
      revoked_at timestamptz,
      comment text,
      created_at timestamptz NOT NULL DEFAULT now()
    );

    CREATE TABLE orders (
      id serial PRIMARY KEY,
      city_id integer NOT NULL REFERENCES cities(id) ON DELETE RESTRICT,
      district_id integer REFERENCES districts(id) ON DELETE SET NULL,
      street_id integer REFERENCES streets(id) ON DELETE SET NULL,
      street varchar(250),
      house varchar(10),
      apartment varchar(10),
      address_comment text,
      lat double precision,
      lon double precision,
      client_name varchar(160) NOT NULL DEFAULT '',
      client_phone varchar(16),
      category category NOT NULL,
      description text NOT NULL DEFAULT '',
      status order_status NOT NULL DEFAULT 'created',
      type order_type NOT NULL DEFAULT 'normal',
      timeslot_start timestamptz,
      timeslot_end timestamptz,
      is_asap boolean NOT NULL DEFAULT false,
      deferred_until timestamptz,
      preferred_master_id integer REFERENCES masters(id) ON DELETE SET NULL,
      assigned_master_id integer REFERENCES masters(id) ON DELETE SET NULL,
      total_amount_kopecks bigint,
      company_payment_kopecks bigint NOT NULL DEFAULT 0,
      cancel_reason text,
      guarantee_source_order_id integer REFERENCES orders(id) ON DELETE SET NULL,
      created_by_staff_id integer REFERENCES staff_users(id) ON DELETE SET NULL,
      dist_rounds_used integer NOT NULL DEFAULT 0,
      first_offer_at timestamptz,
      escalation_reason varchar(32),
      escalated_logist_at timestamptz,
      escalated_admin_at timestamptz,
      escalation_logist_notified_at timestamptz,
      escalation_admin_notified_at timestamptz,
      assigned_at timestamptz,
      closed_at timestamptz,
      created_at timestamptz NOT NULL DEFAULT now(),
      updated_at timestamptz NOT NULL DEFAULT now(),
      version integer NOT NULL DEFAULT 1,
      CONSTRAINT ck_orders__timeslot CHECK ((timeslot_start IS NULL) = (timeslot_end IS NULL)
        AND (timeslot_start IS NULL OR timeslot_start < timeslot_end)),
      CONSTRAINT ck_orders__assigned CHECK (status NOT IN ('assigned','en_route','working','payment') OR assigned_master_id IS NOT NULL)
    );
    -- Orders waiting for a master, per city (the scheduler's work list).
    CREATE INDEX ix_orders__waiting ON orders (city_id, created_at)
      WHERE status IN ('searching','guarantee') AND assigned_master_id IS NULL;
    CREATE INDEX ix_orders__deferred ON orders (deferred_until) WHERE status = 'deferred';
    CREATE INDEX ix_orders__master_active ON orders (assigned_master_id)
      WHERE status IN ('assigned','en_route','working','payment');
    CREATE INDEX ix_orders__status_city ON orders (status, city_id, created_at);
    CREATE INDEX ix_orders__client_phone ON orders (client_phone);
    CREATE INDEX ix_orders__master_closed ON orders (assigned_master_id, closed_at) WHERE status = 'closed';

    CREATE TABLE order_status_history (
      id bigserial PRIMARY KEY,
      order_id integer NOT NULL REFERENCES orders(id) ON DELETE CASCADE,
      from_status order_status,
      to_status order_status NOT NULL,
      actor_type actor_type NOT NULL,
      actor_id integer,
      reason text,
      context jsonb NOT NULL DEFAULT '{}',
      created_at timestamptz NOT NULL DEFAULT now()
    );
    CREATE INDEX ix_order_status_history__order ON order_status_history (order_id, created_at);

    CREATE TABLE offers (
      id serial PRIMARY KEY,
      order_id integer NOT NULL REFERENCES orders(id) ON DELETE CASCADE,
      master_id integer NOT NULL REFERENCES masters(id) ON DELETE CASCADE,
      round_number smallint NOT NULL DEFAULT 1,
      state offer_state NOT NULL DEFAULT 'sent',
      sent_at timestamptz NOT NULL DEFAULT now(),
      expires_at timestamptz NOT NULL,
      viewed_at timestamptz,
      responded_at timestamptz,
      close_reason varchar(32),
      tg_chat_id bigint,
      tg_message_id bigint,
      created_at timestamptz NOT NULL DEFAULT now()
    );
    CREATE UNIQUE INDEX uq_offers__order_master_live ON offers (order_id, master_id)
      WHERE state IN ('sent','viewed','accepted');
    CREATE UNIQUE INDEX uq_offers__order_accepted ON offers (order_id) WHERE state = 'accepted';
    CREATE INDEX ix_offers__order_state ON offers (order_id, state);
    CREATE INDEX ix_offers__master_open ON offers (master_id, sent_at DESC) WHERE state IN ('sent','viewed');
    CREATE INDEX ix_offers__open_expiry ON offers (expires_at) WHERE state IN ('sent','viewed');
    CREATE INDEX ix_offers__master_refused ON offers (order_id, master_id) WHERE state IN ('declined','expired');

    CREATE TABLE attachments (
      id serial PRIMARY KEY,
      entity_type attachment_entity NOT NULL,
      entity_id integer NOT NULL,
      file_type attachment_file_type NOT NULL,
      file_id varchar(256) NOT NULL,
      file_unique_id varchar(128),
      file_name varchar(256),
      mime_type varchar(128),
      size integer,
      caption text,
      document_kind varchar(32),
      uploaded_by_master_id integer REFERENCES masters(id) ON DELETE SET NULL,
      uploaded_by_staff_id integer REFERENCES staff_users(id) ON DELETE SET NULL,
      created_at timestamptz NOT NULL DEFAULT now()
    );
    CREATE INDEX ix_attachments__entity ON attachments (entity_type, entity_id);

    CREATE TABLE commissions (
      id serial PRIMARY KEY,
      order_id integer NOT NULL UNIQUE REFERENCES orders(id) ON DELETE CASCADE,
      master_id integer NOT NULL REFERENCES masters(id) ON DELETE CASCADE,
      amount_kopecks bigint NOT NULL CHECK (amount_kopecks >= 0),
      rate numeric(5,4) NOT NULL,
      status commission_status NOT NULL DEFAULT 'wait_pay',
      deadline_at timestamptz NOT NULL,
      reported_at timestamptz,
      approved_at timestamptz,
      approved_by_staff_id integer REFERENCES staff_users(id) ON DELETE SET NULL,
      paid_amount_kopecks bigint,
      reject_reason text,
      pay_to_snapshot jsonb NOT NULL DEFAULT '{}',
      blocked_applied boolean NOT NULL DEFAULT false,
      created_at timestamptz NOT NULL DEFAULT now(),
      updated_at timestamptz NOT NULL DEFAULT now()
    );
    CREATE INDEX ix_commissions__master_status ON commissions (master_id, status);
    CREATE INDEX ix_commissions__due ON commissions (deadline_at) WHERE status = 'wait_pay' AND NOT blocked_applied;
    CREATE TABLE commission_deadline_notifications (
      commission_id integer NOT NULL REFERENCES commissions(id) ON DELETE CASCADE,
      minutes_before integer NOT NULL,
      sent_at timestamptz NOT NULL DEFAULT now(),
      PRIMARY KEY (commission_id, minutes_before)
    );

    CREATE TABLE owner_requisites (
      id smallint PRIMARY KEY DEFAULT 1 CHECK (id = 1),
      data jsonb NOT NULL DEFAULT '{}',
      updated_at timestamptz NOT NULL DEFAULT now(),
      updated_by_staff_id integer REFERENCES staff_users(id) ON DELETE SET NULL
    );

    CREATE TABLE referrals (
      id serial PRIMARY KEY,
      master_id integer NOT NULL UNIQUE REFERENCES masters(id) ON DELETE CASCADE,
      referrer_id integer NOT NULL REFERENCES masters(id) ON DELETE CASCADE,
      created_at timestamptz NOT NULL DEFAULT now()
    );
    CREATE INDEX ix_referrals__referrer ON referrals (referrer_id);
    CREATE TABLE referral_rewards (
      id serial PRIMARY KEY,
      referrer_id integer NOT NULL REFERENCES masters(id) ON DELETE CASCADE,
      referred_master_id integer NOT NULL REFERENCES masters(id) ON DELETE CASCADE,
      commission_id integer NOT NULL REFERENCES commissions(id) ON DELETE CASCADE,
      level smallint NOT NULL CHECK (level IN (1, 2)),
      rate numeric(5,4) NOT NULL,
      amount_kopecks bigint NOT NULL,
      status referral_reward_status NOT NULL DEFAULT 'accrued',
      paid_at timestamptz,
      created_at timestamptz NOT NULL DEFAULT now(),
      CONSTRAINT uq_referral_rewards__commission_level UNIQUE (commission_id, level)
    );
    CREATE INDEX ix_referral_rewards__referrer ON referral_rewards (referrer_id, status);

    CREATE TABLE settings (
      key varchar(80) PRIMARY KEY,
      value jsonb NOT NULL,
      description text NOT NULL DEFAULT '',
      updated_at timestamptz NOT NULL DEFAULT now(),
      updated_by_staff_id integer REFERENCES staff_users(id) ON DELETE SET NULL
    );

    CREATE TABLE notifications_outbox (
      id bigserial PRIMARY KEY,
      bot bot_kind NOT NULL,
      event notification_event NOT NULL,
      master_id integer REFERENCES masters(id) ON DELETE CASCADE,
      staff_user_id integer REFERENCES staff_users(id) ON DELETE CASCADE,
      chat_id bigint,
      order_id integer REFERENCES orders(id) ON DELETE SET NULL,
      offer_id integer REFERENCES offers(id) ON DELETE SET NULL,
      payload jsonb NOT NULL DEFAULT '{}',
      dedup_key varchar(200),
      status outbox_status NOT NULL DEFAULT 'pending',
      attempts integer NOT NULL DEFAULT 0,
      last_error text,
      enqueued_at timestamptz,
      sent_at timestamptz,
      tg_message_id bigint,
      created_at timestamptz NOT NULL DEFAULT now(),
      updated_at timestamptz NOT NULL DEFAULT now(),
      CONSTRAINT ck_outbox__recipient CHECK (master_id IS NOT NULL OR staff_user_id IS NOT NULL OR chat_id IS NOT NULL)
    );
    CREATE UNIQUE INDEX uq_outbox__dedup ON notifications_outbox (dedup_key) WHERE dedup_key IS NOT NULL;
    -- The relay's work list: pending rows, oldest first.
    CREATE INDEX ix_outbox__pending ON notifications_outbox (created_at) WHERE status = 'pending';
    CREATE INDEX ix_outbox__failed ON notifications_outbox (created_at) WHERE status = 'failed';

    CREATE TABLE distribution_metrics (
      id serial PRIMARY KEY,
      order_id integer NOT NULL REFERENCES orders(id) ON DELETE CASCADE,
      master_id integer REFERENCES masters(id) ON DELETE SET NULL,
      city_id integer NOT NULL REFERENCES cities(id) ON DELETE CASCADE,
      district_id integer REFERENCES districts(id) ON DELETE SET NULL,
      category category NOT NULL,
      order_type order_type NOT NULL,
      round_number smallint NOT NULL,
      masters_offered integer NOT NULL,
      seconds_from_creation integer NOT NULL,
      seconds_from_first_offer integer,
      escalated_logist boolean NOT NULL DEFAULT false,
      escalated_admin boolean NOT NULL DEFAULT false,
      preferred_master_used boolean NOT NULL DEFAULT false,
      via varchar(16) NOT NULL CHECK (via IN ('auto', 'manual')),
      assigned_at timestamptz NOT NULL DEFAULT now()
    );
    CREATE INDEX ix_distribution_metrics__city_time ON distribution_metrics (city_id, assigned_at);

    CREATE TABLE admin_audit_log (
      id bigserial PRIMARY KEY,
      staff_user_id integer REFERENCES staff_users(id) ON DELETE SET NULL,
      action varchar(64) NOT NULL,
      entity_type varchar(32) NOT NULL,
      entity_id integer,
      payload jsonb NOT NULL DEFAULT '{}',
      created_at timestamptz NOT NULL DEFAULT now()
    );
    CREATE INDEX ix_admin_audit_log__entity ON admin_audit_log (entity_type, entity_id, created_at);

    -- System events for the admin bot's log viewer (distribution decisions, delivery failures).
    CREATE TABLE system_events (
      id bigserial PRIMARY KEY,
      source varchar(32) NOT NULL,
      level varchar(8) NOT NULL DEFAULT 'info',
      message text NOT NULL,
      order_id integer,
      master_id integer,
      context jsonb NOT NULL DEFAULT '{}',
      created_at timestamptz NOT NULL DEFAULT now()
    );
    CREATE INDEX ix_system_events__created ON system_events (created_at DESC);
  `.execute(db);
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await sql`
    DROP TABLE IF EXISTS system_events, admin_audit_log, distribution_metrics, notifications_outbox, settings,
      referral_rewards, referrals, owner_requisites, commission_deadline_notifications, commissions, attachments,
      offers, order_status_history, orders, master_invite_codes, master_skills, master_districts, masters,
      staff_access_code_cities, staff_access_codes, staff_cities, staff_users, skills, streets, districts, cities CASCADE
  `.execute(db);
  for (const name of Object.keys(ENUMS).reverse()) {
    await sql`DROP TYPE IF EXISTS ${sql.id(name)}`.execute(db);
  }
}
