import type {
  ActorType,
  AttachmentEntity,
  AttachmentFileType,
  BotKind,
  Category,
  CommissionStatus,
  GeoPrecision,
  GeoSource,
  ModerationStatus,
  NotificationEvent,
  OfferState,
  OrderStatus,
  OrderType,
  OutboxChannel,
  OutboxStatus,
  PayoutMethod,
  ReferralRewardStatus,
  ShiftStatus,
  StaffRole,
} from '@fs/domain/enums';
import type { ColumnType, Generated, Insertable, Selectable, Updateable } from 'kysely';

/** timestamptz: read as Date, written as Date or SQL expressions. */
type Timestamp = ColumnType<Date, Date | string, Date | string>;
type CreatedAt = ColumnType<Date, Date | string | undefined, Date | string>;
/** int8 columns are parsed to number by the db factory (Telegram ids and kopecks fit in 2^53). */
type Int8 = ColumnType<number, number | string, number | string>;
/** numeric columns come back as strings from pg; write numbers or strings. */
type Numeric = ColumnType<string, number | string, number | string>;
export type Json = ColumnType<unknown, unknown, unknown>;
type JsonObject = ColumnType<
  Record<string, unknown>,
  Record<string, unknown> | string | undefined,
  Record<string, unknown> | string
>;

export interface CitiesTable {
  id: Generated<number>;
  name: string;
  timezone: string;
  is_active: Generated<boolean>;
  centroid_lat: number | null;
  centroid_lon: number | null;
  working_hours_start: string | null;
  working_hours_end: string | null;
  /** The city's own quiet hours for client SMS (migration 0171); null = the settings'. */
  sms_quiet_start: string | null;
  sms_quiet_end: string | null;
  /** When a master of the city last became available (migration 0320, due-work.ts wakeCityOrders). */
  dist_freed_at: Date | null;
  created_at: CreatedAt;
  updated_at: CreatedAt;
}

export interface DistrictsTable {
  id: Generated<number>;
  city_id: number;
  name: string;
  centroid_lat: number | null;
  centroid_lon: number | null;
  created_at: CreatedAt;
}

export interface StreetsTable {
  id: Generated<number>;
  city_id: number;
  district_id: number | null;
  name: string;
  centroid_lat: number | null;
  centroid_lon: number | null;
  created_at: CreatedAt;
}

export interface SkillsTable {
  code: Category;
  label: string;
  is_active: Generated<boolean>;
}

export interface StaffUsersTable {
  id: Generated<number>;
  tg_user_id: Int8 | null;
  username: string | null;
  full_name: Generated<string>;
  phone: string | null;
  role: StaffRole;
  is_active: Generated<boolean>;
  is_unreachable: Generated<boolean>;
  /** A row pre-created by @username (tg_user_id null) links only before this moment. */
  invite_expires_at: Timestamp | null;
  /** When an @username invitation was taken (tg_user_id and full_name are the taker's). */
  linked_at: Timestamp | null;
  created_at: CreatedAt;
  updated_at: CreatedAt;
}

export interface StaffCitiesTable {
  staff_user_id: number;
  city_id: number;
  created_at: CreatedAt;
}

export interface StaffAccessCodesTable {
  id: Generated<number>;
  code: string;
  role: StaffRole;
  issued_by_staff_id: number | null;
  used_by_staff_id: number | null;
  expires_at: Timestamp | null;
  used_at: Timestamp | null;
  revoked_at: Timestamp | null;
  comment: string | null;
  created_at: CreatedAt;
}

export interface StaffAccessCodeCitiesTable {
  access_code_id: number;
  city_id: number;
}

export interface MastersTable {
  id: Generated<number>;
  tg_user_id: Int8;
  username: string | null;
  full_name: Generated<string>;
  phone: string | null;
  city_id: number | null;
  rating: ColumnType<string, number | string | undefined, number | string>;
  has_vehicle: Generated<boolean>;
  vehicle_plate: string | null;
  moderation_status: Generated<ModerationStatus>;
  moderation_reason: string | null;
  verified: Generated<boolean>;
  verified_at: Timestamp | null;
  verified_by_staff_id: number | null;
  shift_status: Generated<ShiftStatus>;
  break_until: Timestamp | null;
  is_active: Generated<boolean>;
  is_blocked: Generated<boolean>;
  blocked_reason: string | null;
  blocked_at: Timestamp | null;
  is_deleted: Generated<boolean>;
  is_unreachable: Generated<boolean>;
  max_active_orders_override: number | null;
  /**
   * Skill codes (category[]), kept equal to the master's master_skills rows by triggers; for
   * the candidate index only: read master_skills. node-postgres returns it as the array literal.
   */
  skill_codes: ColumnType<string, never, never>;
  payout_method: PayoutMethod | null;
  payout_data: JsonObject;
  pdn_accepted_at: Timestamp | null;
  referral_code: string | null;
  referred_by_master_id: number | null;
  /** Base point from the profile (a Telegram location), migration 0180. */
  base_lat: number | null;
  base_lon: number | null;
  base_updated_at: Timestamp | null;
  /** Telegram live location while on shift; counts while `live_active` (until `live_until`). */
  live_lat: number | null;
  live_lon: number | null;
  live_updated_at: Timestamp | null;
  live_until: Timestamp | null;
  live_message_id: Int8 | null;
  live_active: Generated<boolean>;
  /** The point dispatch uses (earthdistance cube), kept by a trigger from the columns above; never written. */
  geo_point: ColumnType<string | null, never, never>;
  /** Reviews with stars behind `rating` (migration 0172). */
  reviews_count: Generated<number>;
  created_at: CreatedAt;
  updated_at: CreatedAt;
  version: Generated<number>;
}

