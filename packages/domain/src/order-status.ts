import { type ActorType, ORDER_STATUSES, type OrderStatus } from './enums';

/**
 * The order state machine: which actor may move an order from one status to another.
 * Creating an order (no previous status) is not a transition and is not listed here.
 */
interface TransitionRule {
  from: readonly OrderStatus[];
  to: OrderStatus;
  actors: readonly ActorType[];
}

type Without<S extends OrderStatus, X extends OrderStatus> = Exclude<S, X>;
const without = <S extends OrderStatus, X extends OrderStatus>(list: readonly S[], ...drop: X[]) =>
  list.filter((s): s is Without<S, X> => !(drop as readonly OrderStatus[]).includes(s));

/** Open orders: every status but the two final ones (the state machine never leaves those). */
export const OPEN_ORDER_STATUSES = without(ORDER_STATUSES, 'closed', 'canceled');
export type OpenOrderStatus = (typeof OPEN_ORDER_STATUSES)[number];

/** Open orders staff work on (the draft status never outlives its creating transaction). */
export const STAFF_QUEUE_STATUSES = without(OPEN_ORDER_STATUSES, 'created');

/** Open statuses whose visit time may still change (not a draft, not awaiting payment). */
export const RESCHEDULABLE_STATUSES = without(STAFF_QUEUE_STATUSES, 'payment');

/**
 * Who may cancel an order — the one rule both the admin card (whether ✖️ Отменить shows) and
 * the cancel action ask. Staff cancel any open order except one in `payment`: its work is done
 * and its commission is due (canceling would leave the commission to go overdue and block the
 * master). The state machine below still lists `payment → canceled` (spec: "any open status →
 * canceled"); this policy narrows it for the staff action, and nothing else cancels orders.
 */
export const STAFF_CANCELLABLE_STATUSES = without(OPEN_ORDER_STATUSES, 'payment');

const isIn = (list: readonly OrderStatus[], s: OrderStatus) => list.includes(s);
export const canStaffCancel = (status: OrderStatus): boolean => isIn(STAFF_CANCELLABLE_STATUSES, status);
export const isReschedulable = (status: OrderStatus): boolean => isIn(RESCHEDULABLE_STATUSES, status);

const RULES: readonly TransitionRule[] = [
  // Draft confirmed: searched at once, or deferred when created outside working hours.
  { from: ['created'], to: 'searching', actors: ['staff', 'system'] },
  { from: ['created'], to: 'deferred', actors: ['staff', 'system'] },
  // A warranty order is distributed as a guarantee order (preferred master first).
  { from: ['created'], to: 'guarantee', actors: ['staff', 'system'] },
  // The scheduler's wake-up, or staff "distribute now".
  { from: ['deferred'], to: 'searching', actors: ['system', 'staff'] },
  // A master accepts an offer, or staff assign directly.
  { from: ['searching', 'guarantee'], to: 'assigned', actors: ['master', 'staff'] },
  { from: ['assigned'], to: 'en_route', actors: ['master'] },
  { from: ['en_route'], to: 'working', actors: ['master'] },
  // Closed by the master with the amount and the act photo.
  { from: ['working'], to: 'payment', actors: ['master'] },
  // Commission approved by staff, or at once by the system (guarantee / zero commission).
  { from: ['payment'], to: 'closed', actors: ['staff', 'system'] },
  // Staff return the order to search, or the master refuses it with a reason.
  { from: ['assigned', 'en_route', 'working'], to: 'searching', actors: ['staff', 'master'] },
  { from: OPEN_ORDER_STATUSES, to: 'canceled', actors: ['staff'] },
];

export function canTransition(from: OrderStatus, to: OrderStatus, actor: ActorType): boolean {
  return RULES.some((r) => r.to === to && r.from.includes(from) && r.actors.includes(actor));
}

/** Statuses `actor` may move an order in `from` to (e.g. to build a staff menu). */
export function allowedTransitions(from: OrderStatus, actor: ActorType): OrderStatus[] {
  return [
    ...new Set(RULES.filter((r) => r.from.includes(from) && r.actors.includes(actor)).map((r) => r.to)),
  ];
}

export class OrderTransitionError extends Error {
  constructor(
    readonly from: OrderStatus,
    readonly to: OrderStatus,
    readonly actor: ActorType,
  ) {
    super(`order transition ${from} → ${to} is not allowed for ${actor}`);
    this.name = 'OrderTransitionError';
  }
}

export function assertTransition(from: OrderStatus, to: OrderStatus, actor: ActorType): void {
  if (!canTransition(from, to, actor)) throw new OrderTransitionError(from, to, actor);
}
