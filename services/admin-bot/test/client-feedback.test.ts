import { answerAmountCheck, rateOrder } from '@fs/dispatch';
import { bayesianRating, formatMoney, type OfferState } from '@fs/domain';
import { type CityFixture, createMaster } from '@fs/testkit';
import { encode } from '../src/callbacks';
import { type AdminHarness, adminDriver, startAdminHarness } from './harness';
import { freshCity, lastButtons, orderIn } from './orders-helpers';

/**
 * The staff side of issue 17 (the client in the loop): the client's link and review in the
 * order card, the master's rating, reviews and acceptance rate in the master card.
 */

let h: AdminHarness;
let d: ReturnType<typeof adminDriver>;

beforeAll(async () => {
  h = await startAdminHarness({ env: { CLIENT_BOT_USERNAME: 'fs_client_test_bot' } });
  d = adminDriver(h);
});
afterAll(() => h?.close());
afterEach(() => h.pinClock(undefined));

/**
 * The review's time as the card shows it, with the bot's clock pinned to the moment the
 * database stamped the review: "сегодня" holds even when the test runs across midnight.
 */
async function pinToReview(orderId: number): Promise<string> {
  const { created_at } = await h.tdb.db
    .selectFrom('reviews')
    .select('created_at')
    .where('order_id', '=', orderId)
    .executeTakeFirstOrThrow();
  h.pinClock(created_at);
  const time = new Intl.DateTimeFormat('ru-RU', {
    timeZone: 'Europe/Moscow',
    hour: '2-digit',
    minute: '2-digit',
    hourCycle: 'h23',
  }).format(created_at);
  return `сегодня ${time}`;
}

let chatSeq = 910_000;

/** The client opened the order's link in a new chat (as the client bot's /start does). */
async function clientChat(orderId: number): Promise<number> {
  const chatId = ++chatSeq;
  await h.tdb.db.insertInto('client_chats').values({ chat_id: chatId, tg_user_id: chatId }).execute();
  await h.tdb.db
    .insertInto('order_client_links')
    .values({
      order_id: orderId,
      token: `adm${chatId}xxxxxxxxxxxxxxxxxx`,
      expires_at: new Date(Date.now() + 86_400_000),
      chat_id: chatId,
      opened_at: new Date(),
    })
    .onConflict((oc) => oc.column('order_id').doUpdateSet({ chat_id: chatId, opened_at: new Date() }))
    .execute();
  return chatId;
}

type Person = Parameters<typeof d.menu>[0];

async function openCard(s: Person, orderId: number) {
  const menu = await d.menu(s);
  await d.tap(s, menu.message_id, { data: encode('ordersCard', { orderId }), unchecked: true });
  return d.lastBotMessage(s);
}

const linkOf = (orderId: number) =>
  h.tdb.db
    .selectFrom('order_client_links')
    .select(['token', 'expires_at', 'chat_id'])
    .where('order_id', '=', orderId)
    .executeTakeFirst();

