import type { TgMessageEntity } from './types';

/**
 * Telegram's `parse_mode: 'HTML'`, following tdlib's parser: the same tag set, entity decoding
 * and error texts ("Unsupported start tag \"x\" at byte offset N", ...), so an unescaped `<` in
 * user-provided text fails here exactly as it fails in production.
 */

export class HtmlParseError extends Error {}

const TAGS = new Set([
  'a',
  'b',
  'strong',
  'i',
  'em',
  's',
  'strike',
  'del',
  'u',
  'ins',
  'tg-spoiler',
  'tg-emoji',
  'span',
  'pre',
  'code',
  'blockquote',
]);

const SIMPLE_TYPES: Record<string, string> = {
  b: 'bold',
  strong: 'bold',
  i: 'italic',
  em: 'italic',
  s: 'strikethrough',
  strike: 'strikethrough',
  del: 'strikethrough',
  u: 'underline',
  ins: 'underline',
  'tg-spoiler': 'spoiler',
  span: 'spoiler',
  code: 'code',
};

const NAMED_ENTITIES: Record<string, string> = { lt: '<', gt: '>', amp: '&', quot: '"' };

interface OpenTag {
  tag: string;
  offset: number;
  arg: string;
  /** pre only: a `<code class="language-x">` opened at the same offset, and where it closed. */
  code?: { language: string; end: number };
}

const isSpace = (c: string | undefined) => c === ' ' || c === '\n' || c === '\t' || c === '\r';
const isNameChar = (c: string | undefined) => c !== undefined && /[A-Za-z0-9.-]/.test(c);

export function parseHtml(src: string): { text: string; entities: TgMessageEntity[] } {
  const byteOffset = (i: number) => Buffer.byteLength(src.slice(0, i));
  const fail = (message: string): never => {
    throw new HtmlParseError(message);
  };
  const n = src.length;
  const stack: OpenTag[] = [];
  const entities: TgMessageEntity[] = [];
  let out = '';
  let i = 0;
  const special = /[<&]/g;

  while (i < n) {
    special.lastIndex = i;
    const next = special.exec(src);
    const stop = next ? next.index : n;
    if (stop > i) {
      out += src.slice(i, stop);
      i = stop;
      continue;
    }
    if (src[i] === '&') {
      const decoded = decodeEntity(src, i);
      if (decoded) {
        out += decoded.char;
        i = decoded.next;
      } else {
        out += '&';
        i++;
      }
      continue;
    }

    const begin = i++;
    if (src[i] !== '/') {
      while (i < n && !isSpace(src[i]) && src[i] !== '>') i++;
      if (i >= n) fail(`Unclosed start tag at byte offset ${byteOffset(begin)}`);
      const tag = src.slice(begin + 1, i).toLowerCase();
      if (!TAGS.has(tag)) fail(`Unsupported start tag "${tag}" at byte offset ${byteOffset(begin)}`);
      const attrs = new Map<string, string>();
      while (i < n && src[i] !== '>') {
        while (isSpace(src[i])) i++;
        if (src[i] === '>') break;
        const nameStart = i;
        while (i < n && !isSpace(src[i]) && src[i] !== '=' && src[i] !== '>') i++;
        const name = src.slice(nameStart, i).toLowerCase();
        if (!name) fail(`Empty attribute name in the tag "${tag}" at byte offset ${byteOffset(begin)}`);
        while (isSpace(src[i])) i++;
        if (src[i] !== '=') {
          if (tag === 'blockquote' && name === 'expandable') {
            attrs.set(name, '');
            continue;
          }
          fail(
            `Expected equal sign in declaration of an attribute of the tag "${tag}" at byte offset ${byteOffset(begin)}`,
          );
        }
        i++;
        while (isSpace(src[i])) i++;
        if (i >= n) fail(`Unclosed start tag "${tag}" at byte offset ${byteOffset(begin)}`);
        const quote = src[i];
        if (quote === '"' || quote === "'") {
          const end = src.indexOf(quote, i + 1);
          if (end < 0) fail(`Unclosed start tag at byte offset ${byteOffset(begin)}`);
          attrs.set(name, decodeEntities(src.slice(i + 1, end)));
          i = end + 1;
        } else {
          const valueStart = i;
          while (isNameChar(src[i])) i++;
          if (i >= n || (!isSpace(src[i]) && src[i] !== '>')) {
            fail(`Unexpected end of name token at byte offset ${byteOffset(valueStart)}`);
          }
          attrs.set(name, src.slice(valueStart, i));
        }
      }
      if (i >= n) fail(`Unclosed start tag at byte offset ${byteOffset(begin)}`);
      i++;

      let arg = '';
      if (tag === 'span' && attrs.get('class') !== 'tg-spoiler') {
        fail(`Tag "span" must have class "tg-spoiler" at byte offset ${byteOffset(begin)}`);
      } else if (tag === 'a') {
        arg = attrs.get('href') ?? '';
      } else if (tag === 'code') {
        const cls = attrs.get('class') ?? '';
        arg = cls.startsWith('language-') ? cls.slice('language-'.length) : '';
      } else if (tag === 'tg-emoji') {
        arg = attrs.get('emoji-id') ?? '';
        if (!/^\d+$/.test(arg)) fail('Invalid custom emoji identifier specified');
      } else if (tag === 'blockquote') {
        arg = attrs.has('expandable') ? 'expandable' : '';
      }
      stack.push({ tag, offset: out.length, arg });
      continue;
    }

    // An end tag: `</b>`, `</b  >` or `</>` (closes the innermost tag).
    const open = stack.pop();
    if (!open) return fail(`Unexpected end tag at byte offset ${byteOffset(begin)}`);
    i++;
    const nameStart = i;
    while (i < n && !isSpace(src[i]) && src[i] !== '>') i++;
    const name = src.slice(nameStart, i).toLowerCase();
    while (isSpace(src[i])) i++;
    if (src[i] !== '>') fail(`Unclosed end tag at byte offset ${byteOffset(begin)}`);
    if (name && name !== open.tag) {
      fail(
        `Unmatched end tag at byte offset ${byteOffset(begin)}, expected "</${open.tag}>", found "</${name}>"`,
      );
    }
    i++;
    closeTag(open, out, stack, entities);
  }
  const unclosed = stack.at(-1);
  if (unclosed) fail(`Can't find end tag corresponding to start tag "${unclosed.tag}"`);
  entities.sort((a, b) => a.offset - b.offset || b.length - a.length);
  return { text: out, entities };
}

