import type { Category, EscalationReason, NotificationEvent } from '../enums';

/**
 * What an outbox row's `payload` holds for each event: a snapshot of the data needed to
 * render the message (templates.ts renders it at send time, so e.g. the time left of an offer
 * is computed when the push actually goes out). Times are ISO strings (UTC); `timezone` is the
 * city's IANA zone used to show them.
 */
export interface OrderSnapshot {
  order_id: number;
  city: string;
  timezone: string;
  district: string | null;
  street: string | null;
  category: Category;
  description: string;
  timeslot_start: string | null;
  timeslot_end: string | null;
  is_asap: boolean;
  type: 'normal' | 'guarantee';
}

export interface NewOfferPayload extends OrderSnapshot {
  offer_id: number;
  expires_at: string;
  /**
   * Straight-line distance from this master to the order when offered, metres (issue 18);
   * absent or null when either point is unknown. Only ever this master's own distance.
   */
  distance_m?: number | null;
}

/** `withdrawn`: the push arrived only after the offer's delivery deadline (offer-clock.ts). */
export type OfferClosedReason = 'expired' | 'taken' | 'canceled' | 'declined' | 'accepted' | 'withdrawn';
export interface OfferClosedPayload {
  offer_id: number;
  order_id: number;
  reason: OfferClosedReason;
  /**
   * The order lines of the original push. Optional: when absent the sender takes them from the
   * offer's `new_offer` outbox row, so the edited push shows exactly what the master saw.
   */
  order?: OrderSnapshot;
}

export interface OrderAssignedPayload extends OrderSnapshot {
  master_id: number;
  master_name: string;
  /** Staff (default): "master assigned" with the admin card button; master: "assigned to you". */
  audience?: 'staff' | 'master';
}

export interface EscalationPayload extends OrderSnapshot {
  reason: EscalationReason;
  rounds_used: number;
}

export interface DeliveryFailedPayload {
  outbox_id: number;
  event: NotificationEvent;
  recipient: string;
  error: string;
}

export interface RecipientUnreachablePayload {
  recipient_kind: 'master' | 'staff' | 'client';
  recipient_id: number;
  recipient_name: string;
  error: string;
}

export interface ReasonPayload {
  reason: string;
}

export interface LimitChangedPayload {
  limit: number;
}

export interface StaffMessagePayload {
  text: string;
  from: string;
}

/** Reminder before the payment deadline of a commission (to the master). */
export interface CommissionDuePayload {
  commission_id: number;
  order_id: number;
  amount_kopecks: number;
  deadline_at: string;
  /** The master's city zone, to show the deadline. */
  timezone: string;
}

/**
 * The deadline passed and the master is blocked. One row to the master (`audience: master`,
 * master bot) and rows to staff (`audience: staff`, admin bot); the texts differ.
 */
export interface CommissionOverduePayload {
  audience: 'master' | 'staff';
  commission_id: number;
  order_id: number;
  amount_kopecks: number;
  master_id: number;
  master_name: string;
}

export interface ReferralRegisteredPayload {
  referred_name: string;
}

export interface ReferralRewardPayload {
  amount_kopecks: number;
  level: 1 | 2;
  order_id: number;
}

/** Digest of orders waiting for a master too long (staff / alerts channel). */
export interface UnassignedOrdersPayload {
  city: string | null;
  minutes: number;
  order_ids: number[];
}

/** Ten minutes before a break ends (to the master). */
export interface BreakReminderPayload {
  break_until: string;
  /** The master's city zone, to show the end time. */
  timezone: string;
}

/** The break ended and the master is back on shift (to the master). */
export interface BreakEndedPayload {
  break_until: string;
}

/** A master sent (or re-sent) the profile to moderation (to staff of the master's city). */
export interface ModerationSubmittedPayload {
  master_id: number;
  master_name: string;
  city: string | null;
  phone: string | null;
  resubmitted: boolean;
}

/** A master pressed "Я оплатил" and sent the receipt (to staff with finance rights). */
export interface CommissionReportedPayload {
  commission_id: number;
  order_id: number;
  amount_kopecks: number;
  master_id: number;
  master_name: string;
}

/** Staff checked a reported payment (to the master). */
export interface CommissionCheckedPayload {
  commission_id: number;
  order_id: number;
  amount_kopecks: number;
  /** Rejections only. */
  reason?: string;
}

/** Staff canceled the master's order or took it back to search (to the master). */
export interface OrderCanceledPayload {
  order_id: number;
  reason: string;
}

/** Staff moved the master's order to another time slot (to the master). */
export interface OrderRescheduledPayload {
  order_id: number;
  timeslot_start: string | null;
  timeslot_end: string | null;
  is_asap: boolean;
  timezone: string;
}