describe('order card: 🔗 Ссылка для клиента', () => {
  it('gives the order’s deep link once a master accepted it, the same link every time', async () => {
    const city = await freshCity(h);
    const s = await h.staff('logist', [city.city.id]);
    const m = await createMaster(h.tdb.db, { cityId: city.city.id });
    const order = await orderIn(h, city, { status: 'assigned', assignedMasterId: m.id });
    expect(await linkOf(order.id)).toBeUndefined();

    const card = await openCard(s, order.id);
    expect(lastButtons(d, s)).toContain('🔗 Ссылка для клиента');
    const answer = await d.tap(s, card.message_id, { text: '🔗 Ссылка для клиента' });
    expect(answer.show_alert).toBeFalsy();
    const link = await linkOf(order.id);
    expect(link?.token).toMatch(/^[A-Za-z0-9_-]{32}$/);
    expect(link?.chat_id).toBeNull();
    const sent = d.lastBotMessage(s);
    expect(sent.message_id).not.toBe(card.message_id);
    expect(sent.text).toContain(`🔗 Ссылка для клиента — заказ #${order.id}`);
    expect(sent.text).toContain(`t.me/fs_client_test_bot?start=${link!.token}`);
    expect(sent.text).toContain('Действует до');
    expect(sent.reply_markup?.inline_keyboard[0]).toEqual([
      {
        text: '📋 Скопировать ссылку',
        copy_text: { text: `https://t.me/fs_client_test_bot?start=${link!.token}` },
      },
    ]);
    // The card itself stays as it was.
    expect(d.shown(s, card.message_id).text).toBe(card.text);

    // Again, after the client opened it: the same token, and staff are told it is taken.
    await clientChat(order.id);
    await d.tap(s, card.message_id, { text: '🔗 Ссылка для клиента' });
    expect((await linkOf(order.id))?.token).toBe(link!.token);
    expect(d.lastBotMessage(s).text).toContain(`start=${link!.token}`);
    expect(d.lastBotMessage(s).text).toContain('Клиент уже открыл её');
  });

  it('is not offered before a master accepted, nor for a canceled order; a forged tap is refused', async () => {
    const city = await freshCity(h);
    const s = await h.staff('city_admin', [city.city.id]);
    const searching = await orderIn(h, city, { status: 'searching' });
    const canceled = await orderIn(h, city, { status: 'canceled' });
    for (const o of [searching, canceled]) {
      const card = await openCard(s, o.id);
      expect(lastButtons(d, s)).not.toContain('🔗 Ссылка для клиента');
      const answer = await d.tap(s, card.message_id, {
        data: encode('ordersClientLink', { orderId: o.id }),
        unchecked: true,
      });
      expect(answer).toMatchObject({
        show_alert: true,
        text: expect.stringContaining('мастер примет заказ'),
      });
      expect(await linkOf(o.id)).toBeUndefined();
    }
  });

  it('refuses another city’s order and makes no link', async () => {
    const city = await freshCity(h);
    const other = await freshCity(h);
    const s = await h.staff('logist', [city.city.id]);
    const m = await createMaster(h.tdb.db, { cityId: other.city.id });
    const foreign = await orderIn(h, other, { status: 'assigned', assignedMasterId: m.id });
    const menu = await d.menu(s);
    const answer = await d.tap(s, menu.message_id, {
      data: encode('ordersClientLink', { orderId: foreign.id }),
      unchecked: true,
    });
    expect(answer.show_alert).toBe(true);
    expect(answer.text).toMatch(/город/i);
    expect(await linkOf(foreign.id)).toBeUndefined();
  });
});

describe('order card: the client’s review', () => {
  it('shows the stars and a disputed amount once the client answered', async () => {
    const city = await freshCity(h);
    const s = await h.staff('logist', [city.city.id]);
    const m = await createMaster(h.tdb.db, { cityId: city.city.id });
    const order = await orderIn(h, city, {
      status: 'closed',
      assignedMasterId: m.id,
      overrides: { total_amount_kopecks: 350_000 },
    });
    let text = (await openCard(s, order.id)).text!;
    expect(text).not.toContain('Отзыв клиента');

    const chatId = await clientChat(order.id);
    expect((await rateOrder(h.deps, { chatId, orderId: order.id, stars: 2 })).kind).toBe('ok');
    const at = await pinToReview(order.id);
    text = (await openCard(s, order.id)).text!;
    expect(text).toContain(`🗣 Отзыв клиента (${at}): ⭐⭐ 2/5`);
    expect(text).toContain('🔗 Клиент открыл бот заказа');
    expect(text).not.toContain('Сумма 3');

    expect((await answerAmountCheck(h.deps, { chatId, orderId: order.id, confirmed: false })).kind).toBe(
      'ok',
    );
    text = (await openCard(s, order.id)).text!;
    expect(text).toContain(`Сумма ${formatMoney(350_000)}: ⚠️ клиент говорит, что платил другую`);
  });

  it('shows a confirmed amount without stars', async () => {
    const city = await freshCity(h);
    const s = await h.staff('logist', [city.city.id]);
    const m = await createMaster(h.tdb.db, { cityId: city.city.id });
    const order = await orderIn(h, city, {
      status: 'closed',
      assignedMasterId: m.id,
      overrides: { total_amount_kopecks: 120_000 },
    });
    const chatId = await clientChat(order.id);
    await answerAmountCheck(h.deps, { chatId, orderId: order.id, confirmed: true });
    const at = await pinToReview(order.id);
    const text = (await openCard(s, order.id)).text!;
    expect(text).toContain(`🗣 Отзыв клиента (${at}): без оценки`);
    expect(text).toContain(`Сумма ${formatMoney(120_000)}: ✅ клиент подтвердил`);
  });
});

