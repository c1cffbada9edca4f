import { parseAmountInput } from './amount-input';
import { commissionAmountKopecks, commissionDeadline, quoteCommission } from './commission';
import { defaultSettings } from './settings';

const s = defaultSettings();

describe('commission', () => {
  it('50 % below a 7,000 ₽ average check (or without history), 40 % at or above', () => {
    expect(quoteCommission(350_000, null, s)).toEqual({
      ratePct: 50,
      rate: '0.5000',
      amountKopecks: 175_000,
    });
    expect(quoteCommission(350_000, 699_999, s).ratePct).toBe(50);
    expect(quoteCommission(350_000, 700_000, s)).toEqual({
      ratePct: 40,
      rate: '0.4000',
      amountKopecks: 140_000,
    });
  });

  it('rounds half-up to a kopeck', () => {
    expect(commissionAmountKopecks(350_001, 50)).toBe(175_001); // 175000.5 → up
    expect(commissionAmountKopecks(350_003, 40)).toBe(140_001); // 140001.2 → down
    expect(commissionAmountKopecks(1, 50)).toBe(1);
    expect(commissionAmountKopecks(100_000_000, 100)).toBe(100_000_000);
  });

  it('deadline = closing time + commission_deadline_hours', () => {
    const at = new Date('2026-11-24T10:00:00Z');
    expect(commissionDeadline(at, s).toISOString()).toBe('2026-11-24T13:00:00.000Z');
  });
});

describe('parseAmountInput', () => {
  it.each([
    ['3500', 350_000],
    ['3 500', 350_000],
    ['3\u00a0500', 350_000],
    ['3500,50', 350_050],
    ['3500.5', 350_050],
    [' 1 000 000 ', 100_000_000],
    ['4999.99 ₽', 499_999],
    ['0,01', 1],
  ])('%j → %i kopecks', (input, kopecks) => {
    expect(parseAmountInput(input)).toEqual({ ok: true, kopecks });
  });

  it.each([
    ['', 'format'],
    ['abc', 'format'],
    ['-100', 'format'],
    ['35 00', 'format'],
    ['3500,555', 'format'],
    ['1e5', 'format'],
    ['3500р50', 'format'],
    ['9'.repeat(500), 'format'],
    ['0', 'not_positive'],
    ['0,00', 'not_positive'],
    ['1000000,01', 'too_big'],
    ['99999999', 'too_big'],
  ])('%j → %s', (input, error) => {
    expect(parseAmountInput(input)).toEqual({ ok: false, error });
  });
});
