import { parseAmountInput } from './amount-input';
import {
  AMOUNT_CHECK_SETTING,
  commissionAmountKopecks,
  commissionDeadline,
  quoteCommission,
  reviewCloseAmount,
} from './commission';
import { defaultSettings, parseSettingInput } from './settings';

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

describe('closing amount review', () => {
  it('shows the commission a total implies, as closing will charge it', () => {
    expect(reviewCloseAmount(350_000, 'electrics', null, s)).toEqual({
      totalKopecks: 350_000,
      commission: { ratePct: 50, rate: '0.5000', amountKopecks: 175_000 },
      usualMaxKopecks: 1_500_000,
      unusual: false,
    });
    expect(reviewCloseAmount(350_000, 'electrics', 800_000, s).commission.ratePct).toBe(40);
  });

  it('flags a total far above the category’s usual (35000 typed for 3500), per category setting', () => {
    expect(reviewCloseAmount(3_500_000, 'electrics', null, s).unusual).toBe(true);
    expect(reviewCloseAmount(1_500_000, 'electrics', null, s).unusual).toBe(false);
    expect(reviewCloseAmount(1_500_001, 'electrics', null, s).unusual).toBe(true);
    expect(reviewCloseAmount(3_500_000, 'windows', null, s).unusual).toBe(false);
    expect(
      reviewCloseAmount(3_500_000, 'windows', null, { ...s, amount_check_windows_rub: 30_000 }).unusual,
    ).toBe(true);
  });

  it('every category has its own setting, editable within bounds', () => {
    for (const key of Object.values(AMOUNT_CHECK_SETTING)) {
      expect(parseSettingInput(key, '25000')).toEqual({ ok: true, value: 25_000 });
      expect(parseSettingInput(key, '0')).toEqual({ ok: false, error: 'Допустимо от 1 до 10000000.' });
    }
  });
});
