import { request } from 'node:http';
/**
 * The sandbox's web API without a browser: plain Bot API calls over HTTP play the bot, the test
 * plays the page (JSON calls and the SSE stream).
 */
import { parseConfig } from '@fs/config';
import { SmscProvider } from '@fs/sms';
import { createTestDatabase, type TestDatabase, type TgMessage, type TgUpdate, TINY_JPEG } from '@fs/testkit';
import { DEMO_ADMIN, DEMO_MASTERS, seedDemo } from '../../../packages/db/src/seed/demo';
import type { EventView } from '../src/chat-view';
import { sandboxSchema } from '../src/config';
import type { Person } from '../src/people';
import { type Sandbox, startSandbox } from '../src/sandbox';

const MASTER_TOKEN = '111111:web-api-master-token';
const ADMIN_TOKEN = '222222:web-api-admin-token';
const ADMIN = DEMO_ADMIN.tgUserId;

let tdb: TestDatabase;
let sandbox: Sandbox;
let events: EventView[];
let closeEvents: () => void;

beforeAll(async () => {
  tdb = await createTestDatabase({ poolSize: 2 });
  await seedDemo(tdb.db);
  const config = parseConfig('sandbox', sandboxSchema, {
    DATABASE_URL: tdb.url,
    MASTER_BOT_TOKEN: MASTER_TOKEN,
    ADMIN_BOT_TOKEN: ADMIN_TOKEN,
    LOG_LEVEL: 'silent',
  });
  sandbox = await startSandbox(config, { apiPort: 0, webPort: 0, smsPort: 0 });
  ({ events, close: closeEvents } = await subscribe(`${sandbox.webUrl}/api/events?token=${sandbox.token}`));
});

afterAll(async () => {
  closeEvents?.();
  await sandbox?.stop();
  await tdb?.drop();
});

/** Reads the SSE stream in the background, collecting its events. */
async function subscribe(url: string): Promise<{ events: EventView[]; close: () => void }> {
  const controller = new AbortController();
  const res = await fetch(url, { signal: controller.signal });
  expect(res.headers.get('content-type')).toBe('text/event-stream; charset=utf-8');
  const collected: EventView[] = [];
  const reader = res.body!.getReader();
  const decoder = new TextDecoder();
  let buffer = '';
  void (async () => {
    try {
      for (;;) {
        const { value, done } = await reader.read();
        if (done) return;
        buffer += decoder.decode(value, { stream: true });
        let end = buffer.indexOf('\n\n');
        while (end >= 0) {
          const frame = buffer.slice(0, end);
          buffer = buffer.slice(end + 2);
          for (const line of frame.split('\n')) {
            if (line.startsWith('data: ')) collected.push(JSON.parse(line.slice(6)) as EventView);
          }
          end = buffer.indexOf('\n\n');
        }
      }
    } catch {
      // aborted by close()
    }
  })();
  return { events: collected, close: () => controller.abort() };
}

/** The first event that matches (60 s bound a hang on a busy machine, not a speed claim). */
async function eventWhere(predicate: (e: EventView) => boolean): Promise<EventView> {
  const deadline = Date.now() + 60_000;
  for (;;) {
    const found = events.find(predicate);
    if (found) return found;
    if (Date.now() > deadline) throw new Error(`no such event; got ${JSON.stringify(events.slice(-5))}`);
    await new Promise((r) => setTimeout(r, 20));
  }
}

/** A request with any Host header (fetch always sends the URL's own), as a rebinding page would. */
function rawCall(method: string, url: string, headers: Record<string, string>, body?: unknown) {
  const { hostname, port } = new URL(sandbox.webUrl);
  const payload = body === undefined ? undefined : JSON.stringify(body);
  return new Promise<{ status: number; json: Record<string, unknown>; text: string; headers: Headers }>(
    (resolve, reject) => {
      const req = request(
        {
          hostname,
          port,
          method,
          path: url,
          headers: { ...headers, ...(payload ? { 'content-type': 'application/json' } : {}) },
        },
        (res) => {
          let text = '';
          res.on('data', (d: Buffer) => {
            text += d.toString();
          });
          res.on('end', () =>
            resolve({
              status: res.statusCode ?? 0,
              json: JSON.parse(text || '{}'),
              text,
              headers: new Headers(res.headers as Record<string, string>),
            }),
          );
        },
      );
      req.on('error', reject);
      req.end(payload);
    },
  );
}

