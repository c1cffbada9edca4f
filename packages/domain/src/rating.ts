/**
 * A master's rating from client reviews: the Bayesian average of the stars, i.e. the mean of
 * the reviews together with RATING_PRIOR_WEIGHT imaginary reviews of RATING_PRIOR_MEAN stars.
 * A master without reviews has the prior mean; one 1-star review moves a master to 3.92, not
 * to 1.0, and many reviews outweigh the prior. Ranking uses this value (`masters.rating`).
 */
export const RATING_PRIOR_MEAN = 4.5;
export const RATING_PRIOR_WEIGHT = 5;

/** Stars at or below this alert the city's staff. */
export const LOW_RATING_MAX_STARS = 3;

export function isValidStars(stars: unknown): stars is 1 | 2 | 3 | 4 | 5 {
  return Number.isInteger(stars) && (stars as number) >= 1 && (stars as number) <= 5;
}

/**
 * The rating stored for a master with `count` reviews whose stars add up to `sum`, rounded
 * half-up to two decimals (the column is numeric(3,2)).
 */
export function bayesianRating(sum: number, count: number): number {
  if (!Number.isInteger(sum) || !Number.isInteger(count) || count < 0 || sum < count || sum > 5 * count) {
    throw new RangeError(`impossible review totals: sum ${sum}, count ${count}`);
  }
  // Integer arithmetic on hundredths, rounded half up: no float drift at x.xx5.
  const num = Math.round(RATING_PRIOR_WEIGHT * RATING_PRIOR_MEAN * 100) + 100 * sum;
  const den = RATING_PRIOR_WEIGHT + count;
  return Math.floor((2 * num + den) / (2 * den)) / 100;
}
