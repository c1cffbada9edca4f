import { type Database, type Db, poolOf } from '@fs/db';
import { ANSWER_UNTIL_SQL, DELIVERED_EXPIRES_AT_SQL, OFFER_CLOCK_NOT_STARTED_SQL } from '@fs/dispatch';
import type { OutboxChannel } from '@fs/domain';
import { type Selectable, sql } from 'kysely';
import type pg from 'pg';
import type { LeaseTimings } from './lease';

/**
 * Every SQL statement on notifications_outbox and offers that the sender runs.
 *
 * The hot path is two statements per batch of rows, both autocommit and both named prepared
 * statements (parsed and planned once per connection):
 * - CLAIM: due rows → `sending` with a lease (owner, expiry, claim_seq + 1), returned with their
 *   recipient and offer in the same round trip;
 * - RECORD: the outcome of every row of a batch (sent, skipped, failed, back to pending with a
 *   pause), and for delivered pushes the offer's message id and clock, in one statement.
 * No transaction and no row lock is held while the sender talks to Redis or Telegram.
 */

export type OutboxRow = Selectable<Database['notifications_outbox']>;

export interface MasterRecipient {
  id: number;
  tg_user_id: number;
  full_name: string;
  city_id: number | null;
  is_unreachable: boolean;
}
export interface StaffRecipient {
  id: number;
  tg_user_id: number | null;
  full_name: string;
  is_active: boolean;
  is_unreachable: boolean;
}
export interface OfferForPush {
  state: string;
  expires_at: Date;
  /** The end of the answer window as the push shows it (offer clock: a full SLA from delivery). */
  answer_until: Date;
  /** expires_at > now() by the database clock. */
  is_open_in_time: boolean;
  tg_chat_id: number | null;
  tg_message_id: number | null;
}

/** A claimed outbox row with what delivery needs about its recipient and offer. */
export interface ClaimedOutbox {
  row: OutboxRow;
  master: MasterRecipient | null;
  staff: StaffRecipient | null;
  offer: OfferForPush | null;
  /** The row was `sending` under an expired lease: its previous sender may have sent it. */
  reclaimed: boolean;
}

/** One claim of a row: renewals and the outcome apply only under it (`row.claim_seq` of the claim). */
export interface Claim {
  id: number;
  seq: number;
}

const CLAIMED_COLUMNS = `
  c.*,
  m.tg_user_id AS m_tg_user_id, m.full_name AS m_full_name, m.city_id AS m_city_id,
  m.is_unreachable AS m_is_unreachable,
  s.tg_user_id AS s_tg_user_id, s.full_name AS s_full_name, s.is_active AS s_is_active,
  s.is_unreachable AS s_is_unreachable,
  f.state::text AS f_state, f.expires_at AS f_expires_at, ${ANSWER_UNTIL_SQL} AS f_answer_until,
  f.expires_at > now() AS f_is_open_in_time, f.tg_chat_id AS f_tg_chat_id, f.tg_message_id AS f_tg_message_id`;

const CLAIMED_JOINS = `
  LEFT JOIN masters m ON m.id = c.master_id
  LEFT JOIN staff_users s ON s.id = c.staff_user_id
  LEFT JOIN offers f ON f.id = c.offer_id`;

/**
 * A lease another sender may take over: it ran out more than the grace ($3 ms) ago (lease.ts).
 * The holder stops starting sends well before its lease runs out, so a takeover inside the
 * grace could only meet a request that a stalled holder had already started.
 */
const LEASE_TAKEN_OVER = `(q.lease_owner IS NOT NULL AND q.lease_until < now() - $3::int * interval '1 millisecond')`;

/** A row is claimable when it is pending and due, or `sending` under a lease that ran out. */
const CLAIMABLE = `(
  (q.status = 'pending' AND (q.not_before IS NULL OR q.not_before <= now()))
  OR ${LEASE_TAKEN_OVER})`;

/** $1 owner, $2 lease ms, $3 takeover grace ms. */
function claimSql(pick: string): string {
  return `
    WITH c AS (
      UPDATE notifications_outbox o
      SET status = 'sending', lease_owner = $1::text, claim_seq = o.claim_seq + 1,
        lease_until = now() + $2::int * interval '1 millisecond', updated_at = now()
      FROM (${pick}) sel
      WHERE o.id = sel.id
      RETURNING o.*, sel.was_status
    )
    SELECT ${CLAIMED_COLUMNS} FROM c ${CLAIMED_JOINS} ORDER BY c.id`;
}

