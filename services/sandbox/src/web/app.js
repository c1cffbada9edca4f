// The sandbox's web chat: pick a person, talk to a bot as them. Plain JS, no build step.
// Message HTML comes pre-rendered (and escaped) by the server from Telegram entities; every
// other string from the server is put into the page with textContent.

const $ = (sel) => document.querySelector(sel);

const state = {
  bots: {},
  /** The sticker emoji the page offers (from the server). */
  stickers: [],
  people: [],
  /** { person, bot } */
  current: null,
  /** "bot:chatId" → { messages: Map<id, view>, keyboard } */
  chats: new Map(),
  /** "bot:chatId" → unread bot messages */
  unread: new Map(),
};

const chatKey = (bot, chatId) => `${bot}:${chatId}`;

function el(tag, props = {}, ...children) {
  const node = document.createElement(tag);
  for (const [k, v] of Object.entries(props)) {
    if (k === 'class') node.className = v;
    else if (k === 'text') node.textContent = v;
    else if (k === 'dataset') Object.assign(node.dataset, v);
    else if (k.startsWith('on')) node.addEventListener(k.slice(2), v);
    else node.setAttribute(k, v);
  }
  for (const c of children) if (c) node.append(c);
  return node;
}

// The per-run token the sandbox printed with its address (?token=…); every API call carries it.
const TOKEN = new URLSearchParams(location.search).get('token') ?? '';
/** A URL the browser loads by itself (event stream, pictures, files): the token goes in the query. */
const withToken = (url) => `${url}${url.includes('?') ? '&' : '?'}token=${encodeURIComponent(TOKEN)}`;

async function api(method, url, body, headers) {
  const res = await fetch(url, {
    method,
    headers: {
      'x-sandbox-token': TOKEN,
      ...(body === undefined ? {} : (headers ?? { 'content-type': 'application/json' })),
    },
    body: body === undefined ? undefined : headers ? body : JSON.stringify(body),
  });
  const data = await res.json().catch(() => ({}));
  if (!res.ok) throw new Error(data.error || `Ошибка ${res.status}`);
  return data;
}

// ── toasts and alerts ────────────────────────────────────────────────────

function toast(text, kind = '') {
  const t = el('div', { class: `toast ${kind}`, text });
  $('#toasts').append(t);
  setTimeout(() => t.remove(), 3500);
}

function showAlert(text) {
  $('#alert-text').textContent = text;
  $('#alert').hidden = false;
  $('#alert-ok').focus();
}
$('#alert-ok').addEventListener('click', () => {
  $('#alert').hidden = true;
});

// ── people picker ────────────────────────────────────────────────────────

const GROUPS = [
  ['staff', 'Персонал'],
  ['master', 'Мастера'],
  ['client', 'Клиенты'],
  ['guest', 'Новые люди'],
];

/** The tabs a person has: a client talks to the client bot and reads SMS; the others to the two work bots. */
const tabsOf = (person) => (person.kind === 'client' ? ['client', 'sms'] : ['admin', 'master']);

function initials(name) {
  return name
    .split(/\s+/)
    .filter(Boolean)
    .slice(0, 2)
    .map((w) => w[0].toUpperCase())
    .join('');
}

function unreadOf(person) {
  let n = 0;
  for (const bot of [...Object.keys(state.bots), 'sms'])
    n += state.unread.get(chatKey(bot, person.tgUserId)) ?? 0;
  return n;
}

function renderPeople() {
  const nav = $('#people');
  nav.replaceChildren();
  for (const [kind, title] of GROUPS) {
    const group = state.people.filter((p) => p.kind === kind);
    if (group.length === 0) continue;
    nav.append(el('div', { class: 'group-title', text: title }));
    for (const p of group) {
      const n = unreadOf(p);
      const active = state.current?.person.tgUserId === p.tgUserId;
      nav.append(
        el(
          'button',
          {
            type: 'button',
            class: `person${active ? ' active' : ''}`,
            dataset: { person: String(p.tgUserId) },
            onclick: () => selectPerson(p, p.bot),
          },
          el('div', { class: `avatar ${p.kind}`, text: initials(p.fullName) }),
          el(
            'div',
            { class: 'person-text' },
            el('div', { class: 'person-name', text: p.fullName }),
            el('div', { class: 'person-sub', text: p.subtitle }),
          ),
          n > 0 ? el('span', { class: 'badge', title: 'Новые сообщения', text: String(n) }) : null,
        ),
      );
    }
  }
}

