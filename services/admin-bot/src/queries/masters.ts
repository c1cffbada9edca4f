import type { Db } from '@fs/db';
import {
  type MasterBalance,
  type MasterLocationInfo,
  masterBalance,
  masterLocationInfo,
  masterStateById,
} from '@fs/dispatch';
import {
  ACTIVE_ORDER_STATUSES,
  type Category,
  type CommissionStatus,
  type ModerationStatus,
  type OrderStatus,
  type ShiftStatus,
} from '@fs/domain';
import { sql } from 'kysely';
import { cityFilter } from '../scope';
import { type Page, readPage } from './page';
import type { StaffMember } from './staff';

/** Reads for the masters and moderation screens; every list is limited to the staff member's cities. */

export const MASTERS_PER_PAGE = 10;

export interface MasterFilters {
  cityId: number | null;
  status: 'all' | ModerationStatus;
  skill: 'all' | Category;
  shift: 'all' | 'on' | 'off';
  blocked: 'all' | 'yes' | 'no';
}

export const NO_FILTERS: MasterFilters = {
  cityId: null,
  status: 'all',
  skill: 'all',
  shift: 'all',
  blocked: 'all',
};

export interface MasterListRow {
  id: number;
  full_name: string;
  city: string | null;
  moderation_status: ModerationStatus;
  shift_status: ShiftStatus;
  is_blocked: boolean;
  rating: string;
  active_orders: number;
}

function mastersQuery(db: Db, staff: StaffMember, f: MasterFilters) {
  let q = db
    .selectFrom('masters as m')
    .leftJoin('cities as c', 'c.id', 'm.city_id')
    .where('m.is_deleted', '=', false)
    .where(cityFilter('m.city_id', staff));
  if (f.cityId !== null) q = q.where('m.city_id', '=', f.cityId);
  if (f.status !== 'all') q = q.where('m.moderation_status', '=', f.status);
  if (f.skill !== 'all') {
    const skill = f.skill;
    q = q.where((eb) =>
      eb.exists(
        eb
          .selectFrom('master_skills as s')
          .select('s.master_id')
          .whereRef('s.master_id', '=', 'm.id')
          .where('s.skill_code', '=', skill),
      ),
    );
  }
  if (f.shift === 'on') q = q.where('m.shift_status', 'in', ['on', 'break']);
  if (f.shift === 'off') q = q.where('m.shift_status', '=', 'off');
  if (f.blocked !== 'all') q = q.where('m.is_blocked', '=', f.blocked === 'yes');
  return q;
}

const countMasters = (db: Db, staff: StaffMember, f: MasterFilters) =>
  mastersQuery(db, staff, f)
    .select((eb) => eb.fn.countAll<string>().as('total'))
    .executeTakeFirstOrThrow();

const LIST_COLUMNS = [
  'm.id',
  'm.full_name',
  'c.name as city',
  'm.moderation_status',
  'm.shift_status',
  'm.is_blocked',
  'm.rating',
] as const;

export async function listMasters(
  db: Db,
  staff: StaffMember,
  filters: MasterFilters,
  page: number,
  perPage = MASTERS_PER_PAGE,
): Promise<Page<MasterListRow>> {
  return readPage(countMasters(db, staff, filters), page, perPage, (offset, limit) =>
    mastersQuery(db, staff, filters)
      .select([
        ...LIST_COLUMNS,
        (eb) =>
          eb
            .selectFrom('orders as a')
            .select(sql<number>`count(*)::int`.as('n'))
            .whereRef('a.assigned_master_id', '=', 'm.id')
            .where('a.status', 'in', [...ACTIVE_ORDER_STATUSES])
            .$asScalar()
            .as('active_orders'),
      ])
      .orderBy('m.id', 'desc')
      .offset(offset)
      .limit(limit)
      .execute(),
  );
}

