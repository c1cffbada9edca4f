import { CLIENT_CALLBACKS } from '@fs/domain';
import { createStaff } from '@fs/testkit';
import { sql } from 'kysely';
import { encode } from '../src/callbacks';
import { type ClientHarness, driver, newClient, orderWithLink, SMS_SECRET, startHarness } from './harness';

let h: ClientHarness;
let d: ReturnType<typeof driver>;

beforeAll(async () => {
  h = await startHarness();
  d = driver(h);
});
afterAll(() => h.close());

const chatRow = (chatId: number) =>
  h.tdb.db.selectFrom('client_chats').selectAll().where('chat_id', '=', chatId).executeTakeFirst();

describe('the notices’ buttons are this bot’s', () => {
  it('the sender’s callback data decode to the same actions', () => {
    expect(CLIENT_CALLBACKS.rate(12, 4)).toBe(encode('rate', { orderId: 12, stars: 4 }));
    expect(CLIENT_CALLBACKS.amount(12, true)).toBe(encode('amount', { orderId: 12, answer: 'y' }));
    expect(CLIENT_CALLBACKS.amount(12, false)).toBe(encode('amount', { orderId: 12, answer: 'n' }));
    expect(CLIENT_CALLBACKS.optOut(12)).toBe(encode('optOut', { orderId: 12 }));
    expect(CLIENT_CALLBACKS.status(12)).toBe(encode('status', { orderId: 12 }));
  });
});

describe('deep link', () => {
  it('binds the chat to the order, shows it and asks for the phone', async () => {
    const { orderId, token } = await orderWithLink(h);
    const u = newClient();
    const replies = await d.send(u, `/start ${token}`);
    expect(replies.map((m) => m.text)).toEqual([
      `👋 Здравствуйте! Это бот вашего заказа №${orderId}. Сюда придут уведомления о мастере и о визите.`,
      expect.stringContaining(
        `Заказ №${orderId} · ⚡ Электрика\nСтатус: 👷 Мастер назначен\nМастер: Иван\nВремя визита:`,
      ),
      '📱 Поделитесь номером телефона — тогда уведомления о следующих заказах будут приходить сюда, а не по SMS.',
    ]);
    expect(h.fake.replyKeyboard(h.token, u.id)?.keyboard).toEqual([
      [{ text: '📱 Поделиться номером', request_contact: true }],
    ]);
    const link = await h.tdb.db
      .selectFrom('order_client_links')
      .select(['chat_id', 'opened_at'])
      .where('order_id', '=', orderId)
      .executeTakeFirstOrThrow();
    expect(link.chat_id).toBe(u.id);
    expect(link.opened_at).not.toBeNull();
    expect(await chatRow(u.id)).toMatchObject({ tg_user_id: u.id, first_name: 'Анна', phone: null });
  });

  it('reused by the same chat: fine; forwarded to another chat: refused; expired; unknown', async () => {
    const { orderId, token } = await orderWithLink(h);
    const owner = newClient();
    await d.send(owner, `/start ${token}`);
    expect((await d.send(owner, `/start ${token}`))[0]!.text).toBe(`Заказ №${orderId} уже здесь.`);
    const stranger = newClient();
    expect((await d.send(stranger, `/start ${token}`)).map((m) => m.text)).toEqual([
      'Эта ссылка уже открыта в другом чате Telegram: уведомления по заказу приходят туда.',
    ]);

    const late = await orderWithLink(h);
    await h.tdb.db
      .updateTable('order_client_links')
      .set({ expires_at: sql<Date>`now() - interval '1 second'` })
      .where('order_id', '=', late.orderId)
      .execute();
    expect((await d.send(newClient(), `/start ${late.token}`)).map((m) => m.text)).toEqual([
      'Срок действия ссылки истёк. Если вопрос по заказу ещё актуален, свяжитесь с нами.',
    ]);
    expect((await d.send(newClient(), '/start nope-nope-nope-nope-nope')).map((m) => m.text)).toEqual([
      'Эта ссылка не найдена. Проверьте, что открыли её полностью, как в SMS.',
    ]);
  });

  it('/start alone lists the chat’s orders, or explains', async () => {
    const u = newClient();
    expect((await d.send(u, '/start')).map((m) => m.text)).toEqual([
      'Здравствуйте! Я присылаю уведомления о заказах Field Service. Откройте ссылку из SMS о вашем заказе.',
    ]);
    const { orderId, token } = await orderWithLink(h);
    await d.send(u, `/start ${token}`);
    const [list] = await d.send(u, '/start');
    expect(list!.text).toBe('Ваши заказы:');
    expect(d.buttons(u, list!.message_id)).toEqual([`Заказ №${orderId}`]);
  });
});