/** A call as the page makes it (with this run's token), or with `headers` overriding that. */
async function call(
  method: string,
  url: string,
  body?: unknown,
  contentType?: string,
  headers: Record<string, string> = { 'x-sandbox-token': sandbox.token },
) {
  if (headers.host) return rawCall(method, url, headers, body);
  const res = await fetch(`${sandbox.webUrl}${url}`, {
    method,
    headers: {
      ...headers,
      ...(body === undefined ? {} : { 'content-type': contentType ?? 'application/json' }),
    },
    ...(body === undefined ? {} : { body: contentType ? (body as Buffer) : JSON.stringify(body) }),
  });
  const text = await res.text();
  let json: Record<string, unknown> = {};
  try {
    json = JSON.parse(text);
  } catch {
    // not JSON
  }
  return { status: res.status, json, text, headers: res.headers };
}

const pending = (): TgUpdate[] => sandbox.fake.pendingUpdates(ADMIN_TOKEN);

/** The admin bot's side: one Bot API call, as telegraf makes it (JSON body). */
async function adminBot<T = TgMessage>(method: string, params: Record<string, unknown>): Promise<T> {
  const res = await fetch(`${sandbox.apiRoot}/bot${ADMIN_TOKEN}/${method}`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify(params),
  });
  const body = (await res.json()) as { ok: boolean; result: T; description?: string };
  if (!body.ok) throw new Error(`${method}: ${body.description}`);
  return body.result;
}
const callbackButton = (text: string, callback_data: string) => ({ text, callback_data });

it('serves the page, and lists the demo people from the database plus guests made in the page', async () => {
  const page = await call('GET', '/');
  expect(page.status).toBe(200);
  expect(page.headers.get('content-type')).toContain('text/html');
  expect(page.text).toContain('Песочница');
  expect((await call('GET', '/app.js')).headers.get('content-type')).toContain('text/javascript');

  const state = await call('GET', '/api/state');
  expect(state.json.bots).toEqual({
    admin: { id: 222222, name: 'Админ-бот', username: 'fs_admin_sandbox_bot' },
    master: { id: 111111, name: 'Мастер-бот', username: 'fs_master_sandbox_bot' },
    client: { id: 333333, name: 'Клиент-бот', username: 'fs_client_sandbox_bot' },
  });
  const people = state.json.people as Person[];
  expect(people.map((p) => [p.kind, p.fullName, p.bot])).toEqual([
    ['staff', 'Демо Админ', 'admin'],
    ...DEMO_MASTERS.map((m) => ['master', m.fullName, 'master']),
  ]);
  expect(people[1]).toMatchObject({ tgUserId: DEMO_MASTERS[0]!.tgUserId, subtitle: 'Москва · на смене' });

  const first = (await call('POST', '/api/people', {})).json as unknown as Person;
  const second = (await call('POST', '/api/people', {})).json as unknown as Person;
  expect(first).toMatchObject({ kind: 'guest', fullName: 'Новый человек 1', bot: 'master' });
  expect(second.tgUserId).not.toBe(first.tgUserId);
  const after = (await call('GET', '/api/state')).json.people as Person[];
  expect(after.slice(-2)).toEqual([first, second]);
});

