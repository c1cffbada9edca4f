import type { EscalationOutcome } from './escalation';

/** What one distribution run did for an order (per-order and batch rounds alike). */
export type DistributeOutcome =
  | 'not_found'
  /** Another worker holds the order row right now (the caller retries shortly). */
  | 'locked'
  /** Concurrent runs took every free candidate while this one ranked (the caller retries shortly). */
  | 'contended'
  /** Assigned, closed, cancelled or still a draft: nothing to distribute. */
  | 'not_distributable'
  /** Deferred and its wake time has not come. */
  | 'deferred'
  /** Offers of the current round are still open. */
  | 'offers_open'
  /** No offer was made; staff were (or already had been) told. */
  | 'escalated'
  /**
   * Masters qualify but are all answering other offers up to their limit: no escalation; the
   * safety tick retries (and so does any wake-up of the city).
   */
  | 'masters_busy'
  | 'offered';

export interface DistributeResult {
  orderId: number;
  outcome: DistributeOutcome;
  /** Offers this run expired (by the database clock; the master saw them). */
  expiredOffers: number;
  /** Offers this run withdrew: due before their push was delivered (see offer-clock.ts). */
  withdrawnOffers: number;
  escalations: Omit<EscalationOutcome, 'outbox'>[];
  offers: { offerId: number; masterId: number }[];
  round?: number;
  expiresAt?: Date;
  /** The order was deferred and woke in this run. */
  wokeFromDeferred: boolean;
  /** When it stays deferred: its wake time. */
  wakeAt?: Date;
  /** Seconds from creation to this run's offer, when it was the order's first. */
  secondsToFirstOffer?: number;
  /** A batch round: the other orders it decided (batch-round.ts). */
  batch?: DistributeResult[];
}

/** A result with nothing done yet (the caller sets the outcome). */
export function quiet(orderId: number): Omit<DistributeResult, 'outcome'> {
  return {
    orderId,
    expiredOffers: 0,
    withdrawnOffers: 0,
    escalations: [],
    offers: [],
    wokeFromDeferred: false,
  };
}
