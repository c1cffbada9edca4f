import { candidateRejectionLabel } from './orders';

describe('candidateRejectionLabel', () => {
  it('says how far a master beyond the radius is', () => {
    expect(candidateRejectionLabel('too_far', { distanceM: 12_340 })).toBe('Далеко (12\u00a0км)');
    expect(candidateRejectionLabel('too_far', { distanceM: 5_600 })).toBe('Далеко (5,6\u00a0км)');
    expect(candidateRejectionLabel('too_far')).toBe('Далеко');
    expect(candidateRejectionLabel('off_shift', { distanceM: 100 })).toBe('Не на смене');
  });
});