function closeTag(open: OpenTag, out: string, stack: OpenTag[], entities: TgMessageEntity[]): void {
  const length = out.length - open.offset;
  if (length <= 0) return;
  const offset = open.offset;
  const parent = stack.at(-1);
  switch (open.tag) {
    case 'a': {
      const entity = linkEntity(open.arg || out.slice(offset), offset, length);
      if (entity) entities.push(entity);
      return;
    }
    case 'code':
      // <pre><code class="language-x">…</code></pre> is one pre entity with a language.
      if (open.arg && parent?.tag === 'pre' && parent.offset === offset) {
        parent.code = { language: open.arg, end: out.length };
        return;
      }
      entities.push({ type: 'code', offset, length });
      return;
    case 'pre':
      if (open.code && open.code.end === out.length) {
        entities.push({ type: 'pre', offset, length, language: open.code.language });
      } else {
        entities.push({ type: 'pre', offset, length });
        if (open.code) entities.push({ type: 'code', offset, length: open.code.end - offset });
      }
      return;
    case 'blockquote':
      entities.push({ type: open.arg ? 'expandable_blockquote' : 'blockquote', offset, length });
      return;
    case 'tg-emoji':
      entities.push({ type: 'custom_emoji', offset, length, custom_emoji_id: open.arg });
      return;
    default:
      entities.push({ type: SIMPLE_TYPES[open.tag]!, offset, length });
  }
}

function linkEntity(href: string, offset: number, length: number): TgMessageEntity | null {
  const mention = /^tg:\/\/user\?id=(\d+)$/.exec(href);
  if (mention) {
    return {
      type: 'text_mention',
      offset,
      length,
      user: { id: Number(mention[1]), is_bot: false, first_name: '' },
    };
  }
  try {
    const url = new URL(/^[a-z][a-z0-9+.-]*:/i.test(href) ? href : `http://${href}`);
    if ((url.protocol === 'http:' || url.protocol === 'https:') && !url.hostname.includes('.')) return null;
    return { type: 'text_link', offset, length, url: url.toString() };
  } catch {
    return null;
  }
}

/** `&lt;` `&gt;` `&amp;` `&quot;` and numeric references, `;` optional; anything else stays literal. */
function decodeEntity(src: string, at: number): { char: string; next: number } | null {
  let i = at + 1;
  let code: number;
  if (src[i] === '#') {
    i++;
    const hex = src[i] === 'x' || src[i] === 'X';
    if (hex) i++;
    const start = i;
    while (i < src.length && (hex ? /[0-9a-fA-F]/ : /[0-9]/).test(src[i]!)) i++;
    if (i === start) return null;
    code = Number.parseInt(src.slice(start, i), hex ? 16 : 10);
    if (code === 0 || code > 0x10ffff || (code >= 0xd800 && code <= 0xdfff)) return null;
  } else {
    const start = i;
    while (i < src.length && /[a-zA-Z]/.test(src[i]!)) i++;
    const named = NAMED_ENTITIES[src.slice(start, i)];
    if (named === undefined) return null;
    code = named.charCodeAt(0);
  }
  if (src[i] === ';') i++;
  return { char: String.fromCodePoint(code), next: i };
}

function decodeEntities(s: string): string {
  if (!s.includes('&')) return s;
  let out = '';
  for (let i = 0; i < s.length; ) {
    const decoded = s[i] === '&' ? decodeEntity(s, i) : null;
    if (decoded) {
      out += decoded.char;
      i = decoded.next;
    } else {
      out += s[i++];
    }
  }
  return out;
}

/** Telegram strips leading and trailing whitespace from a message text; entities shift with it. */
export function trimFormatted(
  text: string,
  entities: TgMessageEntity[],
): { text: string; entities: TgMessageEntity[] } {
  const lead = text.length - text.trimStart().length;
  const trimmed = text.trim();
  if (trimmed.length === text.length) return { text, entities };
  const kept: TgMessageEntity[] = [];
  for (const e of entities) {
    const start = Math.max(0, e.offset - lead);
    const end = Math.min(trimmed.length, e.offset + e.length - lead);
    if (end > start) kept.push({ ...e, offset: start, length: end - start });
  }
  return { text: trimmed, entities: kept };
}
