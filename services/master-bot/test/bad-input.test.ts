import { createRedis } from '@fs/queue';
import { createMaster, createOrder, type MasterFixture } from '@fs/testkit';
import { type BotHarness, driver, startHarness } from './harness';

/**
 * Table-driven bad input over every scene state of the master bot except onboarding: each
 * input gets its exact short Russian reply, nothing changes in the database, and the state
 * (the wizard in the Redis session) is still there afterwards.
 */

let h: BotHarness;
let d: ReturnType<typeof driver>;
let foreign: { orderId: number; closedOrderId: number; commissionId: number; offerId: number };

const USE_BUTTONS = 'Пожалуйста, используйте кнопки под сообщениями. Открыть меню: /start';
const AMOUNT_FORMAT = 'Некорректная сумма. Введите число, например 3500, 3 500 или 3500,50.';
const NEED_ACT = 'Нужен один файл: фото или документ акта. Отправьте его или нажмите ❌ Отменить.';
const NEED_RECEIPT = 'Нужно фото или файл чека. Отправьте его или нажмите «✅ Готово» / «❌ Отменить».';

async function commissionFor(m: MasterFixture) {
  const order = await createOrder(h.tdb.db, {
    cityId: h.moscow.city.id,
    status: 'payment',
    assignedMasterId: m.id,
    overrides: { total_amount_kopecks: 300_000 },
  });
  const row = await h.tdb.db
    .insertInto('commissions')
    .values({
      order_id: order.id,
      master_id: m.id,
      amount_kopecks: 150_000,
      rate: '0.5000',
      deadline_at: new Date(Date.now() + 3 * 3_600_000),
    })
    .returning('id')
    .executeTakeFirstOrThrow();
  return row.id;
}

async function offerFor(m: MasterFixture) {
  const order = await createOrder(h.tdb.db, { cityId: h.moscow.city.id, status: 'searching' });
  const row = await h.tdb.db
    .insertInto('offers')
    .values({
      order_id: order.id,
      master_id: m.id,
      round_number: 1,
      expires_at: new Date(Date.now() + 600_000),
    })
    .returning('id')
    .executeTakeFirstOrThrow();
  return { orderId: order.id, offerId: row.id };
}

beforeAll(async () => {
  h = await startHarness();
  d = driver(h);
  const other = await createMaster(h.tdb.db, { cityId: h.moscow.city.id });
  const order = await createOrder(h.tdb.db, {
    cityId: h.moscow.city.id,
    status: 'working',
    assignedMasterId: other.id,
  });
  const closed = await createOrder(h.tdb.db, {
    cityId: h.moscow.city.id,
    status: 'closed',
    assignedMasterId: other.id,
  });
  foreign = {
    orderId: order.id,
    closedOrderId: closed.id,
    commissionId: await commissionFor(other),
    offerId: (await offerFor(other)).offerId,
  };
});
afterAll(async () => {
  await h?.close();
});

/** Everything a bad input could touch, as one comparable value. */
async function dbState() {
  const db = h.tdb.db;
  const [orders, commissions, offers, masters, attachments, outbox, history] = await Promise.all([
    db
      .selectFrom('orders')
      .select(['id', 'status', 'version', 'total_amount_kopecks'])
      .orderBy('id')
      .execute(),
    db.selectFrom('commissions').select(['id', 'status', 'reported_at']).orderBy('id').execute(),
    db.selectFrom('offers').select(['id', 'state', 'viewed_at', 'responded_at']).orderBy('id').execute(),
    db
      .selectFrom('masters')
      .select(['id', 'is_blocked', 'shift_status', 'version', 'referral_code'])
      .orderBy('id')
      .execute(),
    db.selectFrom('attachments').select('id').orderBy('id').execute(),
    db.selectFrom('notifications_outbox').select('id').orderBy('id').execute(),
    db.selectFrom('order_status_history').select('id').orderBy('id').execute(),
  ]);
  return JSON.stringify({ orders, commissions, offers, masters, attachments, outbox, history });
}

async function session(m: MasterFixture): Promise<Record<string, unknown>> {
  const client = createRedis(h.redis.url, { connectionName: 'test-session-read' });
  try {
    const raw = await client.get(`${h.redis.prefix}:session:master:${m.tg_user_id}:${m.tg_user_id}`);
    const session = raw ? JSON.parse(raw) : {};
    // The open wizard as `session[<its kind>]` (the store keeps it as `session.wizard`).
    const w = session.wizard;
    return w ? { ...session, [w.kind]: { ...w.data, at: w.at } } : session;
  } finally {
    client.disconnect();
  }
}

