import { ACCESS_CODE_ALPHABET, ACCESS_CODE_LENGTH, looksLikeAccessCode, newAccessCode } from './access-code';

describe('access codes', () => {
  it('new codes are 8 characters of the alphabet (no 0/O, 1/I) and look like codes', () => {
    for (let i = 0; i < 200; i++) {
      const code = newAccessCode();
      expect(code).toHaveLength(ACCESS_CODE_LENGTH);
      expect([...code].every((c) => ACCESS_CODE_ALPHABET.includes(c))).toBe(true);
      expect(looksLikeAccessCode(code)).toBe(true);
      expect(looksLikeAccessCode(code.toLowerCase())).toBe(true);
    }
  });

  it.each([
    ['K7M2Q9XA', true],
    [' k7m2q9xa ', true],
    ['A1B2C3D0', true], // hex first-admin codes of older seeds
    ['hello', false],
    ['abcd', false],
    ['elephants', false],
    ['OLDCODE1', false], // O is not in the alphabet
    ['K7M2Q9X', false],
    ['K7M2Q9XAB', false],
    ['K7M2-9XA', false],
    ['привет12', false],
    ['', false],
  ])('%j looks like a code: %s', (text, expected) => {
    expect(looksLikeAccessCode(text)).toBe(expected);
  });
});