/** A line of the system log, copied to the logs channel (LOGS: settings logs_channel_id). */
export interface SystemEventPayload {
  source: string;
  level: 'info' | 'warn' | 'error';
  message: string;
  order_id: number | null;
}

/** Staff changed the master's work profile (to the master): the new list, as labels. */
export interface ProfileUpdatedPayload {
  field: 'districts' | 'skills';
  values: string[];
}

/**
 * What every notice to the client carries (issue 17). Rendered at send time by
 * notifications/client.ts, as a Telegram message from the client bot or as an SMS.
 */
export interface ClientNoticeBase {
  order_id: number;
  /** The order's deep-link token: an SMS links to the client bot with it. */
  link_token: string;
  /** The order city's zone, to show times. */
  timezone: string;
  /** The company's phone for clients (setting client_support_phone), or null. */
  support_phone: string | null;
}

/** A master accepted the order (or staff assigned one). */
export interface ClientOrderAcceptedPayload extends ClientNoticeBase {
  master_first_name: string;
  /** The master's number masked (`+7*** *** ** 67`), or null: "мастер позвонит вам". */
  master_phone_masked: string | null;
  category: Category;
  timeslot_start: string | null;
  timeslot_end: string | null;
  is_asap: boolean;
  /** Another master had this order before (it went back to search): "назначен другой мастер". */
  replaced: boolean;
}

/**
 * The master set off. Issue 18 adds the arrival estimate: any field added here is optional,
 * and a missing or null `eta_minutes` means "not said".
 */
export interface ClientMasterEnRoutePayload extends ClientNoticeBase {
  master_first_name: string;
  /** Minutes to arrival (the low end of the estimate when `eta_max_minutes` is set). */
  eta_minutes?: number | null;
  /** The high end of the estimate: the client reads "через 15–30 мин". */
  eta_max_minutes?: number | null;
}

/** Staff moved the visit. */
export interface ClientOrderRescheduledPayload extends ClientNoticeBase {
  timeslot_start: string | null;
  timeslot_end: string | null;
  is_asap: boolean;
}

/** Staff cancelled the order (the internal reason is not shown to the client). */
export type ClientOrderCanceledPayload = ClientNoticeBase;

/** The master closed the order: ⭐ 1–5 and "Сумма к оплате была N ₽?". */
export interface ClientFeedbackRequestPayload extends ClientNoticeBase {
  master_first_name: string;
  /** The total the master entered; null for a guarantee order (nothing to pay, not asked). */
  amount_kopecks: number | null;
}

/** A client rated an order 3 stars or less, or said the amount was different (to city staff). */
export interface ReviewAlertPayload {
  reason: 'low_rating' | 'amount_disputed';
  order_id: number;
  master_id: number;
  master_name: string;
  city: string;
  stars: number | null;
  amount_kopecks: number | null;
  amount_confirmed: boolean | null;
}

export interface NotificationPayloads {
  new_offer: NewOfferPayload;
  offer_closed: OfferClosedPayload;
  order_assigned: OrderAssignedPayload;
  escalation_logist: EscalationPayload;
  escalation_admin: EscalationPayload;
  delivery_failed: DeliveryFailedPayload;
  recipient_unreachable: RecipientUnreachablePayload;
  moderation_approved: Record<string, never>;
  moderation_rejected: ReasonPayload;
  account_blocked: ReasonPayload;
  account_unblocked: Record<string, never>;
  limit_changed: LimitChangedPayload;
  staff_message: StaffMessagePayload;
  commission_due: CommissionDuePayload;
  commission_overdue: CommissionOverduePayload;
  referral_registered: ReferralRegisteredPayload;
  referral_reward: ReferralRewardPayload;
  unassigned_orders: UnassignedOrdersPayload;
  break_reminder: BreakReminderPayload;
  break_ended: BreakEndedPayload;
  moderation_submitted: ModerationSubmittedPayload;
  commission_reported: CommissionReportedPayload;
  commission_approved: CommissionCheckedPayload;
  commission_rejected: CommissionCheckedPayload;
  order_canceled: OrderCanceledPayload;
  order_rescheduled: OrderRescheduledPayload;
  system_event: SystemEventPayload;
  profile_updated: ProfileUpdatedPayload;
  client_order_accepted: ClientOrderAcceptedPayload;
  client_master_en_route: ClientMasterEnRoutePayload;
  client_order_rescheduled: ClientOrderRescheduledPayload;
  client_order_canceled: ClientOrderCanceledPayload;
  client_feedback_request: ClientFeedbackRequestPayload;
  review_alert: ReviewAlertPayload;
}