async function refreshPeople() {
  const s = await api('GET', '/api/state');
  state.bots = s.bots;
  state.people = s.people;
  if (state.stickers.length === 0) renderStickerPanel(s.stickers ?? []);
  if (state.current) {
    const same = s.people.find((p) => p.tgUserId === state.current.person.tgUserId);
    if (same) state.current.person = same;
  }
  renderPeople();
  renderHeader();
}

let peopleRefresh = null;
function refreshPeopleSoon() {
  clearTimeout(peopleRefresh);
  peopleRefresh = setTimeout(() => refreshPeople().catch(() => {}), 800);
}

$('#new-person').addEventListener('click', async () => {
  try {
    const guest = await api('POST', '/api/people', {});
    await refreshPeople();
    await selectPerson(guest, 'master');
  } catch (err) {
    toast(err.message, 'error');
  }
});

// ── the chat ─────────────────────────────────────────────────────────────

async function selectPerson(person, bot) {
  if (!tabsOf(person).includes(bot)) bot = person.bot;
  state.current = { person, bot };
  state.unread.delete(chatKey(bot, person.tgUserId));
  location.hash = `user=${person.tgUserId}&bot=${bot}`;
  renderPeople();
  renderHeader();
  $('#composer').classList.toggle('disabled', bot === 'sms');
  const key = chatKey(bot, person.tgUserId);
  // Collect live events while the snapshot loads.
  if (!state.chats.has(key)) state.chats.set(key, { messages: new Map(), keyboard: null });
  const data =
    bot === 'sms'
      ? {
          messages: (await api('GET', `/api/sms?user=${person.tgUserId}`)).messages.map(smsMessage),
          keyboard: null,
        }
      : await api('GET', `/api/chat?bot=${bot}&user=${person.tgUserId}`);
  const chat = { messages: new Map(), keyboard: data.keyboard };
  for (const m of data.messages) chat.messages.set(m.id, m);
  // Events that arrived while loading are newer than the snapshot: keep them.
  for (const [id, m] of state.chats.get(key).messages) if (!chat.messages.has(id)) chat.messages.set(id, m);
  state.chats.set(key, chat);
  // Still the chat picked? (By id: a people refresh meanwhile replaces the person's record.)
  const cur = state.current;
  if (cur.person.tgUserId === person.tgUserId && cur.bot === bot) renderChat();
  $('#text').focus();
}

function renderHeader() {
  const cur = state.current;
  if (!cur) return;
  const botInfo = state.bots[cur.bot];
  $('#chat-title').textContent = cur.person.fullName;
  $('#chat-subtitle').textContent =
    cur.bot === 'sms'
      ? `${cur.person.subtitle} · SMS на ${cur.person.phone}`
      : `${cur.person.subtitle} · tg id ${cur.person.tgUserId} · чат с @${botInfo?.username ?? cur.bot}`;
  const tabs = tabsOf(cur.person);
  for (const b of document.querySelectorAll('#bot-switch button')) {
    b.hidden = !tabs.includes(b.dataset.bot);
    b.setAttribute('aria-selected', String(b.dataset.bot === cur.bot));
  }
}

for (const b of document.querySelectorAll('#bot-switch button')) {
  b.addEventListener('click', () => {
    if (state.current)
      selectPerson(state.current.person, b.dataset.bot).catch((e) => toast(e.message, 'error'));
  });
}

function currentChat() {
  const cur = state.current;
  return cur ? state.chats.get(chatKey(cur.bot, cur.person.tgUserId)) : undefined;
}

// ── keeping the newest message in sight ──────────────────────────────────
// Like a chat app: while the visitor is at the bottom, the chat stays there when the content
// grows after it was drawn (a message edited into something longer, a picture that finished
// loading, the reply keyboard taking room). Scrolled up to read, nothing moves.

const box = $('#messages');
const NEAR_BOTTOM_PX = 48;
let atBottom = true;
/**
 * Where toBottom() put the chat. Its scroll event fires a frame later, possibly after a picture
 * loaded and grew the chat: measured then, that scroll would look like the visitor leaving the
 * bottom. A scroll event at this position is our own, so the chat is still pinned.
 */