/** $4: the ids (a job's rows). */
const CLAIM_IDS = claimSql(`
  SELECT q.id, q.status::text AS was_status FROM notifications_outbox q
  WHERE q.id = ANY($4::bigint[]) AND ${CLAIMABLE}
  FOR UPDATE SKIP LOCKED`);

/**
 * The sweep: $4 bot, $5 channel, $6 limit, $7 ids this process holds (never its own), $8 ms a
 * plain pending row must have waited for its job before the sweep takes it.
 */
const CLAIM_DUE = claimSql(`
  SELECT q.id, q.status::text AS was_status FROM notifications_outbox q
  WHERE q.bot = $4::bot_kind AND q.channel = $5::outbox_channel AND NOT (q.id = ANY($7::bigint[])) AND (
    ${LEASE_TAKEN_OVER}
    OR (q.status = 'pending' AND q.not_before <= now())
    OR (q.status = 'pending' AND q.not_before IS NULL
      AND q.created_at < now() - $8::int * interval '1 millisecond'))
  -- A dead sender's rows first (they have waited longest), then the oldest.
  ORDER BY q.lease_owner IS NULL, q.id
  LIMIT $6::int
  FOR UPDATE SKIP LOCKED`);

/** Renews the claims ($3 ids, $4 their claim_seq) this process still holds; returns those. */
const RENEW = `
  UPDATE notifications_outbox o SET lease_until = now() + $2::int * interval '1 millisecond'
  FROM unnest($3::bigint[], $4::int[]) AS h(id, seq)
  WHERE o.id = h.id AND o.claim_seq = h.seq AND o.lease_owner = $1::text
  RETURNING o.id`;

/** Why a job's row was not claimed: gone, final, held by a live lease, not due yet, or locked. */
const INSPECT = `
  SELECT id, status::text AS status, lease_owner,
    greatest(0, ceil(extract(epoch FROM not_before - now()) * 1000))::int AS wait_ms
  FROM notifications_outbox WHERE id = ANY($1::bigint[])`;

/**
 * One statement for a batch's outcomes, each under the claim it was made for ($11 claim_seq):
 * a row claimed again since (by another sender after the lease ran out, or by this one) is left
 * alone. A delivered push also stores its message id
 * on the offer and starts the offer's clock (packages/dispatch/src/offer-clock.ts).
 */
const RECORD = `
  WITH r AS (
    SELECT * FROM unnest($2::bigint[], $3::text[], $4::bigint[], $5::text[], $6::int[], $7::int[],
      $8::boolean[], $9::int[], $10::bigint[], $11::int[])
      AS r(id, status, message_id, error, add_attempts, pause_ms, maybe_sent, offer_id, chat_id, claim_seq)
  ), o AS (
    UPDATE notifications_outbox o SET
      status = r.status::outbox_status,
      sent_at = CASE WHEN r.status = 'sent' THEN now() ELSE o.sent_at END,
      tg_message_id = coalesce(r.message_id, o.tg_message_id),
      attempts = o.attempts + r.add_attempts,
      last_error = left(r.error, 2000),
      not_before = CASE WHEN r.pause_ms IS NULL THEN o.not_before
        ELSE now() + r.pause_ms * interval '1 millisecond' END,
      maybe_sent_at = CASE WHEN r.maybe_sent THEN now() ELSE o.maybe_sent_at END,
      lease_owner = NULL, lease_until = NULL, updated_at = now()
    FROM r
    WHERE o.id = r.id AND o.lease_owner = $1::text AND o.claim_seq = r.claim_seq
    RETURNING o.id
  ), f AS (
    UPDATE offers f SET tg_chat_id = r.chat_id, tg_message_id = r.message_id,
      delivered_at = CASE WHEN ${OFFER_CLOCK_NOT_STARTED_SQL} THEN now() ELSE f.delivered_at END,
      expires_at = CASE WHEN ${OFFER_CLOCK_NOT_STARTED_SQL} THEN ${DELIVERED_EXPIRES_AT_SQL} ELSE f.expires_at END
    FROM r JOIN o ON o.id = r.id
    WHERE f.id = r.offer_id AND r.message_id IS NOT NULL
    RETURNING f.id, f.order_id, f.expires_at, f.delivered_at = now() AS started
  )
  SELECT o.id, f.id AS offer_id, f.order_id, f.expires_at, f.started
  FROM o LEFT JOIN r ON r.id = o.id LEFT JOIN f ON f.id = r.offer_id`;

