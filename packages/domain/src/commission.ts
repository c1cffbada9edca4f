import type { Category } from './enums';
import type { AmountCheckKey, Settings } from './settings';

/**
 * Commission maths (pure). The rate depends on the master's average check over the last
 * 7 days: below the threshold the default rate applies (also when there is no history), at or
 * above it the high-check rate. Amounts are integer kopecks, rounded half-up.
 */

export type CommissionSettings = Pick<
  Settings,
  | 'commission_rate_default_pct'
  | 'commission_rate_high_pct'
  | 'commission_high_avg_check_rub'
  | 'commission_deadline_hours'
>;

export interface CommissionQuote {
  /** Whole percent, e.g. 50. */
  ratePct: number;
  /** The rate as stored in `commissions.rate` (numeric(5,4)), e.g. "0.5000". */
  rate: string;
  amountKopecks: number;
}

/** The rate in percent for a master whose 7-day average check is `avgCheckKopecks` (null: no orders). */
export function commissionRatePct(avgCheckKopecks: number | null, s: CommissionSettings): number {
  if (avgCheckKopecks === null) return s.commission_rate_default_pct;
  return avgCheckKopecks < s.commission_high_avg_check_rub * 100
    ? s.commission_rate_default_pct
    : s.commission_rate_high_pct;
}

/** `totalKopecks × ratePct %`, rounded half-up to a kopeck. */
export function commissionAmountKopecks(totalKopecks: number, ratePct: number): number {
  if (!Number.isSafeInteger(totalKopecks) || totalKopecks < 0) {
    throw new RangeError(`bad order total ${totalKopecks}`);
  }
  if (!Number.isInteger(ratePct) || ratePct < 0 || ratePct > 100) throw new RangeError(`bad rate ${ratePct}`);
  const scaled = BigInt(totalKopecks) * BigInt(ratePct);
  return Number((scaled + 50n) / 100n);
}

export function quoteCommission(
  totalKopecks: number,
  avgCheckKopecks: number | null,
  s: CommissionSettings,
): CommissionQuote {
  const ratePct = commissionRatePct(avgCheckKopecks, s);
  return {
    ratePct,
    rate: (ratePct / 100).toFixed(4),
    amountKopecks: commissionAmountKopecks(totalKopecks, ratePct),
  };
}

/** When the commission must be paid: `closedAt` + `commission_deadline_hours`. */
export function commissionDeadline(
  closedAt: Date,
  s: Pick<CommissionSettings, 'commission_deadline_hours'>,
): Date {
  return new Date(closedAt.getTime() + s.commission_deadline_hours * 3_600_000);
}

/** The "far above usual" total per category (settings, ₽). */
export const AMOUNT_CHECK_SETTING: Record<Category, AmountCheckKey> = {
  electrics: 'amount_check_electrics_rub',
  plumbing: 'amount_check_plumbing_rub',
  appliances: 'amount_check_appliances_rub',
  windows: 'amount_check_windows_rub',
  handyman: 'amount_check_handyman_rub',
  roadside: 'amount_check_roadside_rub',
};

export type CloseAmountSettings = CommissionSettings & Pick<Settings, AmountCheckKey>;

/** What the master confirms before an order is closed with a total. */
export interface CloseAmountReview {
  totalKopecks: number;
  /** The commission this total implies (the rate as of now). */
  commission: CommissionQuote;
  /** The category's usual ceiling, kopecks. */
  usualMaxKopecks: number;
  /** Far above the category's usual: the master is asked a second time. */
  unusual: boolean;
}

/**
 * The confirmation of a closing total: the commission it implies and whether it is far above
 * what the category usually costs (a typo like 35000 for 3500 must not go straight into the
 * commission).
 */
export function reviewCloseAmount(
  totalKopecks: number,
  category: Category,
  avgCheckKopecks: number | null,
  s: CloseAmountSettings,
): CloseAmountReview {
  const usualMaxKopecks = s[AMOUNT_CHECK_SETTING[category]] * 100;
  return {
    totalKopecks,
    commission: quoteCommission(totalKopecks, avgCheckKopecks, s),
    usualMaxKopecks,
    unusual: totalKopecks > usualMaxKopecks,
  };
}
