/**
 * The timings of a claimed outbox row's lease, all derived from SENDER_LEASE_MS (L); README
 * "Delivery path", leases. Two clocks are involved and never compared with each other:
 * - the database's: a claim or renewal sets `lease_until = now() + L`, and another sender takes
 *   the row only when `lease_until + takeoverGraceMs < now()`;
 * - the holder's monotonic clock (performance.now()): a claim or renewal statement issued at t
 *   holds the row at least until t + L (the database ran it after t). The holder starts a
 *   provider call only while more than `sendMarginMs` of that is left.
 * So the last moment the holder may start a call and the first moment anyone else may claim
 * the row are at least sendMarginMs + takeoverGraceMs = L apart: a duplicate among live
 * senders needs the holder to stall longer than that between its check and the request leaving
 * (or to go L + grace without a renewal reaching the database while a request is in flight).
 */
export interface LeaseTimings {
  leaseMs: number;
  /** The holder renews every lease it holds this often. */
  renewEveryMs: number;
  /** The holder starts a provider call only with more than this left on its own clock. */
  sendMarginMs: number;
  /** Others take a row only once its lease ran out more than this ago (database clock). */
  takeoverGraceMs: number;
}

export function leaseTimings(leaseMs: number): LeaseTimings {
  return {
    leaseMs,
    renewEveryMs: Math.max(100, Math.floor(leaseMs / 10)),
    sendMarginMs: Math.floor(leaseMs / 2),
    takeoverGraceMs: Math.floor(leaseMs / 2),
  };
}
