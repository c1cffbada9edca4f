import {
  checkPayout,
  luhnValid,
  parseBankAccount,
  parseCardNumber,
  parseFullName,
  parseVehiclePlate,
  parseYoomoney,
  payoutData,
} from './master-registration-input';

describe('registration input rules', () => {
  it.each([
    ['иванов иван', 'Иванов Иван'],
    ['  Петров   Пётр  Петрович ', 'Петров Пётр Петрович'],
    ['римский-корсаков николай', 'Римский-Корсаков Николай'],
    ['Smith John', 'Smith John'],
  ])('full name %j → %j', (input, expected) => {
    expect(parseFullName(input)).toEqual({ ok: true, value: expected });
  });

  it.each([
    'Иван',
    'Иванов Иван Иванович Младший',
    'Иванов И',
    'Иванов Иван1',
    'Иванов -Иван',
    'Иванов Ив--ан',
    '<b>Иванов</b> Иван',
    `${'а'.repeat(31)} Иван`,
    '',
  ])('full name %j is refused', (input) => {
    expect(parseFullName(input)).toEqual({ ok: false, error: 'format' });
  });

  it('card numbers: 16 digits passing Luhn, stored in groups of four', () => {
    expect(luhnValid('4111111111111111')).toBe(true);
    expect(luhnValid('4111111111111112')).toBe(false);
    expect(parseCardNumber('4111 1111-1111 1111')).toEqual({ ok: true, value: '4111 1111 1111 1111' });
    expect(parseCardNumber('4111111111111112')).toEqual({ ok: false, error: 'checksum' });
    expect(parseCardNumber('411111111111111')).toEqual({ ok: false, error: 'format' });
    expect(parseCardNumber('4111a11111111111')).toEqual({ ok: false, error: 'format' });
  });

  it('bank account: exactly 20 digits; YooMoney: 8–64 characters, one word', () => {
    expect(parseBankAccount('4081 7810 0000 0000 0001')).toEqual({ ok: true, value: '40817810000000000001' });
    expect(parseBankAccount('4081781000000000000')).toEqual({ ok: false, error: 'format' });
    expect(parseYoomoney('410011234567')).toEqual({ ok: true, value: '410011234567' });
    expect(parseYoomoney('a@b.ru')).toEqual({ ok: false, error: 'format' });
    expect(parseYoomoney('four one zero')).toEqual({ ok: false, error: 'format' });
  });

  it('vehicle plates: Latin look-alikes become Cyrillic, spaces dropped', () => {
    expect(parseVehiclePlate('a 123 bc 77')).toEqual({ ok: true, value: 'А123ВС77' });
    expect(parseVehiclePlate('х777хх799')).toEqual({ ok: true, value: 'Х777ХХ799' });
    expect(parseVehiclePlate('АААА')).toEqual({ ok: false, error: 'format' });
    expect(parseVehiclePlate('12')).toEqual({ ok: false, error: 'format' });
  });

  it('stored payout details are re-checked; payout_data drops the method', () => {
    expect(checkPayout({ method: 'card', card_number: '4111111111111111' })).toEqual({
      method: 'card',
      card_number: '4111 1111 1111 1111',
    });
    expect(checkPayout({ method: 'card', card_number: '4111111111111112' })).toBeNull();
    expect(checkPayout({ method: 'sbp', sbp_phone: '89991234567', sbp_bank: 'Сбер' })).toEqual({
      method: 'sbp',
      sbp_phone: '+79991234567',
      sbp_bank: 'Сбер',
    });
    expect(checkPayout({ method: 'sbp', sbp_phone: '89991234567', sbp_bank: 'Банк' as never })).toBeNull();
    expect(payoutData({ method: 'yoomoney', account: '410011234567' })).toEqual({ account: '410011234567' });
  });
});
