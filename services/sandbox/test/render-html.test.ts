import { parseHtml } from '@fs/testkit';
import { renderEntities } from '../src/render-html';

/** What the web chat shows for a bot's `parse_mode: 'HTML'` text (parsed by the fake, like Telegram). */
const shown = (html: string) => {
  const { text, entities } = parseHtml(html);
  return renderEntities(text, entities);
};

describe('renderEntities: Telegram entities back to safe HTML', () => {
  it('renders the Telegram tag subset, nested, and escapes every text character', () => {
    expect(shown('<b>Заказ #42</b> — <i>ул. <u>Ленина</u></i> <s>старое</s>')).toBe(
      '<b>Заказ #42</b> — <i>ул. <u>Ленина</u></i> <s>старое</s>',
    );
    expect(
      shown('Телефон: <code>+79990001122</code>\n<pre><code class="language-ts">a &lt; b</code></pre>'),
    ).toBe('Телефон: <code>+79990001122</code>\n<pre><code class="language-ts">a &lt; b</code></pre>');
    expect(shown('<blockquote>цитата</blockquote><tg-spoiler>секрет</tg-spoiler>')).toBe(
      '<blockquote>цитата</blockquote><span class="tg-spoiler">секрет</span>',
    );
    expect(shown('Течёт смеситель &lt;на кухне&gt; &amp; "в ванной" \'1\'')).toBe(
      'Течёт смеситель &lt;на кухне&gt; &amp; &quot;в ванной&quot; &#39;1&#39;',
    );
    expect(shown('<b>🆕 Новый заказ #7</b>\n📍 Москва')).toBe('<b>🆕 Новый заказ #7</b>\n📍 Москва');
  });

  it('links: only http(s)/tg/mailto become <a>, opened in a new tab; others stay text', () => {
    expect(shown('<a href="https://example.com/?a=1&amp;b=2">карта</a>')).toBe(
      '<a href="https://example.com/?a=1&amp;b=2" target="_blank" rel="noopener noreferrer">карта</a>',
    );
    expect(
      renderEntities('жми', [{ type: 'text_link', offset: 0, length: 3, url: 'javascript:alert(1)' }]),
    ).toBe('<span class="tg-link">жми</span>');
    expect(renderEntities('x" onmouseover="y', [{ type: 'url', offset: 0, length: 17 }])).toBe(
      '<span class="tg-link">x&quot; onmouseover=&quot;y</span>',
    );
  });

  it('hand-made entities: out of range, straddling and unknown types never break the markup', () => {
    const text = '<img src=x onerror=alert(1)>';
    expect(renderEntities(text)).toBe('&lt;img src=x onerror=alert(1)&gt;');
    expect(
      renderEntities('abcdef', [
        { type: 'bold', offset: 0, length: 4 },
        { type: 'italic', offset: 2, length: 4 }, // straddles the bold's end: dropped
        { type: 'underline', offset: 4, length: 99 }, // past the end: dropped
        { type: 'hashtag', offset: 5, length: 1 }, // not rendered specially
      ]),
    ).toBe('<b>abcd</b>ef');
    expect(renderEntities('код', [{ type: 'pre', offset: 0, length: 3, language: '"><script>' }])).toBe(
      '<pre><code>код</code></pre>',
    );
  });
});