let pinnedTop = -1;
box.addEventListener('scroll', () => {
  if (box.scrollTop === pinnedTop) return;
  pinnedTop = -1;
  atBottom = box.scrollHeight - box.scrollTop - box.clientHeight < NEAR_BOTTOM_PX;
});

function toBottom() {
  box.scrollTop = box.scrollHeight;
  pinnedTop = box.scrollTop;
  atBottom = true;
}

/** Watches every drawn message and the chat's own box for size changes. */
const resized = new ResizeObserver(() => {
  if (atBottom) toBottom();
});
resized.observe(box);

function observeMessage(node) {
  resized.observe(node);
  return node;
}

/** An edited message the visitor is reading above the bottom: show its end if it grew past the view. */
function keepInView(node) {
  const view = box.getBoundingClientRect();
  const r = node.getBoundingClientRect();
  if (r.top >= view.top && r.bottom > view.bottom) node.scrollIntoView({ block: 'nearest' });
}

function renderChat() {
  const chat = currentChat();
  resized.disconnect();
  resized.observe(box);
  box.replaceChildren();
  if (!chat) return;
  const messages = [...chat.messages.values()].sort((a, b) => a.id - b.id);
  if (messages.length === 0) {
    box.append(
      el(
        'div',
        { class: 'empty' },
        el('div', {
          text:
            state.current?.bot === 'sms'
              ? 'SMS пока не приходили. Клиент получит SMS, когда мастер примет заказ.'
              : 'Здесь пока пусто. В Telegram человек начинает разговор с ботом кнопкой «Начать».',
        }),
        state.current?.bot === 'sms'
          ? null
          : el('button', { type: 'button', text: '▶️ Начать (/start)', onclick: () => sendText('/start') }),
      ),
    );
  }
  for (const m of messages) box.append(observeMessage(renderMessage(m)));
  renderKeyboard(chat.keyboard);
  toBottom();
}

const timeOf = (unix) =>
  new Date(unix * 1000).toLocaleTimeString('ru-RU', { hour: '2-digit', minute: '2-digit' });

/** An SMS from the fake provider as a chat message of the 📱 SMS tab. */
function smsMessage(sms) {
  return { id: sms.id, fromBot: true, date: sms.date, sms };
}

/** The SMS's link, as a phone opens it: the client bot's chat with "/start <token>" sent. */
async function openClientLink(token) {
  const person = state.current?.person;
  if (!person) return;
  try {
    await api('POST', '/api/send', { bot: 'client', user: person.tgUserId, text: `/start ${token}` });
    await selectPerson(person, 'client');
  } catch (err) {
    toast(err.message, 'error');
  }
}

function renderSms(m) {
  const node = el('div', { class: 'msg in sms', dataset: { id: String(m.id) } });
  node.append(el('div', { class: 'text', text: m.sms.text }));
  if (m.sms.startToken) {
    const kb = el('div', { class: 'inline-keyboard' });
    kb.append(
      el(
        'div',
        { class: 'row' },
        el('button', {
          type: 'button',
          text: '🔗 Открыть ссылку в Telegram',
          onclick: () => openClientLink(m.sms.startToken),
        }),
      ),
    );
    node.append(kb);
  }
  node.append(el('div', { class: 'meta', text: `SMS · ${timeOf(m.date)}` }));
  return node;
}