export interface MasterDistrictsTable {
  master_id: number;
  district_id: number;
  created_at: CreatedAt;
}

export interface MasterSkillsTable {
  master_id: number;
  skill_code: Category;
  created_at: CreatedAt;
}

export interface MasterInviteCodesTable {
  id: Generated<number>;
  code: string;
  city_id: number | null;
  issued_by_staff_id: number | null;
  used_by_master_id: number | null;
  used_at: Timestamp | null;
  expires_at: Timestamp | null;
  revoked_at: Timestamp | null;
  comment: string | null;
  created_at: CreatedAt;
}

export interface OrdersTable {
  id: Generated<number>;
  city_id: number;
  district_id: number | null;
  street_id: number | null;
  street: string | null;
  house: string | null;
  apartment: string | null;
  address_comment: string | null;
  lat: number | null;
  lon: number | null;
  /** How the point was found (migration 0180); `unknown` exactly when lat/lon are null. */
  geo_precision: Generated<GeoPrecision>;
  geo_source: GeoSource | null;
  /** The address the geocoder matched (shown to staff to check the point). */
  geo_address: string | null;
  geo_updated_at: Timestamp | null;
  geo_pinned_by_staff_id: number | null;
  client_name: Generated<string>;
  client_phone: string | null;
  category: Category;
  description: Generated<string>;
  status: Generated<OrderStatus>;
  type: Generated<OrderType>;
  timeslot_start: Timestamp | null;
  timeslot_end: Timestamp | null;
  is_asap: Generated<boolean>;
  deferred_until: Timestamp | null;
  preferred_master_id: number | null;
  assigned_master_id: number | null;
  total_amount_kopecks: Int8 | null;
  company_payment_kopecks: ColumnType<number, number | undefined, number>;
  cancel_reason: string | null;
  guarantee_source_order_id: number | null;
  created_by_staff_id: number | null;
  dist_rounds_used: Generated<number>;
  /**
   * When a batch round found every qualifying master busy for the waiting order (migration
   * 0320, batch-round.ts); cleared when the order changes or is offered.
   */
  dist_busy_at: Date | null;
  first_offer_at: Timestamp | null;
  escalation_reason: string | null;
  escalated_logist_at: Timestamp | null;
  escalated_admin_at: Timestamp | null;
  escalation_logist_notified_at: Timestamp | null;
  escalation_admin_notified_at: Timestamp | null;
  /** When the unassigned-orders digest last reported this order (migration 0009). */
  unassigned_digest_at: Timestamp | null;
  assigned_at: Timestamp | null;
  closed_at: Timestamp | null;
  created_at: CreatedAt;
  updated_at: CreatedAt;
  version: Generated<number>;
}

export interface OrderStatusHistoryTable {
  id: Generated<number>;
  order_id: number;
  from_status: OrderStatus | null;
  to_status: OrderStatus;
  actor_type: ActorType;
  actor_id: number | null;
  reason: string | null;
  context: JsonObject;
  created_at: CreatedAt;
}

/**
 * Ranking inputs per master, kept by triggers (migration 0340; see
 * packages/dispatch/src/masters/master-load.ts for how the candidate query reads them).
 */
export interface MasterLoadTable {
  master_id: number;
  active_orders: Generated<number>;
  open_offers: Generated<number>;
  /** Earliest expires_at of the open offers (null: none). */
  open_offers_until: Timestamp | null;
  avg_check_7d: Generated<number>;
  /** When the oldest order in the 7-day window leaves it (null: none in the window). */
  avg_check_until: Timestamp | null;
}