it('text from the page reaches the bot; the bot’s messages, edits, deletions and keyboards stream back', async () => {
  const sent = await call('POST', '/api/send', { bot: 'admin', user: ADMIN, text: '  /start  ' });
  expect(sent.status).toBe(200);
  const update = pending().at(-1)!;
  expect(update.message).toMatchObject({
    text: '/start',
    from: { id: ADMIN, first_name: 'Демо', last_name: 'Админ', username: 'demo_admin' },
    entities: [{ type: 'bot_command', offset: 0, length: 6 }],
  });
  await eventWhere((e) => e.type === 'message' && e.chatId === ADMIN && !e.message.fromBot);

  const menu = await adminBot('sendMessage', {
    chat_id: ADMIN,
    text: '<b>Меню</b> для <i>Демо &amp; Ко</i> &lt;script&gt;',
    parse_mode: 'HTML',
    reply_markup: {
      inline_keyboard: [
        [callbackButton('➕ Новый заказ', 'a:n')],
        [{ text: 'Сайт', url: 'https://example.com' }],
      ],
    },
  });
  const shown = await eventWhere((e) => e.type === 'message' && e.message.id === menu.message_id);
  expect(shown).toMatchObject({
    bot: 'admin',
    chatId: ADMIN,
    message: {
      fromBot: true,
      html: '<b>Меню</b> для <i>Демо &amp; Ко</i> &lt;script&gt;',
      buttons: [[{ text: '➕ Новый заказ', data: 'a:n' }], [{ text: 'Сайт', url: 'https://example.com' }]],
    },
  });

  await adminBot('editMessageText', { chat_id: ADMIN, message_id: menu.message_id, text: 'Готово' });
  const edit = await eventWhere((e) => e.type === 'edit' && e.message.id === menu.message_id);
  expect(edit).toMatchObject({ message: { html: 'Готово', edited: true, buttons: [] } });

  await adminBot('sendMessage', {
    chat_id: ADMIN,
    text: 'Поделитесь телефоном',
    reply_markup: { keyboard: [[{ text: '📱 Телефон', request_contact: true }]], resize_keyboard: true },
  });
  const keyboard = await eventWhere((e) => e.type === 'keyboard' && e.keyboard !== null);
  expect(keyboard).toMatchObject({ keyboard: { rows: [[{ text: '📱 Телефон', requestContact: true }]] } });

  await adminBot('deleteMessage', { chat_id: ADMIN, message_id: menu.message_id });
  await eventWhere((e) => e.type === 'delete' && e.messageId === menu.message_id);

  const chat = await call('GET', `/api/chat?bot=admin&user=${ADMIN}`);
  const ids = (chat.json.messages as { id: number }[]).map((m) => m.id);
  expect(ids).not.toContain(menu.message_id);
  expect(chat.json.keyboard).toEqual({ rows: [[{ text: '📱 Телефон', requestContact: true }]] });

  const contact = await call('POST', '/api/contact', { bot: 'admin', user: ADMIN, phone: '+79990001122' });
  expect(contact.status).toBe(200);
  expect(pending().at(-1)!.message).toMatchObject({
    contact: { phone_number: '+79990001122', user_id: ADMIN },
  });
});

it('buttons: a press reaches the bot and its answer (alert or toast) comes back; a forged press changes nothing', async () => {
  const offer = await adminBot('sendMessage', {
    chat_id: ADMIN,
    text: 'Заказ',
    reply_markup: { inline_keyboard: [[callbackButton('✅ Принять', 'a:ok:1')]] },
  });
  const pressed = await call('POST', '/api/press', {
    bot: 'admin',
    user: ADMIN,
    messageId: offer.message_id,
    data: 'a:ok:1',
  });
  expect(pressed.status).toBe(200);
  const query = pending().at(-1)!.callback_query!;
  expect(query).toMatchObject({
    data: 'a:ok:1',
    from: { id: ADMIN },
    message: { message_id: offer.message_id },
  });
  await adminBot('answerCallbackQuery', {
    callback_query_id: query.id,
    text: 'Заказ уже взят',
    show_alert: true,
  });
  expect(await eventWhere((e) => e.type === 'callback_answer')).toEqual({
    type: 'callback_answer',
    bot: 'admin',
    chatId: ADMIN,
    text: 'Заказ уже взят',
    showAlert: true,
  });

  const before = pending().length;
  const forged = await call('POST', '/api/press', {
    bot: 'admin',
    user: ADMIN,
    messageId: offer.message_id,
    data: 'a:ok:999',
  });
  expect(forged).toMatchObject({
    status: 409,
    json: { error: 'Этой кнопки больше нет: сообщение изменилось или удалено.' },
  });
  const gone = await call('POST', '/api/press', {
    bot: 'admin',
    user: ADMIN,
    messageId: 99_999,
    data: 'a:ok:1',
  });
  expect(gone.status).toBe(409);
  expect(pending()).toHaveLength(before);
});