function renderMessage(m) {
  if (m.sms) return renderSms(m);
  const node = el('div', { class: `msg ${m.fromBot ? 'in' : 'out'}`, dataset: { id: String(m.id) } });
  if (m.photo) node.append(el('img', { class: 'photo', src: withToken(m.photo.url), alt: 'Фото' }));
  if (m.sticker) {
    node.classList.add('sticker-msg');
    node.append(el('div', { class: 'sticker', title: 'Стикер', text: m.sticker.emoji }));
  }
  if (m.document) {
    const kb = Math.max(1, Math.round(m.document.size / 1024));
    node.append(
      el('a', { class: 'doc', href: withToken(m.document.url), text: `📄 ${m.document.name} (${kb} КБ)` }),
    );
  }
  if (m.contact)
    node.append(el('div', { class: 'contact', text: `📱 ${m.contact.name}: ${m.contact.phone}` }));
  if (m.html) {
    const text = el('div', { class: 'text' });
    text.innerHTML = m.html; // rendered and escaped by the server (render-html.ts)
    for (const s of text.querySelectorAll('.tg-spoiler'))
      s.addEventListener('click', () => s.classList.add('shown'));
    node.append(text);
  }
  if (m.buttons.length > 0) {
    const kb = el('div', { class: 'inline-keyboard' });
    for (const row of m.buttons) {
      const r = el('div', { class: 'row' });
      for (const b of row) {
        if (b.data !== undefined) {
          r.append(
            el('button', {
              type: 'button',
              text: b.text,
              onclick: (e) => press(m.id, b.data, e.currentTarget),
            }),
          );
        } else if (b.url) {
          r.append(
            el('a', { href: b.url, target: '_blank', rel: 'noopener noreferrer', text: `${b.text} ↗` }),
          );
        } else {
          r.append(el('button', { type: 'button', text: b.text, disabled: 'disabled' }));
        }
      }
      kb.append(r);
    }
    node.append(kb);
  }
  node.append(el('div', { class: 'meta', text: `${m.edited ? 'изменено · ' : ''}${timeOf(m.date)}` }));
  return node;
}

function renderKeyboard(keyboard) {
  const box = $('#reply-keyboard');
  box.replaceChildren();
  box.hidden = !keyboard;
  $('#text').placeholder = keyboard?.placeholder || 'Сообщение';
  if (!keyboard) return;
  for (const row of keyboard.rows) {
    const r = el('div', { class: 'row' });
    for (const b of row) {
      r.append(
        el('button', {
          type: 'button',
          text: b.text,
          onclick: () => (b.requestContact ? shareContact() : sendText(b.text)),
        }),
      );
    }
    box.append(r);
  }
}

// ── acting as the person ─────────────────────────────────────────────────

function target() {
  const cur = state.current;
  if (!cur) throw new Error('Сначала выберите человека слева.');
  return { bot: cur.bot, user: cur.person.tgUserId };
}

async function sendText(text) {
  try {
    await api('POST', '/api/send', { ...target(), text });
  } catch (err) {
    toast(err.message, 'error');
  }
}

async function sendSticker(emoji) {
  $('#sticker-panel').hidden = true;
  try {
    await api('POST', '/api/sticker', { ...target(), emoji });
  } catch (err) {
    toast(err.message, 'error');
  }
}

function renderStickerPanel(stickers) {
  state.stickers = stickers;
  $('#sticker-panel').replaceChildren(
    ...stickers.map((emoji) =>
      el('button', {
        type: 'button',
        class: 'sticker-choice',
        title: 'Отправить стикер',
        text: emoji,
        onclick: () => sendSticker(emoji),
      }),
    ),
  );
}

$('#sticker').addEventListener('click', () => {
  $('#sticker-panel').hidden = !$('#sticker-panel').hidden;
});

async function press(messageId, data, button) {
  button.classList.add('pending');
  setTimeout(() => button.classList.remove('pending'), 1500);
  try {
    await api('POST', '/api/press', { ...target(), messageId, data });
  } catch (err) {
    button.classList.remove('pending');
    toast(err.message, 'error');
  }
}

async function shareContact() {
  const phone = prompt('Номер телефона, которым поделиться (+7…):', '+7');
  if (!phone) return;
  try {
    await api('POST', '/api/contact', { ...target(), phone: phone.replace(/[^\d+]/g, '') });
  } catch (err) {
    toast(err.message, 'error');
  }
}

async function imageSize(file) {
  try {
    const bitmap = await createImageBitmap(file);
    const size = { width: bitmap.width, height: bitmap.height };
    bitmap.close();
    return size;
  } catch {
    return null;
  }
}

async function upload(file) {
  const t = target();
  const isPhoto = /^image\/(jpeg|png|gif|webp)$/.test(file.type);
  const caption = $('#text').value.trim();
  const q = new URLSearchParams({ bot: t.bot, user: String(t.user), kind: isPhoto ? 'photo' : 'document' });
  q.set('name', file.name.slice(0, 200));
  if (caption) q.set('caption', caption.slice(0, 1024));
  if (isPhoto) {
    const size = await imageSize(file);
    if (size) {
      q.set('width', String(size.width));
      q.set('height', String(size.height));
    }
  }
  const type = isPhoto ? file.type : 'application/octet-stream';
  await api('POST', `/api/upload?${q}`, file, { 'content-type': type });
  $('#text').value = '';
}