const sticker = {
  sticker: {
    file_id: 'CAACstk1',
    file_unique_id: 'ustk1',
    type: 'regular',
    width: 512,
    height: 512,
    is_animated: false,
    is_video: false,
  },
};
const voice = {
  voice: { file_id: 'AwACvoice1', file_unique_id: 'uvoice1', duration: 3, mime_type: 'audio/ogg' },
};
const HUGE = 'я'.repeat(4096);

interface Scene {
  name: string;
  /** Brings a fresh master into the state; returns the message whose buttons the master sees. */
  enter(m: MasterFixture): Promise<number>;
  /** The reply to any message that is not what the state expects. */
  messageReply: string;
  /** What the session holds in this state (the state survives bad input). */
  sessionCheck(s: Record<string, unknown>): void;
}

const noWizard = (s: Record<string, unknown>) => {
  expect(s.closeOrder).toBeUndefined();
  expect(s.payReport).toBeUndefined();
};

async function workingOrderCard(m: MasterFixture) {
  const order = await createOrder(h.tdb.db, {
    cityId: h.moscow.city.id,
    status: 'working',
    assignedMasterId: m.id,
  });
  const menu = await d.menu(m);
  await d.tap(m, menu.message_id, { text: '📦 Активные заказы' });
  await d.tap(m, menu.message_id, { text: `Открыть #${order.id}` });
  return { orderId: order.id, card: menu.message_id };
}

const SCENES: Scene[] = [
  {
    name: 'main menu',
    enter: async (m) => (await d.menu(m)).message_id,
    messageReply: USE_BUTTONS,
    sessionCheck: noWizard,
  },
  {
    name: 'new offer card',
    async enter(m) {
      const { orderId } = await offerFor(m);
      const menu = await d.menu(m);
      await d.tap(m, menu.message_id, { text: '🆕 Новые заказы' });
      await d.tap(m, menu.message_id, { text: `Открыть #${orderId}` });
      return menu.message_id;
    },
    messageReply: USE_BUTTONS,
    sessionCheck: noWizard,
  },
  {
    name: 'active order card',
    enter: async (m) => (await workingOrderCard(m)).card,
    messageReply: USE_BUTTONS,
    sessionCheck: noWizard,
  },
  {
    name: 'closing wizard: amount step',
    async enter(m) {
      const { card } = await workingOrderCard(m);
      await d.tap(m, card, { text: '✅ Закрыть' });
      return d.lastBotMessage(m).message_id;
    },
    messageReply: AMOUNT_FORMAT,
    sessionCheck: (s) => expect(s.closeOrder).toMatchObject({ step: 'amount' }),
  },
  {
    name: 'closing wizard: act step',
    async enter(m) {
      const { card } = await workingOrderCard(m);
      await d.tap(m, card, { text: '✅ Закрыть' });
      const confirm = await d.send(m, '4500');
      await d.tap(m, confirm.message_id, { text: '✅ Верно' });
      return confirm.message_id;
    },
    messageReply: NEED_ACT,
    sessionCheck: (s) => expect(s.closeOrder).toMatchObject({ step: 'act', amountKopecks: 450_000 }),
  },
  {
    name: 'pay-report wizard',
    async enter(m) {
      const commissionId = await commissionFor(m);
      const menu = await d.menu(m);
      await d.tap(m, menu.message_id, { text: '💳 Финансы' });
      await d.tap(m, menu.message_id, { text: `Комиссия #${commissionId}` });
      await d.tap(m, menu.message_id, { text: '💸 Я оплатил' });
      return d.lastBotMessage(m).message_id;
    },
    messageReply: NEED_RECEIPT,
    sessionCheck: (s) => expect(s.payReport).toMatchObject({ files: [] }),
  },
];

type Input =
  | { kind: 'message'; name: string; content: Record<string, unknown> }
  | { kind: 'callback'; name: string; data: () => string; answer: string };

