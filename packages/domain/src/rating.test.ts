import { bayesianRating, isValidStars, RATING_PRIOR_MEAN } from './rating';

describe('bayesianRating', () => {
  it('is the prior mean without reviews', () => {
    expect(bayesianRating(0, 0)).toBe(RATING_PRIOR_MEAN);
  });

  it('one review moves a master only part of the way', () => {
    expect(bayesianRating(1, 1)).toBe(3.92); // (5 × 4.5 + 1) / 6 = 3.9166…
    expect(bayesianRating(5, 1)).toBe(4.58); // (22.5 + 5) / 6 = 4.5833…
  });

  it('many reviews outweigh the prior', () => {
    expect(bayesianRating(100, 100)).toBe(1.17); // (22.5 + 100) / 105 = 1.1666…
    expect(bayesianRating(5000, 1000)).toBe(5); // (22.5 + 5000) / 1005 = 4.9975…
    expect(bayesianRating(10, 2)).toBe(4.64); // (22.5 + 10) / 7 = 4.6428…
  });

  it('rounds an exact half up', () => {
    expect(bayesianRating(9, 7)).toBe(2.63); // (22.5 + 9) / 12 = 2.625
  });

  it('refuses impossible totals', () => {
    expect(() => bayesianRating(6, 1)).toThrow(RangeError);
    expect(() => bayesianRating(0, 1)).toThrow(RangeError);
    expect(() => bayesianRating(-1, 0)).toThrow(RangeError);
    expect(() => bayesianRating(1.5, 1)).toThrow(RangeError);
  });

  it('isValidStars accepts the integers 1..5 only', () => {
    expect([1, 2, 3, 4, 5].every(isValidStars)).toBe(true);
    expect([0, 6, 2.5, '3', null].some(isValidStars)).toBe(false);
  });
});