describe('contact button', () => {
  it('takes the client’s own number and removes the keyboard', async () => {
    const { token } = await orderWithLink(h);
    const u = newClient();
    await d.send(u, `/start ${token}`);
    const reply = await d.contact(u, '+7 (999) 000-44-55');
    expect(reply.text).toBe(
      '✅ Спасибо! Уведомления о заказах на номер +7*** *** ** 55 будут приходить сюда.',
    );
    expect(h.fake.replyKeyboard(h.token, u.id)).toBeNull();
    expect((await chatRow(u.id))?.phone).toBe('+79990004455');
  });

  it('refuses someone else’s contact and a non-Russian number', async () => {
    const u = newClient();
    expect((await d.contact(u, '+79990004466', u.id + 1)).text).toBe(
      'Пожалуйста, отправьте свой номер кнопкой «📱 Поделиться номером».',
    );
    expect((await d.contact(u, '+44 20 7946 0958')).text).toBe(
      'Этот номер не похож на российский мобильный. Уведомления по нему не отправляются.',
    );
    expect((await chatRow(u.id))?.phone ?? null).toBeNull();
  });
});

describe('feedback', () => {
  it('stars then the amount: the card updates, the rating moves, a low rating alerts staff', async () => {
    const staff = await createStaff(h.tdb.db, { role: 'logist', cityIds: [h.moscow.city.id] });
    const { orderId, token, masterId } = await orderWithLink(h, { status: 'payment' });
    const u = newClient();
    const replies = await d.send(u, `/start ${token}`);
    const card = replies[1]!;
    expect(card.text).toContain(
      'Статус: ✅ Выполнен\nМастер: Иван\n\nОцените, пожалуйста, работу мастера:\nСумма к оплате была 3\u00a0500\u00a0₽?',
    );
    expect(d.buttons(u, card.message_id)).toEqual([
      '1 ⭐',
      '2 ⭐',
      '3 ⭐',
      '4 ⭐',
      '5 ⭐',
      '✅ Да',
      '✖️ Нет, другая',
      '🔄 Обновить',
      '🔕 Не присылать уведомления',
    ]);

    expect(await d.tap(u, card.message_id, { text: '2 ⭐' })).toMatchObject({
      text: 'Спасибо! Ваша оценка: ⭐⭐',
    });
    expect(d.message(u, card.message_id).text).toContain(
      'Ваша оценка: ⭐⭐\nСумма к оплате была 3\u00a0500\u00a0₽?',
    );
    expect(d.buttons(u, card.message_id)).toEqual([
      '✅ Да',
      '✖️ Нет, другая',
      '🔄 Обновить',
      '🔕 Не присылать уведомления',
    ]);
    const m = await h.tdb.db
      .selectFrom('masters')
      .select(['rating', 'reviews_count'])
      .where('id', '=', masterId)
      .executeTakeFirstOrThrow();
    expect(m).toEqual({ rating: '4.08', reviews_count: 1 }); // (22.5 + 2) / 6

    expect(await d.tap(u, card.message_id, { text: '✖️ Нет, другая' })).toMatchObject({
      text: 'Спасибо, мы разберёмся.',
    });
    expect(d.message(u, card.message_id).text).toContain(
      'Вы отметили, что сумма другая — мы разберёмся.\nСпасибо за отзыв!',
    );
    expect(d.buttons(u, card.message_id)).toEqual(['🔄 Обновить', '🔕 Не присылать уведомления']);

    const alerts = await h.tdb.db
      .selectFrom('notifications_outbox')
      .select(['staff_user_id', 'payload'])
      .where('event', '=', 'review_alert')
      .where('order_id', '=', orderId)
      .orderBy('id')
      .execute();
    expect(
      alerts.filter((a) => a.staff_user_id === staff.id).map((a) => (a.payload as { reason: string }).reason),
    ).toEqual(['low_rating', 'amount_disputed']);
  });

  it('a forged button for another chat’s order, or before the order is done, changes nothing', async () => {
    const theirs = await orderWithLink(h, { status: 'closed' });
    const owner = newClient();
    await d.send(owner, `/start ${theirs.token}`);
    const mine = await orderWithLink(h, { status: 'en_route' });
    const u = newClient();
    const card = (await d.send(u, `/start ${mine.token}`))[1]!;
    expect(
      await d.tap(u, card.message_id, {
        data: encode('rate', { orderId: theirs.orderId, stars: 1 }),
        unchecked: true,
      }),
    ).toEqual(expect.objectContaining({ text: 'Этот заказ не привязан к этому чату.', show_alert: true }));
    expect(
      await d.tap(u, card.message_id, {
        data: encode('rate', { orderId: mine.orderId, stars: 5 }),
        unchecked: true,
      }),
    ).toEqual(
      expect.objectContaining({
        text: 'Оценить можно после того, как мастер завершит заказ.',
        show_alert: true,
      }),
    );
    expect(await d.tap(u, card.message_id, { data: 'c:rs:1:9', unchecked: true })).toMatchObject({
      text: 'Кнопка устарела.',
    });
    expect(
      await h.tdb.db
        .selectFrom('reviews')
        .select('id')
        .where('order_id', 'in', [theirs.orderId, mine.orderId])
        .execute(),
    ).toEqual([]);
  });
});