it('photos and files from disk: stored, pushed to the bot, downloadable by the bot and shown by the page', async () => {
  const photo = await call(
    'POST',
    `/api/upload?bot=admin&user=${ADMIN}&kind=photo&name=act.jpg&caption=${encodeURIComponent('Акт')}&width=800&height=600`,
    TINY_JPEG,
    'image/jpeg',
  );
  expect(photo.status).toBe(200);
  const message = pending().at(-1)!.message!;
  expect(message).toMatchObject({ caption: 'Акт' });
  const largest = message.photo!.at(-1)!;
  expect(largest).toMatchObject({ width: 800, height: 600 });
  // The bot fetches it the way telegraf does: getFile, then the file URL.
  const file = await adminBot<{ file_path: string }>('getFile', { file_id: largest.file_id });
  const link = `${sandbox.apiRoot}/file/bot${ADMIN_TOKEN}/${file.file_path}`;
  expect(Buffer.from(await (await fetch(link)).arrayBuffer()).equals(TINY_JPEG)).toBe(true);
  const shown = await eventWhere((e) => e.type === 'message' && e.message.id === message.message_id);
  const url = (shown as Extract<EventView, { message: unknown }>).message.photo!.url;
  const image = await call('GET', url);
  expect(image.headers.get('content-type')).toBe('image/jpeg');

  const html = Buffer.from('<script>alert(1)</script>');
  const doc = await call(
    'POST',
    `/api/upload?bot=admin&user=${ADMIN}&kind=document&name=evil.html`,
    html,
    'application/octet-stream',
  );
  expect(doc.status).toBe(200);
  const document = pending().at(-1)!.message!.document!;
  expect(document).toMatchObject({ file_name: 'evil.html', file_size: html.length });
  const download = await call('GET', `/api/file?bot=admin&id=${encodeURIComponent(document.file_id)}`);
  // Served as a download, never rendered in the page's origin.
  expect(download.headers.get('content-type')).toBe('application/octet-stream');
  expect(download.headers.get('content-disposition')).toBe("attachment; filename*=UTF-8''evil.html");
  expect(download.headers.get('x-content-type-options')).toBe('nosniff');
});

it('a text over 4,096 characters arrives as several messages, as a Telegram client sends it', async () => {
  const before = pending().length;
  const text = `${'а'.repeat(4000)}\n${'б'.repeat(200)}`;
  const sent = await call('POST', '/api/send', { bot: 'admin', user: ADMIN, text });
  expect(sent.status).toBe(200);
  const arrived = pending().slice(before);
  expect(arrived.map((u) => u.message!.text)).toEqual(['а'.repeat(4000), 'б'.repeat(200)]);
  expect(sent.json.messageIds).toEqual(arrived.map((u) => u.message!.message_id));
  expect(
    (await call('POST', '/api/send', { bot: 'admin', user: ADMIN, text: 'я'.repeat(40_000) })).json,
  ).toEqual({
    error: 'Слишком длинное сообщение для песочницы.',
  });
});

it('a sticker from the page reaches the bot as a sticker message with its emoji', async () => {
  const sent = await call('POST', '/api/sticker', {
    bot: 'master',
    user: DEMO_MASTERS[0]!.tgUserId,
    emoji: '👍',
  });
  expect(sent.status).toBe(200);
  const update = sandbox.fake.pendingUpdates(MASTER_TOKEN).at(-1)!;
  expect(update.message!.sticker).toMatchObject({ emoji: '👍', type: 'regular', is_animated: false });
  const shown = await eventWhere(
    (e) => e.type === 'message' && e.message.id === sent.json.messageId && e.bot === 'master',
  );
  expect(shown).toMatchObject({ message: { fromBot: false, sticker: { emoji: '👍' }, html: '' } });
  expect((await call('POST', '/api/sticker', { bot: 'master', user: ADMIN, emoji: '💣' })).status).toBe(400);
});