/** Masters waiting for moderation in the staff member's cities, oldest first. */
export async function listPendingMasters(
  db: Db,
  staff: StaffMember,
  page: number,
  perPage = MASTERS_PER_PAGE,
): Promise<Page<MasterListRow & { updated_at: Date }>> {
  const filters: MasterFilters = { ...NO_FILTERS, status: 'pending' };
  return readPage(countMasters(db, staff, filters), page, perPage, (offset, limit) =>
    mastersQuery(db, staff, filters)
      .select([...LIST_COLUMNS, 'm.updated_at', sql<number>`0`.as('active_orders')])
      .orderBy('m.updated_at')
      .orderBy('m.id')
      .offset(offset)
      .limit(limit)
      .execute(),
  );
}

export interface MasterCardData {
  id: number;
  tg_user_id: number;
  username: string | null;
  full_name: string;
  phone: string | null;
  city_id: number | null;
  city: string | null;
  timezone: string | null;
  rating: string;
  has_vehicle: boolean;
  vehicle_plate: string | null;
  moderation_status: ModerationStatus;
  moderation_reason: string | null;
  verified: boolean;
  verified_at: Date | null;
  shift_status: ShiftStatus;
  is_blocked: boolean;
  blocked_reason: string | null;
  blocked_at: Date | null;
  max_active_orders_override: number | null;
  payout_method: string | null;
  referral_code: string | null;
  created_at: Date;
  districts: { id: number; name: string }[];
  skills: Category[];
  documents: number;
  stats: { closed: number; revenueKopecks: number; canceled: number };
  activeOrders: { id: number; status: OrderStatus }[];
  commissions: { id: number; order_id: number; amount_kopecks: number; status: CommissionStatus }[];
  balance: MasterBalance;
  /** Where the master is (issue 18): shown to staff only, with when it was last updated. */
  place: MasterLocationInfo | null;
}

/** Everything the master card shows; undefined when there is no such (undeleted) master. Scope: the caller. */
export async function loadMasterCard(db: Db, masterId: number): Promise<MasterCardData | undefined> {
  const m = await masterStateById(db, masterId)
    .select([
      'm.username',
      'm.phone',
      'm.rating',
      'm.has_vehicle',
      'm.vehicle_plate',
      'm.payout_method',
      'm.referral_code',
      'm.created_at',
    ])
    .executeTakeFirst();
  if (!m) return undefined;
  const [districts, skills, documents, stats, activeOrders, commissions, balance, place] = await Promise.all([
    db
      .selectFrom('master_districts as md')
      .innerJoin('districts as d', 'd.id', 'md.district_id')
      .select(['d.id', 'd.name'])
      .where('md.master_id', '=', masterId)
      .orderBy('d.name')
      .execute(),
    db
      .selectFrom('master_skills')
      .select('skill_code')
      .where('master_id', '=', masterId)
      .orderBy('skill_code')
      .execute(),
    masterDocuments(db, masterId),
    db
      .selectFrom('orders')
      .select([
        sql<string>`count(*) FILTER (WHERE status = 'closed')`.as('closed'),
        sql<string>`coalesce(sum(total_amount_kopecks) FILTER (WHERE status = 'closed'), 0)`.as('revenue'),
        sql<string>`count(*) FILTER (WHERE status = 'canceled')`.as('canceled'),
      ])
      .where('assigned_master_id', '=', masterId)
      .executeTakeFirstOrThrow(),
    db
      .selectFrom('orders')
      .select(['id', 'status'])
      .where('assigned_master_id', '=', masterId)
      .where('status', 'in', [...ACTIVE_ORDER_STATUSES])
      .orderBy('id')
      .limit(10)
      .execute(),
    db
      .selectFrom('commissions')
      .select(['id', 'order_id', 'amount_kopecks', 'status'])
      .where('master_id', '=', masterId)
      .orderBy('id', 'desc')
      .limit(5)
      .execute(),
    masterBalance(db, masterId),
    masterLocationInfo(db, masterId),
  ]);
  return {
    ...m,
    districts,
    skills: skills.map((s) => s.skill_code),
    documents: documents.length,
    stats: {
      closed: Number(stats.closed),
      revenueKopecks: Number(stats.revenue),
      canceled: Number(stats.canceled),
    },
    activeOrders,
    commissions,
    balance,
    place,
  };
}

