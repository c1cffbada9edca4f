import type { TgMessageEntity } from '@fs/testkit';

/**
 * A message's text and entities (what Telegram, and the fake, keep after parsing the bot's
 * `parse_mode: 'HTML'` with the fake's html.ts) rendered back into HTML for the web chat. Only
 * the Telegram subset is produced, and every character of text is escaped, so a message can
 * never inject markup into the page.
 */

const ESCAPES: Record<string, string> = {
  '&': '&amp;',
  '<': '&lt;',
  '>': '&gt;',
  '"': '&quot;',
  "'": '&#39;',
};

export function escapeText(s: string): string {
  return s.replace(/[&<>"']/g, (c) => ESCAPES[c]!);
}

const SAFE_URL = /^(https?:|tg:|mailto:)/i;

/** Entities that are just a pair of tags around their text (a Map: no prototype keys). */
const PLAIN_TAGS = new Map<string, [open: string, close: string]>(
  Object.entries<[string, string]>({
    bold: ['<b>', '</b>'],
    italic: ['<i>', '</i>'],
    underline: ['<u>', '</u>'],
    strikethrough: ['<s>', '</s>'],
    spoiler: ['<span class="tg-spoiler">', '</span>'],
    code: ['<code>', '</code>'],
    blockquote: ['<blockquote>', '</blockquote>'],
    expandable_blockquote: ['<blockquote>', '</blockquote>'],
    mention: ['<span class="tg-mention">', '</span>'],
    text_mention: ['<span class="tg-mention">', '</span>'],
    bot_command: ['<span class="tg-command">', '</span>'],
  }),
);

function tags(e: TgMessageEntity, text: string): [open: string, close: string] {
  const plain = PLAIN_TAGS.get(e.type);
  if (plain) return plain;
  switch (e.type) {
    case 'pre': {
      const lang = e.language && /^[\w+#.-]{1,32}$/.test(e.language) ? ` class="language-${e.language}"` : '';
      return [`<pre><code${lang}>`, '</code></pre>'];
    }
    case 'text_link':
    case 'url': {
      const url = e.type === 'url' ? text.slice(e.offset, e.offset + e.length) : (e.url ?? '');
      if (!SAFE_URL.test(url)) return ['<span class="tg-link">', '</span>'];
      return [`<a href="${escapeText(url)}" target="_blank" rel="noopener noreferrer">`, '</a>'];
    }
    default:
      return ['', ''];
  }
}

/** Entities nest (the HTML they came from did); one that straddles another's end is dropped. */
export function renderEntities(text: string, entities: readonly TgMessageEntity[] = []): string {
  const sorted = [...entities]
    .filter((e) => e.length > 0 && e.offset >= 0 && e.offset + e.length <= text.length)
    .sort((a, b) => a.offset - b.offset || b.length - a.length);

  const render = (start: number, end: number, list: TgMessageEntity[]): string => {
    let out = '';
    let pos = start;
    let i = 0;
    while (i < list.length) {
      const e = list[i]!;
      const eEnd = e.offset + e.length;
      i++;
      if (e.offset < pos || eEnd > end) continue;
      const children: TgMessageEntity[] = [];
      while (i < list.length && list[i]!.offset < eEnd) children.push(list[i++]!);
      const [open, close] = tags(e, text);
      out += escapeText(text.slice(pos, e.offset)) + open + render(e.offset, eEnd, children) + close;
      pos = eEnd;
    }
    return out + escapeText(text.slice(pos, end));
  };
  return render(0, text.length, sorted);
}