export interface OffersTable {
  id: Generated<number>;
  order_id: number;
  master_id: number;
  round_number: number;
  state: Generated<OfferState>;
  /** When the offer was made. */
  sent_at: CreatedAt;
  /**
   * Until the push is delivered: the delivery deadline (sent_at + SLA); from delivery on: the
   * end of the answer window (delivered_at + SLA). See packages/dispatch/src/offers/offer-clock.ts.
   */
  expires_at: Timestamp;
  /** When Telegram accepted the push (null: not delivered, or delivered only after the offer closed). */
  delivered_at: Timestamp | null;
  viewed_at: Timestamp | null;
  responded_at: Timestamp | null;
  close_reason: string | null;
  tg_chat_id: Int8 | null;
  tg_message_id: Int8 | null;
  /** Straight-line distance from the master to the order when offered, metres (migration 0180). */
  distance_m: number | null;
  created_at: CreatedAt;
}

export interface AttachmentsTable {
  id: Generated<number>;
  entity_type: AttachmentEntity;
  entity_id: number;
  file_type: AttachmentFileType;
  file_id: string;
  file_unique_id: string | null;
  file_name: string | null;
  mime_type: string | null;
  size: number | null;
  caption: string | null;
  document_kind: string | null;
  uploaded_by_master_id: number | null;
  uploaded_by_staff_id: number | null;
  created_at: CreatedAt;
}

export interface CommissionsTable {
  id: Generated<number>;
  order_id: number;
  master_id: number;
  amount_kopecks: Int8;
  rate: Numeric;
  status: Generated<CommissionStatus>;
  deadline_at: Timestamp;
  reported_at: Timestamp | null;
  approved_at: Timestamp | null;
  approved_by_staff_id: number | null;
  paid_amount_kopecks: Int8 | null;
  reject_reason: string | null;
  pay_to_snapshot: JsonObject;
  blocked_applied: Generated<boolean>;
  created_at: CreatedAt;
  updated_at: CreatedAt;
}

export interface CommissionDeadlineNotificationsTable {
  commission_id: number;
  minutes_before: number;
  sent_at: CreatedAt;
}

export interface OwnerRequisitesTable {
  id: Generated<number>;
  data: JsonObject;
  updated_at: CreatedAt;
  updated_by_staff_id: number | null;
}

export interface ReferralsTable {
  id: Generated<number>;
  master_id: number;
  referrer_id: number;
  created_at: CreatedAt;
}

export interface ReferralRewardsTable {
  id: Generated<number>;
  referrer_id: number;
  referred_master_id: number;
  commission_id: number;
  level: number;
  rate: Numeric;
  amount_kopecks: Int8;
  status: Generated<ReferralRewardStatus>;
  paid_at: Timestamp | null;
  created_at: CreatedAt;
}

export interface SettingsTable {
  key: string;
  value: Json;
  description: Generated<string>;
  updated_at: CreatedAt;
  updated_by_staff_id: number | null;
}

export interface NotificationsOutboxTable {
  id: Generated<number>;
  bot: BotKind;
  event: NotificationEvent;
  master_id: number | null;
  staff_user_id: number | null;
  chat_id: Int8 | null;
  order_id: number | null;
  offer_id: number | null;
  payload: JsonObject;
  dedup_key: string | null;
  status: Generated<OutboxStatus>;
  attempts: Generated<number>;
  last_error: string | null;
  enqueued_at: Timestamp | null;
  sent_at: Timestamp | null;
  tg_message_id: Int8 | null;
  /** telegram (a bot's chat) or sms (a client's phone); migration 0170. */
  channel: Generated<OutboxChannel>;
  /** SMS recipient, +7XXXXXXXXXX. */
  phone: string | null;
  /** Not sent (nor relayed) before this instant: an SMS held back by the city's quiet hours. */
  not_before: Timestamp | null;
  /** While `sending`: the claim holds until then; an expired lease is claimed again (migration 0111). */
  lease_until: Timestamp | null;
  /** While `sending`: the sender process holding the claim. */
  lease_owner: string | null;
  /** Claims so far: a renewal or an outcome counts only under the claim it was made for (migration 0300). */
  claim_seq: Generated<number>;
  /** A send attempt timed out then: Telegram may have delivered a copy whose message id is unknown. */
  maybe_sent_at: Timestamp | null;
  created_at: CreatedAt;
  updated_at: CreatedAt;
}

/** What we know about a client's phone number (migration 0171). */
export interface ClientPhonesTable {
  phone: string;
  opted_out_at: Timestamp | null;
  sms_unreachable_at: Timestamp | null;
  sms_unreachable_reason: string | null;
  created_at: CreatedAt;
  updated_at: CreatedAt;
}