/** The window of a master's acceptance rate in the master card. */
export const ACCEPTANCE_WINDOW_DAYS = 30;

/** What clients and offers say about a master (issue 17), as staff see it. */
export interface MasterFeedback {
  /** masters.rating: the Bayesian average of all their stars (domain bayesianRating). */
  rating: number;
  reviewsCount: number;
  /**
   * Offers of the last ACCEPTANCE_WINDOW_DAYS the master decided: accepted, declined or let
   * expire. Withdrawn (never delivered) and canceled (taken by another master, order canceled
   * before an answer) offers were not the master's to decide and are left out.
   */
  decided: number;
  accepted: number;
  /** The latest reviews of orders in the staff member's cities, newest first. */
  latest: {
    order_id: number;
    stars: number | null;
    amount_confirmed: boolean | null;
    created_at: Date;
    timezone: string;
  }[];
}

export const MASTER_CARD_REVIEWS = 5;

/** The master's rating, acceptance rate and latest reviews; reviews of other cities stay hidden. */
export async function loadMasterFeedback(
  db: Db,
  staff: StaffMember,
  masterId: number,
): Promise<MasterFeedback> {
  const [master, offers, latest] = await Promise.all([
    db
      .selectFrom('masters')
      .select([sql<number>`rating::float8`.as('rating'), 'reviews_count'])
      .where('id', '=', masterId)
      .executeTakeFirstOrThrow(),
    db
      .selectFrom('offers')
      .select([
        sql<number>`count(*) FILTER (WHERE state IN ('accepted', 'declined', 'expired'))::int`.as('decided'),
        sql<number>`count(*) FILTER (WHERE state = 'accepted')::int`.as('accepted'),
      ])
      .where('master_id', '=', masterId)
      .where(sql<boolean>`sent_at >= now() - make_interval(days => ${ACCEPTANCE_WINDOW_DAYS}::int)`)
      .executeTakeFirstOrThrow(),
    db
      .selectFrom('reviews as r')
      .innerJoin('cities as c', 'c.id', 'r.city_id')
      .select(['r.order_id', 'r.stars', 'r.amount_confirmed', 'r.created_at', 'c.timezone'])
      .where('r.master_id', '=', masterId)
      .where(cityFilter('r.city_id', staff))
      .orderBy('r.created_at', 'desc')
      .orderBy('r.id', 'desc')
      .limit(MASTER_CARD_REVIEWS)
      .execute(),
  ]);
  return {
    rating: Number(master.rating),
    reviewsCount: master.reviews_count,
    decided: offers.decided,
    accepted: offers.accepted,
    latest,
  };
}

export interface MasterDocument {
  id: number;
  file_type: string;
  file_id: string;
  document_kind: string | null;
  caption: string | null;
  uploaded_by_master_id: number | null;
}

/** The master's documents (passport, selfie…), in upload order. */
export async function masterDocuments(db: Db, masterId: number): Promise<MasterDocument[]> {
  return db
    .selectFrom('attachments')
    .select(['id', 'file_type', 'file_id', 'document_kind', 'caption', 'uploaded_by_master_id'])
    .where('entity_type', '=', 'master')
    .where('entity_id', '=', masterId)
    .orderBy('id')
    .execute();
}

/** A master's city (for the scope check before any action); undefined when not found. */
export async function masterCity(db: Db, masterId: number): Promise<{ city_id: number | null } | undefined> {
  return db
    .selectFrom('masters')
    .select('city_id')
    .where('id', '=', masterId)
    .where('is_deleted', '=', false)
    .executeTakeFirst();
}

export async function cityName(db: Db, cityId: number): Promise<string | undefined> {
  const row = await db.selectFrom('cities').select('name').where('id', '=', cityId).executeTakeFirst();
  return row?.name;
}

/** A master's name by id (for a confirmation after the dispatch use case checked the master). */
export async function masterFullName(db: Db, masterId: number): Promise<string | undefined> {
  const row = await db
    .selectFrom('masters')
    .select('full_name')
    .where('id', '=', masterId)
    .executeTakeFirst();
  return row?.full_name;
}
