/**
 * Every enum value of the platform, in one place. The database migration creates its
 * Postgres ENUM types from these arrays, and domain code types itself from them.
 */
export const CATEGORIES = ['electrics', 'plumbing', 'appliances', 'windows', 'handyman', 'roadside'] as const;
export type Category = (typeof CATEGORIES)[number];

export const CATEGORY_LABELS: Record<Category, string> = {
  electrics: '⚡ Электрика',
  plumbing: '🚰 Сантехника',
  appliances: '🔌 Бытовая техника',
  windows: '🪟 Окна',
  handyman: '🔧 Мелкий ремонт',
  roadside: '🚗 Помощь на дороге',
};

export const ORDER_STATUSES = [
  'created',
  'deferred',
  'searching',
  'guarantee',
  'assigned',
  'en_route',
  'working',
  'payment',
  'closed',
  'canceled',
] as const;
export type OrderStatus = (typeof ORDER_STATUSES)[number];

/** Orders the scheduler may offer to masters. */
export const DISTRIBUTABLE_STATUSES = ['searching', 'guarantee'] as const satisfies readonly OrderStatus[];
/** Orders that count against a master's active-order limit. */
export const ACTIVE_ORDER_STATUSES = [
  'assigned',
  'en_route',
  'working',
  'payment',
] as const satisfies readonly OrderStatus[];

export const ORDER_TYPES = ['normal', 'guarantee'] as const;
export type OrderType = (typeof ORDER_TYPES)[number];

export const ACTOR_TYPES = ['system', 'staff', 'master', 'auto_distribution'] as const;
export type ActorType = (typeof ACTOR_TYPES)[number];

/**
 * `withdrawn`: the offer's push never reached the master before its delivery deadline (see
 * packages/dispatch/src/offers/offer-clock.ts). Not a refusal: it does not exclude the master from the
 * order, does not use up a round and is left out of the accept/decline/expire figures.
 */
export const OFFER_STATES = [
  'sent',
  'viewed',
  'accepted',
  'declined',
  'expired',
  'canceled',
  'withdrawn',
] as const;
export type OfferState = (typeof OFFER_STATES)[number];
/** Offers still waiting for the master's answer. */
export const OPEN_OFFER_STATES = ['sent', 'viewed'] as const satisfies readonly OfferState[];
/** Offers that block another offer to the same master for the same order. */
export const LIVE_OFFER_STATES = ['sent', 'viewed', 'accepted'] as const satisfies readonly OfferState[];

export const MODERATION_STATUSES = ['pending', 'approved', 'rejected'] as const;
export type ModerationStatus = (typeof MODERATION_STATUSES)[number];

export const SHIFT_STATUSES = ['off', 'on', 'break'] as const;
export type ShiftStatus = (typeof SHIFT_STATUSES)[number];

export const PAYOUT_METHODS = ['card', 'sbp', 'yoomoney', 'bank_account'] as const;
export type PayoutMethod = (typeof PAYOUT_METHODS)[number];

export const STAFF_ROLES = ['global_admin', 'city_admin', 'logist'] as const;
export type StaffRole = (typeof STAFF_ROLES)[number];

export const STAFF_ROLE_LABELS: Record<StaffRole, string> = {
  global_admin: 'Глобальный администратор',
  city_admin: 'Администратор города',
  logist: 'Логист',
};

export const COMMISSION_STATUSES = ['wait_pay', 'reported', 'approved', 'overdue'] as const;
export type CommissionStatus = (typeof COMMISSION_STATUSES)[number];

export const REFERRAL_REWARD_STATUSES = ['accrued', 'paid', 'canceled'] as const;
export type ReferralRewardStatus = (typeof REFERRAL_REWARD_STATUSES)[number];

export const ATTACHMENT_ENTITIES = ['order', 'offer', 'commission', 'master'] as const;
export type AttachmentEntity = (typeof ATTACHMENT_ENTITIES)[number];

export const ATTACHMENT_FILE_TYPES = ['photo', 'document', 'audio', 'video', 'other'] as const;
export type AttachmentFileType = (typeof ATTACHMENT_FILE_TYPES)[number];

/** The platform's bots; each has its own token, hence its own notification queue. */
export const BOTS = ['master', 'admin', 'client'] as const;
export type BotKind = (typeof BOTS)[number];

/** How an outbox row reaches its person: a bot's Telegram chat, or an SMS (client notices). */
export const OUTBOX_CHANNELS = ['telegram', 'sms'] as const;
export type OutboxChannel = (typeof OUTBOX_CHANNELS)[number];

/** `sending`: claimed by a sender under a lease (notifications-sender, migration 0111). */
export const OUTBOX_STATUSES = ['pending', 'sending', 'sent', 'failed', 'skipped'] as const;
export type OutboxStatus = (typeof OUTBOX_STATUSES)[number];

/** Notices to the client about their order (client bot or SMS), in the order they happen. */
export const CLIENT_EVENTS = [
  'client_order_accepted',
  'client_master_en_route',
  'client_order_rescheduled',
  'client_order_canceled',
  'client_feedback_request',
] as const;
export type ClientEvent = (typeof CLIENT_EVENTS)[number];

/** Every notice the outbox carries, the client's among them. */
export const NOTIFICATION_EVENTS = [
  'new_offer',
  'offer_closed',
  'order_assigned',
  'moderation_approved',
  'moderation_rejected',
  'account_blocked',
  'account_unblocked',
  'limit_changed',
  'break_reminder',
  'break_ended',
  'commission_due',
  'commission_overdue',
  'referral_registered',
  'referral_reward',
  'escalation_logist',
  'escalation_admin',
  'unassigned_orders',
  'delivery_failed',
  'recipient_unreachable',
  'staff_message',
  'moderation_submitted',
  'commission_reported',
  'commission_approved',
  'commission_rejected',
  'order_canceled',
  'order_rescheduled',
  'system_event',
  'profile_updated',
  ...CLIENT_EVENTS,
  'review_alert',
] as const;
export type NotificationEvent = (typeof NOTIFICATION_EVENTS)[number];

export const ESCALATION_REASONS = ['rounds_exhausted', 'no_candidates', 'no_district'] as const;
export type EscalationReason = (typeof ESCALATION_REASONS)[number];

/**
 * How an order's point was found, best first. `pin`: staff dropped a Telegram location;
 * `house`/`near`: the geocoder found the building (or one close by / interpolated on the street);
 * `street`/`district`: the centre of the street or district; `unknown`: no point at all.
 */
export const GEO_PRECISIONS = ['pin', 'house', 'near', 'street', 'district', 'unknown'] as const;
export type GeoPrecision = (typeof GEO_PRECISIONS)[number];

/** Where an order's point came from (null with `unknown`). */
export const GEO_SOURCES = ['geocoder', 'street_centroid', 'district_centroid', 'staff_pin'] as const;
export type GeoSource = (typeof GEO_SOURCES)[number];