it('a client of an order is a person with the client bot and an SMS inbox fed by the fake provider', async () => {
  const city = await tdb.db.selectFrom('cities').select('id').executeTakeFirstOrThrow();
  const order = await tdb.db
    .insertInto('orders')
    .values({
      city_id: city.id,
      category: 'electrics',
      status: 'searching',
      type: 'normal',
      client_name: 'Анна Смирнова',
      client_phone: '+79991234567',
      description: 'Не работает розетка',
    })
    .returning('id')
    .executeTakeFirstOrThrow();
  const people = (await call('GET', '/api/state')).json.people as Person[];
  const anna = people.find((p) => p.kind === 'client')!;
  expect(anna).toMatchObject({
    fullName: 'Анна Смирнова',
    phone: '+79991234567',
    bot: 'client',
    subtitle: `клиент · +79991234567 · заказ #${order.id}`,
  });

  // The notifications sender talks to the fake SMSC with the sandbox's credentials.
  const provider = new SmscProvider({ apiRoot: sandbox.smsApiRoot, ...sandbox.smsCredentials });
  await provider.send(
    '+79991234567',
    'Заказ №1: мастер Иван. Статус: t.me/fs_client_sandbox_bot?start=tok_ABC-123',
  );
  const live = (await eventWhere((e) => (e as { type: string }).type === 'sms')) as unknown as {
    phone: string;
    sms: { startToken: string };
  };
  expect(live).toMatchObject({ phone: '+79991234567', sms: { startToken: 'tok_ABC-123' } });
  const inbox = await call('GET', `/api/sms?user=${anna.tgUserId}`);
  expect(inbox.json.messages).toEqual([
    expect.objectContaining({
      text: 'Заказ №1: мастер Иван. Статус: t.me/fs_client_sandbox_bot?start=tok_ABC-123',
      startToken: 'tok_ABC-123',
    }),
  ]);

  // The SMS link opens the client bot's chat with "/start <token>", as a phone does.
  expect(
    (await call('POST', '/api/send', { bot: 'client', user: anna.tgUserId, text: '/start tok_ABC-123' }))
      .status,
  ).toBe(200);
  const started = await eventWhere(
    (e) => e.type === 'message' && e.bot === 'client' && e.chatId === anna.tgUserId,
  );
  expect(started).toMatchObject({
    message: { fromBot: false, html: '<span class="tg-command">/start</span> tok_ABC-123' },
  });
});

it('bad input gets a short Russian refusal and reaches no bot', async () => {
  const before = pending().length;
  expect(await call('POST', '/api/send', { bot: 'admin', user: ADMIN, text: '   ' })).toMatchObject({
    status: 400,
    json: { error: 'Пустое сообщение.' },
  });
  expect(await call('POST', '/api/send', { bot: 'admin', user: 123, text: 'привет' })).toMatchObject({
    status: 404,
    json: { error: 'Такого человека нет в списке.' },
  });
  expect(await call('POST', '/api/send', { bot: 'evil', user: ADMIN, text: 'x' })).toMatchObject({
    status: 400,
    json: { error: 'Некорректный запрос.' },
  });
  expect((await call('POST', '/api/send', '{not json', 'application/json')).status).toBe(400);
  expect(
    (await call('POST', `/api/upload?bot=admin&user=${ADMIN}&kind=photo`, Buffer.alloc(0), 'image/jpeg'))
      .json,
  ).toEqual({
    error: 'Пустой файл.',
  });
  expect((await call('GET', '/api/file?bot=admin&id=nope')).status).toBe(404);
  expect(pending()).toHaveLength(before);
});