interface ClaimedDbRow extends OutboxRow {
  was_status: string;
  m_tg_user_id: number | null;
  m_full_name: string | null;
  m_city_id: number | null;
  m_is_unreachable: boolean | null;
  s_tg_user_id: number | null;
  s_full_name: string | null;
  s_is_active: boolean | null;
  s_is_unreachable: boolean | null;
  f_state: string | null;
  f_expires_at: Date | null;
  f_answer_until: Date;
  f_is_open_in_time: boolean;
  f_tg_chat_id: number | null;
  f_tg_message_id: number | null;
}

function toClaimed(r: ClaimedDbRow): ClaimedOutbox {
  const {
    was_status,
    m_tg_user_id,
    m_full_name,
    m_city_id,
    m_is_unreachable,
    s_tg_user_id,
    s_full_name,
    s_is_active,
    s_is_unreachable,
    f_state,
    f_expires_at,
    f_answer_until,
    f_is_open_in_time,
    f_tg_chat_id,
    f_tg_message_id,
    ...row
  } = r;
  return {
    row,
    reclaimed: was_status === 'sending',
    master:
      row.master_id !== null && m_tg_user_id !== null
        ? {
            id: row.master_id,
            tg_user_id: m_tg_user_id,
            full_name: m_full_name ?? '',
            city_id: m_city_id,
            is_unreachable: m_is_unreachable ?? false,
          }
        : null,
    staff:
      row.staff_user_id !== null && s_full_name !== null
        ? {
            id: row.staff_user_id,
            tg_user_id: s_tg_user_id,
            full_name: s_full_name,
            is_active: s_is_active ?? false,
            is_unreachable: s_is_unreachable ?? false,
          }
        : null,
    offer:
      f_state !== null && f_expires_at !== null
        ? {
            state: f_state,
            expires_at: f_expires_at,
            answer_until: f_answer_until,
            is_open_in_time: f_is_open_in_time,
            tg_chat_id: f_tg_chat_id,
            tg_message_id: f_tg_message_id,
          }
        : null,
  };
}

/** What RECORD writes for one row. */
export interface RowRecord {
  id: number;
  /** The claim the outcome belongs to (the row's claim_seq when it was claimed). */
  claimSeq: number;
  status: 'pending' | 'sent' | 'skipped' | 'failed';
  messageId?: number | null;
  error?: string | null;
  /** 1 when Telegram was asked (sent, failed, retry); 0 for skips, pauses and 429s. */
  addAttempts: number;
  /** Back to pending, not before now() + this. */
  pauseMs?: number | null;
  /** The send timed out: a copy may exist (outbox.maybe_sent_at). */
  maybeSent?: boolean;
  /** A delivered push: store the message on this offer and start its clock. */
  push?: { offerId: number; chatId: number };
}

/** An offer whose clock a delivery started: its expiry moved (schedule a wake-up at it). */
export interface StartedOffer {
  orderId: number;
  offerId: number;
  expiresAt: Date;
}

export interface RecordResult {
  /** Rows recorded (the others' lease was lost: another sender owns them now). */
  recorded: Set<number>;
  started: StartedOffer[];
}

export type Inspected =
  | { id: number; status: 'missing' }
  | { id: number; status: string; leaseOwner: string | null; waitMs: number };

/** The hot-path statements, prepared on each pool connection on first use. */
export class OutboxStore {
  private readonly pool: pg.Pool;

  constructor(
    readonly db: Db,
    /** This process: the lease owner written on claimed rows. */
    readonly owner: string,
    readonly lease: LeaseTimings,
    /**
     * Lease renewals on a connection of their own: behind a queue of claims and records in a
     * busy pool they could come too late and let another sender take rows this one is sending.
     */
    private readonly renewPool?: pg.Pool,
  ) {
    this.pool = poolOf(db);
  }

  async claimIds(ids: readonly number[]): Promise<ClaimedOutbox[]> {
    if (ids.length === 0) return [];
    const { rows } = await this.pool.query<ClaimedDbRow>({
      name: 'fs_sender_claim_ids',
      text: CLAIM_IDS,
      values: [this.owner, this.lease.leaseMs, this.lease.takeoverGraceMs, ids],
    });
    return rows.map(toClaimed);
  }

