import { MAX_MESSAGE_LENGTH, splitLongText } from '../src/split-text';

describe('splitLongText: a long text becomes several messages, as a Telegram client sends it', () => {
  it('leaves a text that fits alone', () => {
    expect(splitLongText('привет')).toEqual(['привет']);
    expect(splitLongText('я'.repeat(MAX_MESSAGE_LENGTH))).toEqual(['я'.repeat(MAX_MESSAGE_LENGTH)]);
  });

  it('cuts at the last line break of the second half, dropping only the break', () => {
    const first = `${'а'.repeat(3000)}\n${'б'.repeat(500)}`;
    const text = `${first}\n${'в'.repeat(2000)}`;
    expect(splitLongText(text)).toEqual([first, 'в'.repeat(2000)]);
  });

  it('cuts at the last space when there is no late line break; no part is over the limit', () => {
    const words = Array.from({ length: 2000 }, (_, i) => `слово${i}`).join(' ');
    const parts = splitLongText(words);
    expect(parts.length).toBeGreaterThan(1);
    for (const p of parts) {
      expect(p.length).toBeLessThanOrEqual(MAX_MESSAGE_LENGTH);
      expect(p).toMatch(/^слово\d+( слово\d+)*$/);
    }
    expect(parts.join(' ')).toBe(words);
  });

  it('cuts a word longer than a message where it must, never inside a surrogate pair', () => {
    const text = `x${'😀'.repeat(3000)}`;
    const parts = splitLongText(text);
    expect(parts.map((p) => p.length)).toEqual([4095, 6001 - 4095]);
    expect(parts.join('')).toBe(text);
    expect(parts[0]!.endsWith('😀')).toBe(true);
    expect(splitLongText('я'.repeat(10_000)).map((p) => p.length)).toEqual([4096, 4096, 1808]);
  });
});
