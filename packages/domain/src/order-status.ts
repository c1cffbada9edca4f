import type { ActorType, OrderStatus } from './enums';

/**
 * The order state machine: which actor may move an order from one status to another.
 * Creating an order (no previous status) is not a transition and is not listed here.
 */
interface TransitionRule {
  from: readonly OrderStatus[];
  to: OrderStatus;
  actors: readonly ActorType[];
}

/** Statuses from which staff may still cancel an order. */
export const OPEN_ORDER_STATUSES = [
  'created',
  'deferred',
  'searching',
  'guarantee',
  'assigned',
  'en_route',
  'working',
  'payment',
] as const satisfies readonly OrderStatus[];

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
