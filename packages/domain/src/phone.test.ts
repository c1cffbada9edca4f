import { formatPhoneForCall, maskPhone, normalizeRuPhone } from './phone';

describe('normalizeRuPhone', () => {
  it.each([
    ['+7 (999) 123-45-67', '+79991234567'],
    ['89991234567', '+79991234567'],
    ['79991234567', '+79991234567'],
    ['9991234567', '+79991234567'],
    [' 8-999-123-45-67 ', '+79991234567'],
  ])('%s → %s', (input, expected) => expect(normalizeRuPhone(input)).toBe(expected));

  it.each(['', '12345', '+1 999 123 45 67', '59991234567', 'телефон', '+7999123456789', '+7 999 123 45 6x'])(
    'refuses %j',
    (input) => expect(normalizeRuPhone(input)).toBeNull(),
  );

  it('masks all but the last two digits', () => expect(maskPhone('+79991234567')).toBe('+7*** *** ** 67'));
});

describe('formatPhoneForCall', () => {
  it('writes a normalised phone in the international form Telegram makes tappable', () => {
    expect(formatPhoneForCall('+79165554433')).toBe('+7 916 555-44-33');
  });
  it('leaves anything else as it is', () => {
    expect(formatPhoneForCall('8 800 ЛУЧШИЙ')).toBe('8 800 ЛУЧШИЙ');
  });
});