/** A private chat with the client bot (migration 0171). */
export interface ClientChatsTable {
  chat_id: Int8;
  tg_user_id: Int8 | null;
  first_name: string | null;
  /** The client's own number, shared with the contact button. */
  phone: string | null;
  opted_out_at: Timestamp | null;
  unreachable_at: Timestamp | null;
  created_at: CreatedAt;
  updated_at: CreatedAt;
}

/** The per-order deep link to the client bot (migration 0171). */
export interface OrderClientLinksTable {
  order_id: number;
  token: string;
  expires_at: Timestamp;
  chat_id: Int8 | null;
  opened_at: Timestamp | null;
  /** The master the client was last told about. */
  master_id: number | null;
  created_at: CreatedAt;
}

/** A client's review of an order (migration 0172). */
export interface ReviewsTable {
  id: Generated<number>;
  order_id: number;
  master_id: number;
  city_id: number;
  chat_id: Int8 | null;
  stars: number | null;
  amount_kopecks: Int8 | null;
  amount_confirmed: boolean | null;
  low_rating_alerted_at: Timestamp | null;
  amount_alerted_at: Timestamp | null;
  created_at: CreatedAt;
  updated_at: CreatedAt;
}

export interface DistributionMetricsTable {
  id: Generated<number>;
  order_id: number;
  master_id: number | null;
  city_id: number;
  district_id: number | null;
  category: Category;
  order_type: OrderType;
  round_number: number;
  masters_offered: number;
  seconds_from_creation: number;
  seconds_from_first_offer: number | null;
  escalated_logist: Generated<boolean>;
  escalated_admin: Generated<boolean>;
  preferred_master_used: Generated<boolean>;
  via: 'auto' | 'manual';
  assigned_at: CreatedAt;
}

export interface AdminAuditLogTable {
  id: Generated<number>;
  staff_user_id: number | null;
  action: string;
  entity_type: string;
  entity_id: number | null;
  payload: JsonObject;
  created_at: CreatedAt;
}

export interface SystemEventsTable {
  id: Generated<number>;
  source: string;
  level: Generated<string>;
  message: string;
  order_id: number | null;
  master_id: number | null;
  context: JsonObject;
  created_at: CreatedAt;
}

export interface GeocodeCacheTable {
  provider: string;
  /** The normalised address (see @fs/geo cacheKey). */
  query: string;
  found: boolean;
  lat: number | null;
  lon: number | null;
  precision: GeoPrecision | null;
  /** The provider's own precision word, e.g. Yandex `exact`, `street`. */
  provider_precision: string | null;
  address: string | null;
  created_at: CreatedAt;
  expires_at: Timestamp;
}

export interface Database {
  cities: CitiesTable;
  districts: DistrictsTable;
  streets: StreetsTable;
  skills: SkillsTable;
  staff_users: StaffUsersTable;
  staff_cities: StaffCitiesTable;
  staff_access_codes: StaffAccessCodesTable;
  staff_access_code_cities: StaffAccessCodeCitiesTable;
  masters: MastersTable;
  master_districts: MasterDistrictsTable;
  master_skills: MasterSkillsTable;
  master_invite_codes: MasterInviteCodesTable;
  master_load: MasterLoadTable;
  orders: OrdersTable;
  order_status_history: OrderStatusHistoryTable;
  offers: OffersTable;
  attachments: AttachmentsTable;
  commissions: CommissionsTable;
  commission_deadline_notifications: CommissionDeadlineNotificationsTable;
  owner_requisites: OwnerRequisitesTable;
  referrals: ReferralsTable;
  referral_rewards: ReferralRewardsTable;
  settings: SettingsTable;
  notifications_outbox: NotificationsOutboxTable;
  distribution_metrics: DistributionMetricsTable;
  admin_audit_log: AdminAuditLogTable;
  system_events: SystemEventsTable;
  geocode_cache: GeocodeCacheTable;
  client_phones: ClientPhonesTable;
  client_chats: ClientChatsTable;
  order_client_links: OrderClientLinksTable;
  reviews: ReviewsTable;
}

export type City = Selectable<CitiesTable>;
export type District = Selectable<DistrictsTable>;
export type Master = Selectable<MastersTable>;
export type NewMaster = Insertable<MastersTable>;
export type MasterUpdate = Updateable<MastersTable>;
export type StaffUser = Selectable<StaffUsersTable>;
export type Order = Selectable<OrdersTable>;
export type NewOrder = Insertable<OrdersTable>;
export type OrderUpdate = Updateable<OrdersTable>;
export type Offer = Selectable<OffersTable>;
export type OutboxRow = Selectable<NotificationsOutboxTable>;
export type NewOutboxRow = Insertable<NotificationsOutboxTable>;
export type Commission = Selectable<CommissionsTable>;