  async claimDue(p: {
    bot: string;
    channel: OutboxChannel;
    limit: number;
    exclude: readonly number[];
    jobGraceMs: number;
  }): Promise<ClaimedOutbox[]> {
    if (p.limit <= 0) return [];
    const { rows } = await this.pool.query<ClaimedDbRow>({
      name: 'fs_sender_claim_due',
      text: CLAIM_DUE,
      values: [
        this.owner,
        this.lease.leaseMs,
        this.lease.takeoverGraceMs,
        p.bot,
        p.channel,
        p.limit,
        p.exclude,
        p.jobGraceMs,
      ],
    });
    return rows.map(toClaimed);
  }

  /** Renews the claims still held by this process; returns the ids renewed (the others are lost). */
  async renew(claims: readonly Claim[]): Promise<Set<number>> {
    if (claims.length === 0) return new Set();
    const { rows } = await (this.renewPool ?? this.pool).query<{ id: number }>({
      name: 'fs_sender_renew',
      text: RENEW,
      values: [this.owner, this.lease.leaseMs, claims.map((c) => c.id), claims.map((c) => c.seq)],
    });
    return new Set(rows.map((r) => r.id));
  }

  async inspect(ids: readonly number[]): Promise<Map<number, Inspected>> {
    const { rows } = await this.pool.query<{
      id: number;
      status: string;
      lease_owner: string | null;
      wait_ms: number | null;
    }>({ name: 'fs_sender_inspect', text: INSPECT, values: [ids] });
    const out = new Map<number, Inspected>(ids.map((id) => [id, { id, status: 'missing' }]));
    for (const r of rows)
      out.set(r.id, { id: r.id, status: r.status, leaseOwner: r.lease_owner, waitMs: r.wait_ms ?? 0 });
    return out;
  }

  async record(records: readonly RowRecord[]): Promise<RecordResult> {
    if (records.length === 0) return { recorded: new Set(), started: [] };
    const col = <T>(f: (r: RowRecord) => T) => records.map(f);
    const { rows } = await this.pool.query<{
      id: number;
      offer_id: number | null;
      order_id: number | null;
      expires_at: Date | null;
      started: boolean | null;
    }>({
      name: 'fs_sender_record',
      text: RECORD,
      values: [
        this.owner,
        col((r) => r.id),
        col((r) => r.status),
        col((r) => r.messageId ?? null),
        col((r) => r.error ?? null),
        col((r) => r.addAttempts),
        col((r) => (r.pauseMs == null ? null : Math.max(0, Math.ceil(r.pauseMs)))),
        col((r) => r.maybeSent === true),
        col((r) => r.push?.offerId ?? null),
        col((r) => r.push?.chatId ?? null),
        col((r) => r.claimSeq),
      ],
    });
    const started: StartedOffer[] = [];
    for (const r of rows)
      if (r.started && r.offer_id !== null && r.order_id !== null && r.expires_at !== null)
        started.push({ orderId: r.order_id, offerId: r.offer_id, expiresAt: r.expires_at });
    return { recorded: new Set(rows.map((r) => r.id)), started };
  }
}

export async function findOffer(db: Db, offerId: number): Promise<OfferForPush | null> {
  const row = await db
    .selectFrom('offers as f')
    .select([
      'f.state',
      'f.expires_at',
      sql<Date>`${sql.raw(ANSWER_UNTIL_SQL)}`.as('answer_until'),
      'f.tg_chat_id',
      'f.tg_message_id',
      sql<boolean>`f.expires_at > now()`.as('is_open_in_time'),
    ])
    .where('f.id', '=', offerId)
    .executeTakeFirst();
  return row ?? null;
}

/** The offer's new_offer outbox row (the push that offer_closed edits). */
export async function findPushRow(
  db: Db,
  offerId: number,
): Promise<Pick<OutboxRow, 'id' | 'status' | 'payload'> | null> {
  const row = await db
    .selectFrom('notifications_outbox')
    .select(['id', 'status', 'payload'])
    .where('offer_id', '=', offerId)
    .where('event', '=', 'new_offer')
    .orderBy('id', 'desc')
    .executeTakeFirst();
  return row ?? null;
}
