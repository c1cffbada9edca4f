/**
 * The distribution KPIs the business watches and their targets (the seed's promise after
 * instant pushes: accept in about a minute, over 80 % accepted, under 10 % expired). Shares are
 * per order: of the orders that got offers, how many a master accepted from an offer, and how
 * many had an offer run out unanswered. The admin bot's 📈 KPI shows each figure beside its
 * target. The one home of these numbers.
 */
export const KPI_TARGETS = {
  /** Median seconds from the push's delivery to acceptance: at most this. */
  acceptSecondsMax: 60,
  /** Orders accepted from an offer, percent of offered orders: at least this. */
  acceptedPercentMin: 80,
  /** Orders with an expired offer, percent of offered orders: below this. */
  expiredPercentMax: 10,
} as const;

export type KpiTargetKey = keyof typeof KPI_TARGETS;

/** Whether a figure meets its target; null when there is no figure (no data). */
export function meetsKpiTarget(key: KpiTargetKey, value: number | null): boolean | null {
  if (value === null) return null;
  switch (key) {
    case 'acceptSecondsMax':
      return value <= KPI_TARGETS.acceptSecondsMax;
    case 'acceptedPercentMin':
      return value >= KPI_TARGETS.acceptedPercentMin;
    case 'expiredPercentMax':
      return value < KPI_TARGETS.expiredPercentMax;
  }
}
