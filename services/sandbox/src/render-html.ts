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

function tags(e: TgMessageEntity, text: string): [open: string, close: string] {
  switch (e.type) {
    case 'bold':
      return ['<b>', '</b>'];
    case 'italic':
      return ['<i>', '</i>'];
    case 'underline':
      return ['<u>', '</u>'];
    case 'strikethrough':
      return ['<s>', '</s>'];
    case 'spoiler':
      return ['<span class="tg-spoiler">', '</span>'];
    case 'code':
      return ['<code>', '</code>'];
    case 'pre': {
      const lang = e.language && /^[\w+#.-]{1,32}$/.test(e.language) ? ` class="language-${e.language}"` : '';
      return [`<pre><code${lang}>`, '</code></pre>'];
    }
    case 'blockquote':
    case 'expandable_blockquote':
      return ['<blockquote>', '</blockquote>'];
    case 'text_link':
    case 'url': {
      const url = e.type === 'url' ? text.slice(e.offset, e.offset + e.length) : (e.url ?? '');
      if (!SAFE_URL.test(url)) return ['<span class="tg-link">', '</span>'];
      return [`<a href="${escapeText(url)}" target="_blank" rel="noopener noreferrer">`, '</a>'];
    }
    case 'text_mention':
    case 'mention':
      return ['<span class="tg-mention">', '</span>'];
    case 'bot_command':
      return ['<span class="tg-command">', '</span>'];
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