describe('who may use the web chat (DNS rebinding, other sites, no token)', () => {
  const port = () => new URL(sandbox.webUrl).port;
  const send = { bot: 'admin', user: ADMIN, text: 'от чужой страницы' };
  const NO_TOKEN = 'Нужен токен песочницы: откройте ссылку с ?token=…, которую напечатал pnpm dev.';
  const FOREIGN_HOST = 'Песочница открывается только по адресу, который она напечатала.';
  const FOREIGN_ORIGIN = 'Запрос с чужой страницы отклонён.';
  const CASES: {
    name: string;
    method: string;
    url: string;
    headers: () => Record<string, string>;
    status: number;
    error: string;
  }[] = [
    {
      name: 'no token: the staff list',
      method: 'GET',
      url: '/api/state',
      headers: () => ({}),
      status: 401,
      error: NO_TOKEN,
    },
    {
      name: 'no token: send as the global admin',
      method: 'POST',
      url: '/api/send',
      headers: () => ({}),
      status: 401,
      error: NO_TOKEN,
    },
    {
      name: 'a wrong token',
      method: 'POST',
      url: '/api/send',
      headers: () => ({ 'x-sandbox-token': `${sandbox.token}x` }),
      status: 401,
      error: NO_TOKEN,
    },
    {
      name: 'DNS rebinding: a foreign Host, even with the token',
      method: 'POST',
      url: '/api/send',
      headers: () => ({ host: `evil.example:${port()}`, 'x-sandbox-token': sandbox.token }),
      status: 403,
      error: FOREIGN_HOST,
    },
    {
      name: 'DNS rebinding: the page itself under a foreign Host',
      method: 'GET',
      url: '/',
      headers: () => ({ host: `evil.example:${port()}` }),
      status: 403,
      error: FOREIGN_HOST,
    },
    {
      name: 'another site calling through the visitor’s browser (foreign Origin)',
      method: 'POST',
      url: '/api/send',
      headers: () => ({ origin: 'http://evil.example', 'x-sandbox-token': sandbox.token }),
      status: 403,
      error: FOREIGN_ORIGIN,
    },
    {
      name: 'the event stream without the token',
      method: 'GET',
      url: '/api/events',
      headers: () => ({}),
      status: 401,
      error: NO_TOKEN,
    },
  ];

  it.each(CASES)('$name → $status, nothing reaches a bot', async (c) => {
    const before = pending().length;
    const res = await call(c.method, c.url, c.method === 'POST' ? send : undefined, undefined, c.headers());
    expect(res).toMatchObject({ status: c.status, json: { error: c.error } });
    expect(pending()).toHaveLength(before);
  });

  it('the page’s own calls pass: loopback Host, its own Origin, the token in a header or the query', async () => {
    const own = { origin: sandbox.webUrl, 'x-sandbox-token': sandbox.token };
    expect((await call('POST', '/api/send', send, undefined, own)).status).toBe(200);
    expect((await call('GET', `/api/state?token=${sandbox.token}`, undefined, undefined, {})).status).toBe(
      200,
    );
    expect(
      (
        await call('GET', '/api/state', undefined, undefined, {
          host: `localhost:${port()}`,
          'x-sandbox-token': sandbox.token,
        })
      ).status,
    ).toBe(200);
    expect(sandbox.openUrl).toBe(`${sandbox.webUrl}/?token=${sandbox.token}`);
  });

  it.each([
    [{ NODE_ENV: 'production' }, 'NODE_ENV'],
    [{ SANDBOX_HOST: '0.0.0.0' }, 'SANDBOX_HOST'],
    [{ SANDBOX_HOST: '192.168.1.5' }, 'SANDBOX_HOST'],
  ])('refuses to start with %j', (env, variable) => {
    const base = { DATABASE_URL: tdb.url, MASTER_BOT_TOKEN: MASTER_TOKEN, ADMIN_BOT_TOKEN: ADMIN_TOKEN };
    expect(() => parseConfig('sandbox', sandboxSchema, { ...base, ...env })).toThrow(variable);
    // An explicit flag is the only way off loopback (never in production).
    if (variable === 'SANDBOX_HOST') {
      expect(() =>
        parseConfig('sandbox', sandboxSchema, { ...base, ...env, SANDBOX_ALLOW_REMOTE: 'true' }),
      ).not.toThrow();
    }
  });
});