describe('master card: rating, acceptance, reviews', () => {
  async function offer(masterId: number, city: CityFixture, state: OfferState, daysAgo = 1) {
    const o = await orderIn(h, city, { status: 'searching' });
    const sent = new Date(Date.now() - daysAgo * 86_400_000);
    await h.tdb.db
      .insertInto('offers')
      .values({
        order_id: o.id,
        master_id: masterId,
        round_number: 1,
        state,
        sent_at: sent,
        expires_at: new Date(sent.getTime() + 120_000),
      })
      .execute();
  }

  async function reviewed(masterId: number, city: CityFixture, stars: number, amountOk?: boolean) {
    const o = await orderIn(h, city, {
      status: 'closed',
      assignedMasterId: masterId,
      overrides: { total_amount_kopecks: 200_000 },
    });
    const chatId = await clientChat(o.id);
    expect((await rateOrder(h.deps, { chatId, orderId: o.id, stars })).kind).toBe('ok');
    if (amountOk !== undefined)
      await answerAmountCheck(h.deps, { chatId, orderId: o.id, confirmed: amountOk });
    return o.id;
  }

  async function masterCard(s: Person, masterId: number) {
    const menu = await d.menu(s);
    await d.tap(s, menu.message_id, { data: encode('adminMasterOpen', { masterId }), unchecked: true });
    return d.shown(s, menu.message_id).text!;
  }

  it('shows the Bayesian rating with the number of reviews, the acceptance rate and the latest reviews of the staff member’s cities', async () => {
    const city = await freshCity(h);
    const other = await freshCity(h);
    const logist = await h.staff('logist', [city.city.id]);
    const admin = await h.staff('global_admin');
    const m = await createMaster(h.tdb.db, { cityId: city.city.id, fullName: 'Рейтинг Мастеров' });

    let text = await masterCard(logist, m.id);
    expect(text).toContain('⭐ Рейтинг: 4.50 (отзывов нет)');
    expect(text).toContain('📨 Принимает предложения: — (0 из 0 за 30 дней');
    expect(text).toContain('🗣 Отзывы клиентов: нет');

    const good = await reviewed(m.id, city, 5, true);
    const disputed = await reviewed(m.id, city, 3, false);
    const foreign = await reviewed(m.id, other, 1);
    const states: OfferState[] = ['accepted', 'accepted', 'accepted', 'declined', 'canceled', 'withdrawn'];
    for (const state of states) await offer(m.id, city, state);
    await offer(m.id, city, 'expired', 40); // outside the 30 days

    text = await masterCard(logist, m.id);
    expect(text).toContain(`⭐ Рейтинг: ${bayesianRating(9, 3).toFixed(2)} (3 отзыва)`);
    expect(text).toContain('📨 Принимает предложения: 75 % (3 из 4 за 30 дней');
    expect(text).toContain('🗣 Последние отзывы клиентов:');
    expect(text).toMatch(
      new RegExp(
        `• \\d\\d\\.\\d\\d\\.\\d{4} \\d\\d:\\d\\d, заказ #${disputed}: ⭐⭐⭐ 3/5 · ⚠️ сумма оспорена`,
      ),
    );
    expect(text).toMatch(new RegExp(`заказ #${good}: ⭐⭐⭐⭐⭐ 5/5 · сумма ✅`));
    // Newest first; the other city's review is not the logist's to read.
    expect(text.indexOf(`#${disputed}:`)).toBeLessThan(text.indexOf(`#${good}:`));
    expect(text).not.toContain(`#${foreign}`);

    const all = await masterCard(admin, m.id);
    expect(all).toMatch(new RegExp(`заказ #${foreign}: ⭐ 1/5`));
  });
});