describe('notices off and on', () => {
  it('🔕 turns the chat and the order’s phone off; 🔔 on again', async () => {
    const { token } = await orderWithLink(h, { phone: '+79990006677' });
    const u = newClient();
    const card = (await d.send(u, `/start ${token}`))[1]!;
    expect(await d.tap(u, card.message_id, { text: '🔕 Не присылать уведомления' })).toMatchObject({
      text: 'Уведомления отключены',
    });
    const off = d.last(u);
    expect(off.text).toBe(
      '🔕 Уведомления отключены. Мы больше не будем писать вам о заказах — ни здесь, ни по SMS.',
    );
    expect((await chatRow(u.id))?.opted_out_at).not.toBeNull();
    const phone = await h.tdb.db
      .selectFrom('client_phones')
      .selectAll()
      .where('phone', '=', '+79990006677')
      .executeTakeFirst();
    expect(phone?.opted_out_at).not.toBeNull();

    await d.tap(u, off.message_id, { text: '🔔 Включить уведомления' });
    expect(d.last(u).text).toBe('🔔 Уведомления снова включены.');
    expect((await chatRow(u.id))?.opted_out_at).toBeNull();
    const after = await h.tdb.db
      .selectFrom('client_phones')
      .selectAll()
      .where('phone', '=', '+79990006677')
      .executeTakeFirst();
    expect(after?.opted_out_at).toBeNull();
  });

  it('"STOP" typed in the chat turns notices off', async () => {
    const { token } = await orderWithLink(h);
    const u = newClient();
    await d.send(u, `/start ${token}`);
    expect((await d.send(u, 'СТОП')).map((m) => m.text)).toEqual([
      '🔕 Уведомления отключены. Мы больше не будем писать вам о заказах — ни здесь, ни по SMS.',
    ]);
    expect((await chatRow(u.id))?.opted_out_at).not.toBeNull();
  });
});

describe('a client who blocked the bot', () => {
  it('is reachable again once they write to it', async () => {
    const { token } = await orderWithLink(h);
    const u = newClient();
    await d.send(u, `/start ${token}`);
    // What the sender records on a 403 "bot was blocked by the user".
    await h.tdb.db
      .updateTable('client_chats')
      .set({ unreachable_at: new Date() })
      .where('chat_id', '=', u.id)
      .execute();
    expect((await chatRow(u.id))?.unreachable_at).not.toBeNull();

    await d.send(u, '/start');
    expect((await chatRow(u.id))?.unreachable_at).toBeNull();
  });
});

describe('status', () => {
  it('📋 sends the card; another chat’s order is not found', async () => {
    const { orderId, token } = await orderWithLink(h, { status: 'en_route' });
    const u = newClient();
    const card = (await d.send(u, `/start ${token}`))[1]!;
    await d.tap(u, card.message_id, { text: '🔄 Обновить' });
    expect(d.message(u, card.message_id).text).toContain('Статус: 🚗 Мастер едет к вам');
    const other = await orderWithLink(h);
    expect(
      await d.tap(u, card.message_id, {
        data: encode('status', { orderId: other.orderId }),
        unchecked: true,
      }),
    ).toMatchObject({ text: 'Заказ не найден в этом чате.', show_alert: true });
    await d.tap(u, card.message_id, { data: encode('status', { orderId }), unchecked: true });
    expect(d.last(u).text).toContain(`Заказ №${orderId}`);
  });
});

describe('only private chats', () => {
  it('a group gets one refusal for a command and nothing else', async () => {
    const u = newClient();
    const group = -1_000_000_123;
    await h.fake.userSendsText(h.token, u, '/start abc', { chatId: group });
    await h.fake.userSendsText(h.token, u, 'привет', { chatId: group });
    await h.cb.running.idle();
    const sent = h.fake.sentMessages(h.token, group);
    expect(sent.map((m) => m.text)).toEqual(['Я работаю только в личном чате.']);
  });
});

describe('STOP by SMS', () => {
  const post = (secret: string, body: string) =>
    fetch(`${h.cb.httpUrl}/sms/inbound/${secret}`, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body,
    });

  it('opts the number out; a wrong secret is 404; other texts change nothing', async () => {
    expect((await post('wrong-secret-wrong-secret', 'phone=79990009911&mes=STOP')).status).toBe(404);
    expect((await post(SMS_SECRET, 'phone=79990009911&mes=Спасибо')).status).toBe(200);
    expect(
      await h.tdb.db
        .selectFrom('client_phones')
        .selectAll()
        .where('phone', '=', '+79990009911')
        .executeTakeFirst(),
    ).toBeUndefined();
    const res = await post(SMS_SECRET, 'phone=79990009911&mes=STOP&to=79000000000');
    expect(res.status).toBe(200);
    expect(await res.text()).toBe('OK');
    const row = await h.tdb.db
      .selectFrom('client_phones')
      .selectAll()
      .where('phone', '=', '+79990009911')
      .executeTakeFirstOrThrow();
    expect(row.opted_out_at).not.toBeNull();
    expect((await post(SMS_SECRET, 'garbage')).status).toBe(200);
  });
});
