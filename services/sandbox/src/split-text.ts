/** The most text one Telegram message carries (UTF-16 code units, as the Bot API counts them). */
export const MAX_MESSAGE_LENGTH = 4096;

const isHighSurrogate = (code: number) => code >= 0xd800 && code <= 0xdbff;

/**
 * A text too long for one message, split the way a Telegram client sends it: consecutive
 * messages of at most `max` units each, cut at the last line break of the part (else at its
 * last space; a word longer than a message is cut where it must be, never inside a surrogate
 * pair). The whitespace at a cut is dropped; nothing else is lost or reordered.
 */
export function splitLongText(text: string, max = MAX_MESSAGE_LENGTH): string[] {
  const parts: string[] = [];
  let rest = text;
  while (rest.length > max) {
    let cut = max;
    if (isHighSurrogate(rest.charCodeAt(cut - 1))) cut--;
    const head = rest.slice(0, cut + 1);
    // A line break in the second half of the part wins; else the last space or break (one at
    // the very start would make an empty part, so it does not count); else a hard cut.
    const lineBreak = head.lastIndexOf('\n');
    const anyBreak = Math.max(lineBreak, head.lastIndexOf(' '), head.lastIndexOf('\t'));
    const at = lineBreak > cut / 2 ? lineBreak : anyBreak > 0 ? anyBreak : cut;
    parts.push(rest.slice(0, at).trimEnd());
    rest = rest.slice(at).trimStart();
  }
  if (rest !== '') parts.push(rest);
  return parts.filter((p) => p !== '');
}