const INPUTS: Input[] = [
  { kind: 'message', name: 'text where a button is expected', content: { text: 'привет, что дальше?' } },
  { kind: 'message', name: 'sticker', content: sticker },
  { kind: 'message', name: 'voice', content: voice },
  { kind: 'message', name: 'huge text', content: { text: HUGE } },
  {
    kind: 'callback',
    name: 'unknown action',
    data: () => 'm:zzz:1',
    answer: 'Кнопка устарела. Откройте меню: /start',
  },
  {
    kind: 'callback',
    name: 'forged argument',
    data: () => 'm:kfc:abc',
    answer: 'Кнопка устарела. Откройте меню: /start',
  },
  {
    kind: 'callback',
    name: 'another master’s active order',
    data: () => `m:actc:${foreign.orderId}`,
    answer: 'Заказ не найден среди ваших активных заказов.',
  },
  {
    kind: 'callback',
    name: 'closing another master’s order',
    data: () => `m:actx:${foreign.orderId}`,
    answer: 'Заказ не найден среди ваших активных заказов.',
  },
  {
    kind: 'callback',
    name: 'another master’s order in history',
    data: () => `m:khc:${foreign.closedOrderId}:0`,
    answer: 'Заказ не найден в вашей истории.',
  },
  {
    kind: 'callback',
    name: 'another master’s commission card',
    data: () => `m:kfc:${foreign.commissionId}`,
    answer: 'Комиссия не найдена среди ваших.',
  },
  {
    kind: 'callback',
    name: '«Я оплатил» for another master’s commission',
    data: () => `m:kfi:${foreign.commissionId}`,
    answer: 'Комиссия не найдена среди ваших.',
  },
  {
    kind: 'callback',
    name: 'accepting another master’s offer',
    data: () => `m:oa:${foreign.offerId}`,
    answer: 'Это предложение адресовано другому мастеру.',
  },
  {
    kind: 'callback',
    name: 'declining another master’s offer',
    data: () => `m:odc:${foreign.offerId}`,
    answer: 'Это предложение адресовано другому мастеру.',
  },
];

describe.each(SCENES)('bad input in state: $name', (scene) => {
  let m: MasterFixture;
  let messageId: number;

  beforeAll(async () => {
    m = await createMaster(h.tdb.db, { cityId: h.moscow.city.id });
    messageId = await scene.enter(m);
  });

  it.each(INPUTS)('$name → exact reply, nothing changes', async (input) => {
    const before = await dbState();
    if (input.kind === 'message') {
      const botMessages = () => h.fake.chat(h.token, m.tg_user_id).filter((x) => x.from?.id !== m.tg_user_id);
      const count = botMessages().length;
      const reply = await d.sendRaw(m, input.content);
      expect(botMessages()).toHaveLength(count + 1);
      expect(reply.text).toBe(scene.messageReply);
    } else {
      const answer = await d.tap(m, messageId, { data: input.data(), unchecked: true });
      expect(answer.text).toBe(input.answer);
    }
    expect(await dbState()).toBe(before);
    scene.sessionCheck(await session(m));
  });
});

/**
 * Group chats (a master adds the bot to a group, or a group is a staff alert chat): the bot
 * shows nothing there. A command gets one short refusal, anything else nothing, a button gets
 * the refusal as an alert; nothing changes and no menu, card or address reaches the group.
 */
describe('bad input from a group chat', () => {
  const GROUP = -4_100_500;
  const REFUSAL = 'Я работаю только в личных сообщениях: напишите мне в личный чат.';
  let m: MasterFixture;
  let orderId: number;

  beforeAll(async () => {
    m = await createMaster(h.tdb.db, { cityId: h.moscow.city.id });
    ({ orderId } = await offerFor(m));
  });

  const groupSays = async (text: string) => {
    const before = h.fake.sentMessages(h.token, GROUP).length;
    await h.fake.userSendsText(h.token, { id: Number(m.tg_user_id), first_name: 'Мастер' }, text, {
      chatId: GROUP,
    });
    await h.mb.running.idle();
    return h.fake
      .sentMessages(h.token, GROUP)
      .slice(before)
      .map((x) => x.text);
  };

  it.each([
    ['/start', [REFUSAL]],
    ['/start@master_test_bot', [REFUSAL]],
    ['/cancel', [REFUSAL]],
    ['привет', []],
    [HUGE, []],
  ])('%s → %j, nothing changes', async (text, replies) => {
    const before = await dbState();
    expect(await groupSays(text)).toEqual(replies);
    expect(await dbState()).toBe(before);
  });

  it('a button pressed in the group (the offer’s accept, forged) → the refusal as an alert, the offer stays open', async () => {
    const row = await h.tdb.db
      .selectFrom('offers')
      .select('id')
      .where('order_id', '=', orderId)
      .executeTakeFirstOrThrow();
    const posted = await h.tg.sendMessage(GROUP, 'сообщение в группе');
    const before = await dbState();
    const pressed = await h.fake.userPressesButton(
      h.token,
      { id: Number(m.tg_user_id), first_name: 'Мастер' },
      { messageId: posted.message_id, chatId: GROUP, data: `m:oa:${row.id}`, unchecked: true },
    );
    await h.mb.running.idle();
    const answers = h.fake
      .callsOf('answerCallbackQuery', h.token)
      .filter((c) => c.params.callback_query_id === pressed.callbackQueryId);
    expect(answers.map((a) => a.params)).toEqual([
      expect.objectContaining({ text: REFUSAL, show_alert: true }),
    ]);
    expect(await dbState()).toBe(before);
  });
});
