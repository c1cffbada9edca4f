import { fitText, lastItems, TELEGRAM_CAPTION_LIMIT, TELEGRAM_TEXT_LIMIT } from './fit-text';

describe('fitText', () => {
  it('leaves a text that fits as it is (values HTML-escaped)', () => {
    expect(fitText((f) => `<b>Улица</b>: ${f('Тверская & Co')}, дом ${f(7)}, ${f(null)}.`)).toBe(
      '<b>Улица</b>: Тверская &amp; Co, дом 7, .',
    );
  });

  it('cuts only the long values, with "…", and keeps every label and line', () => {
    const long = 'а'.repeat(3000);
    const text = fitText(
      (f) => `<b>Адрес</b>: ${f(long)}\n<b>Дом</b>: ${f('7к2')}\n<b>Описание</b>: ${f(long)}`,
    );
    expect(text.length).toBeLessThanOrEqual(TELEGRAM_TEXT_LIMIT);
    expect(text.length).toBeGreaterThan(TELEGRAM_TEXT_LIMIT - 10); // as much as fits, not much less
    const [address, house, description] = text.split('\n');
    expect(address).toMatch(/^<b>Адрес<\/b>: а+…$/);
    expect(house).toBe('<b>Дом</b>: 7к2');
    expect(description).toMatch(/^<b>Описание<\/b>: а+…$/);
  });

  it('counts the escaped length and never cuts inside an entity', () => {
    const text = fitText((f) => `<code>${f('<&>'.repeat(2000))}</code>`, TELEGRAM_CAPTION_LIMIT);
    expect(text.length).toBeLessThanOrEqual(TELEGRAM_CAPTION_LIMIT);
    expect(text).toMatch(/^<code>(&lt;|&amp;|&gt;)+…<\/code>$/);
  });

  it('with the structure alone over the limit, every value becomes "…"', () => {
    const text = fitText((f) => `${'x'.repeat(50)} ${f('long value')}`, 52);
    expect(text).toBe(`${'x'.repeat(50)} …`);
  });
});

describe('lastItems', () => {
  it('keeps the newest items and counts the rest', () => {
    expect(lastItems([1, 2, 3, 4], 2)).toEqual({ shown: [3, 4], omitted: 2 });
    expect(lastItems([1], 2)).toEqual({ shown: [1], omitted: 0 });
  });
});