$('#attach').addEventListener('click', () => $('#file').click());
$('#file').addEventListener('change', async (e) => {
  const file = e.target.files[0];
  e.target.value = '';
  if (!file) return;
  try {
    await upload(file);
  } catch (err) {
    toast(err.message, 'error');
  }
});

$('#composer').addEventListener('submit', (e) => {
  e.preventDefault();
  const text = $('#text').value;
  if (!text.trim()) return;
  $('#text').value = '';
  sendText(text);
});
$('#text').addEventListener('keydown', (e) => {
  if (e.key === 'Enter' && !e.shiftKey) {
    e.preventDefault();
    $('#composer').requestSubmit();
  }
});

// ── live updates ─────────────────────────────────────────────────────────

/** A new SMS: into its client's 📱 SMS tab (a badge when another chat is open). */
function applySms(ev) {
  const person = state.people.find((p) => p.kind === 'client' && p.phone === ev.phone);
  if (!person) {
    refreshPeopleSoon();
    return;
  }
  const key = chatKey('sms', person.tgUserId);
  const cur = state.current;
  const isCurrent = cur && cur.bot === 'sms' && cur.person.tgUserId === person.tgUserId;
  state.chats.get(key)?.messages.set(ev.sms.id, smsMessage(ev.sms));
  if (isCurrent) renderChat();
  else {
    state.unread.set(key, (state.unread.get(key) ?? 0) + 1);
    renderPeople();
  }
}

function applyEvent(ev) {
  if (ev.type === 'sms') return applySms(ev);
  const key = chatKey(ev.bot, ev.chatId);
  const cur = state.current;
  const isCurrent = cur && cur.bot === ev.bot && cur.person.tgUserId === ev.chatId;
  const chat = state.chats.get(key);

  if (ev.type === 'callback_answer') {
    if (isCurrent && ev.text) (ev.showAlert ? showAlert : toast)(ev.text);
    return;
  }
  if (ev.type === 'message' && ev.message.fromBot && !isCurrent) {
    state.unread.set(key, (state.unread.get(key) ?? 0) + 1);
    if (!state.people.some((p) => p.tgUserId === ev.chatId)) refreshPeopleSoon();
    renderPeople();
  }
  if (ev.type === 'message' && !ev.message.fromBot) refreshPeopleSoon();
  if (!chat) return;

  if (ev.type === 'message' || ev.type === 'edit') chat.messages.set(ev.message.id, ev.message);
  else if (ev.type === 'delete') chat.messages.delete(ev.messageId);
  else if (ev.type === 'keyboard') chat.keyboard = ev.keyboard;
  if (!isCurrent) return;

  if (ev.type === 'edit') {
    const old = box.querySelector(`.msg[data-id="${ev.message.id}"]`);
    if (old) {
      const fresh = observeMessage(renderMessage(ev.message));
      fresh.classList.add('flash');
      resized.unobserve(old);
      old.replaceWith(fresh);
      if (atBottom) toBottom();
      else keepInView(fresh);
      return;
    }
  }
  if (ev.type === 'delete') {
    const gone = box.querySelector(`.msg[data-id="${ev.messageId}"]`);
    if (gone) resized.unobserve(gone);
    gone?.remove();
    return;
  }
  if (ev.type === 'keyboard') {
    renderKeyboard(chat.keyboard);
    return;
  }
  renderChat();
}

function connectEvents() {
  const source = new EventSource(withToken('/api/events'));
  source.onmessage = (e) => applyEvent(JSON.parse(e.data));
  source.onopen = () => document.body.classList.remove('offline');
  source.onerror = () => document.body.classList.add('offline');
}

// ── start ────────────────────────────────────────────────────────────────

(async () => {
  connectEvents();
  $('#composer').classList.add('disabled');
  await refreshPeople();
  const hash = new URLSearchParams(location.hash.slice(1));
  const wanted = state.people.find((p) => String(p.tgUserId) === hash.get('user'));
  const bot = ['admin', 'master', 'client', 'sms'].includes(hash.get('bot')) ? hash.get('bot') : undefined;
  const first = wanted ?? state.people[0];
  if (first) await selectPerson(first, bot ?? first.bot);
})().catch((err) => toast(err.message, 'error'));
