import { NOTIFICATION_EVENTS } from '../enums';
import type { EscalationPayload, NewOfferPayload, OrderSnapshot } from './payloads';
import { describeRecipient, hasTemplate, NOTIFICATION_EVENT_LABELS, renderNotification } from './templates';

// 10:00 UTC = 13:00 in Moscow, 20:00 in Vladivostok.
const now = new Date('2026-11-24T10:00:00Z');
const inSeconds = (s: number) => new Date(now.getTime() + s * 1000).toISOString();

const order: OrderSnapshot = {
  order_id: 123,
  city: 'Москва',
  timezone: 'Europe/Moscow',
  district: 'ЦАО',
  street: 'Тверская',
  category: 'electrics',
  description: 'Не работает розетка',
  timeslot_start: '2026-11-24T11:00:00Z',
  timeslot_end: '2026-11-24T13:00:00Z',
  is_asap: false,
  type: 'normal',
};
const offer: NewOfferPayload = { ...order, offer_id: 77, expires_at: inSeconds(120) };
const OFFER_BUTTONS = [
  [
    { text: '✅ Принять', callback_data: 'm:oa:77' },
    { text: '✖️ Отказаться', callback_data: 'm:od:77' },
  ],
];
const OPEN_ORDER = [[{ text: '📂 Открыть заказ', callback_data: 'a:o:123' }]];

describe('new_offer', () => {
  it('renders the push with time left and the accept/decline buttons', () => {
    expect(renderNotification('new_offer', offer, now)).toEqual({
      text: [
        '<b>🆕 Новый заказ #123</b>',
        '',
        '📍 Москва, ЦАО',
        '⏰ сегодня 14:00–16:00',
        '🛠 ⚡ Электрика',
        '📝 Не работает розетка',
        '⏳ Ответьте в течение 2 мин',
        '',
        'Примите заказ кнопкой ниже или откройте бот.',
      ].join('\n'),
      buttons: OFFER_BUTTONS,
    });
  });

  it('says how far this master is when both points were known at offer time (issue 18)', () => {
    const text = renderNotification('new_offer', { ...offer, distance_m: 3240 }, now).text;
    expect(text).toContain(
      '\n📝 Не работает розетка\n🧭 ≈ 3,2\u00a0км от вас\n⏳ Ответьте в течение 2 мин\n',
    );
    expect(renderNotification('new_offer', { ...offer, distance_m: null }, now).text).not.toContain(
      'км от вас',
    );
  });

  it('shows the slot in the city zone: Vladivostok vs Moscow', () => {
    const slot = { timeslot_start: '2026-11-24T15:00:00Z', timeslot_end: '2026-11-24T17:00:00Z' };
    const moscow = renderNotification('new_offer', { ...offer, ...slot }, now).text;
    const vlad = renderNotification(
      'new_offer',
      { ...offer, ...slot, city: 'Владивосток', timezone: 'Asia/Vladivostok', district: 'Ленинский' },
      now,
    ).text;
    expect(moscow).toContain('\n⏰ сегодня 18:00–20:00\n');
    expect(vlad).toContain('\n📍 Владивосток, Ленинский\n⏰ завтра 01:00–03:00\n');
  });

  it('shows a date when the slot is not today or tomorrow', () => {
    const text = renderNotification(
      'new_offer',
      { ...offer, timeslot_start: '2026-11-27T06:00:00Z', timeslot_end: '2026-11-27T08:00:00Z' },
      now,
    ).text;
    expect(text).toContain('\n⏰ 27.11 09:00–11:00\n');
  });

  it('says "как можно скорее", "не указано" and "не указан" for missing data', () => {
    const asap = renderNotification(
      'new_offer',
      { ...offer, is_asap: true, timeslot_start: null, timeslot_end: null },
      now,
    );
    expect(asap.text).toContain('\n⏰ как можно скорее\n');
    const bare = renderNotification(
      'new_offer',
      { ...offer, district: null, timeslot_start: null, timeslot_end: null, description: '  ' },
      now,
    );
    expect(bare.text).toBe(
      [
        '<b>🆕 Новый заказ #123</b>',
        '',
        '📍 Москва, не указан',
        '⏰ не указано',
        '🛠 ⚡ Электрика',
        '⏳ Ответьте в течение 2 мин',
        '',
        'Примите заказ кнопкой ниже или откройте бот.',
      ].join('\n'),
    );
  });

  it('escapes user text and truncates a long description', () => {
    const text = renderNotification(
      'new_offer',
      { ...offer, description: '<script>alert(1)</script> & "x"', district: 'Р<н>' },
      now,
    ).text;
    expect(text).toContain('\n📝 &lt;script&gt;alert(1)&lt;/script&gt; &amp; &quot;x&quot;\n');
    expect(text).toContain('\n📍 Москва, Р&lt;н&gt;\n');
    const long = renderNotification('new_offer', { ...offer, description: 'я'.repeat(400) }, now).text;
    expect(long).toContain(`\n📝 ${'я'.repeat(299)}…\n`);
  });

  it('computes the time left at render time', () => {
    expect(renderNotification('new_offer', { ...offer, expires_at: inSeconds(90) }, now).text).toContain(
      '\n⏳ Ответьте в течение 1 мин 30 сек\n',
    );
    expect(renderNotification('new_offer', { ...offer, expires_at: inSeconds(45) }, now).text).toContain(
      '\n⏳ Ответьте в течение 45 сек\n',
    );
  });

  it('marks guarantee orders', () => {
    const text = renderNotification(
      'new_offer',
      { ...offer, type: 'guarantee', category: 'plumbing' },
      now,
    ).text;
    expect(text).toContain('\n🛠 🚰 Сантехника\n🛡 Гарантийный заказ\n');
  });

  it('has no buttons once the offer has expired', () => {
    const r = renderNotification('new_offer', { ...offer, expires_at: inSeconds(-1) }, now);
    expect(r.buttons).toBeUndefined();
    expect(r.text.endsWith('\n📝 Не работает розетка\n⌛ Время на ответ истекло')).toBe(true);
  });
});

describe('offer_closed', () => {
  const lines = ['📍 Москва, ЦАО', '⏰ сегодня 14:00–16:00', '🛠 ⚡ Электрика', '📝 Не работает розетка'];
  it.each([
    ['expired', '⌛ Время на ответ истекло'],
    ['taken', '🔒 Заказ взят другим мастером'],
    ['canceled', '❌ Заказ отменён'],
    ['declined', '✖️ Вы отказались'],
    ['accepted', '✅ Вы приняли заказ'],
    ['withdrawn', '📭 Уведомление не дошло вовремя, предложение снято. Заказ может прийти вам снова'],
  ] as const)('%s: the order lines and why, no buttons', (reason, why) => {
    expect(renderNotification('offer_closed', { offer_id: 77, order_id: 123, reason, order }, now)).toEqual({
      text: ['<b>Заказ #123</b>', '', ...lines, '', why].join('\n'),
    });
  });
  it('without the order snapshot still says why', () => {
    expect(
      renderNotification('offer_closed', { offer_id: 77, order_id: 123, reason: 'taken' }, now).text,
    ).toBe('<b>Заказ #123</b>\n\n🔒 Заказ взят другим мастером');
  });
});

describe('staff notifications', () => {
  const esc: EscalationPayload = { ...order, district: null, reason: 'rounds_exhausted', rounds_used: 2 };

  it('escalation_logist', () => {
    expect(renderNotification('escalation_logist', esc, now)).toEqual({
      text: [
        '<b>⚠️ Эскалация заявки #123</b>',
        '',
        '🏙 Город: Москва',
        '📍 Район: не указан',
        '⏰ Время: сегодня 14:00–16:00',
        '🛠 Категория: ⚡ Электрика',
        '❓ Причина: Мастера не приняли заказ за 2 раунда',
        '',
        'Заявка долго не назначена. Требуется вмешательство логиста.',
      ].join('\n'),
      buttons: OPEN_ORDER,
    });
  });

  it('escalation_admin', () => {
    expect(
      renderNotification('escalation_admin', { ...esc, reason: 'no_candidates', district: 'ЦАО' }, now),
    ).toEqual({
      text: [
        '<b>🚨 Критичная эскалация #123</b>',
        '',
        '🏙 Город: Москва',
        '📍 Район: ЦАО',
        '⏰ Время: сегодня 14:00–16:00',
        '🛠 Категория: ⚡ Электрика',
        '❓ Причина: Нет подходящих свободных мастеров',
        '',
        'Заявка долго без мастера. Требуется срочное вмешательство администратора.',
      ].join('\n'),
      buttons: OPEN_ORDER,
    });
    expect(renderNotification('escalation_admin', { ...esc, reason: 'no_district' }, now).text).toContain(
      '❓ Причина: Не указан район, автораспределение невозможно',
    );
  });

  it('order_assigned', () => {
    expect(
      renderNotification('order_assigned', { ...order, master_id: 7, master_name: 'Иван <Пётр>' }, now),
    ).toEqual({
      text: [
        '<b>✅ Мастер назначен на заказ #123</b>',
        '',
        '📍 Москва, ЦАО',
        '⏰ сегодня 14:00–16:00',
        '🛠 ⚡ Электрика',
        '📝 Не работает розетка',
        '👷 Мастер: Иван &lt;Пётр&gt; (#7)',
      ].join('\n'),
      buttons: OPEN_ORDER,
    });
  });

  it('delivery_failed', () => {
    expect(
      renderNotification(
        'delivery_failed',
        {
          outbox_id: 42,
          event: 'new_offer',
          recipient: 'мастер Иван (#7)',
          error: '500: Internal <Server> Error',
        },
        now,
      ),
    ).toEqual({
      text: [
        '<b>❗ Сообщение не доставлено</b>',
        '',
        'Событие: Новый заказ (пуш мастеру)',
        'Получатель: мастер Иван (#7)',
        'Ошибка: 500: Internal &lt;Server&gt; Error',
        'Запись outbox: #42',
      ].join('\n'),
    });
  });

  it('recipient_unreachable', () => {
    expect(
      renderNotification(
        'recipient_unreachable',
        {
          recipient_kind: 'master',
          recipient_id: 7,
          recipient_name: 'Иван',
          error: '403: Forbidden: bot was blocked by the user',
        },
        now,
      ),
    ).toEqual({
      text: [
        '<b>📵 Получатель недоступен</b>',
        '',
        'Мастер Иван (#7) заблокировал бота или удалил аккаунт.',
        'Сообщения ему не доставляются, новые заказы ему не предлагаются, пока он снова не откроет бот.',
        'Ошибка: 403: Forbidden: bot was blocked by the user',
      ].join('\n'),
    });
    expect(
      renderNotification(
        'recipient_unreachable',
        { recipient_kind: 'staff', recipient_id: 3, recipient_name: 'Ольга', error: 'x' },
        now,
      ).text,
    ).toContain(
      'Сотрудник Ольга (#3) заблокировал бота или удалил аккаунт.\nСообщения ему не доставляются, пока',
    );
  });

  it('staff_message escapes both the author and the text', () => {
    expect(
      renderNotification('staff_message', { from: 'Админ <Оля>', text: 'Привет & <b>пока</b>' }, now),
    ).toEqual({
      text: '<b>✉️ Сообщение от Админ &lt;Оля&gt;</b>\n\nПривет &amp; &lt;b&gt;пока&lt;/b&gt;',
    });
  });
});

describe('master account notifications', () => {
  it.each([
    [
      'moderation_approved',
      {},
      '<b>✅ Анкета одобрена!</b>\n\nВаша анкета проверена и одобрена. Теперь вы можете получать заказы.',
    ],
    [
      'moderation_rejected',
      { reason: 'Нет фото <паспорта>' },
      '<b>❌ Анкета отклонена</b>\n\nПричина: Нет фото &lt;паспорта&gt;\n\nИсправьте данные и отправьте анкету заново.',
    ],
    [
      'account_blocked',
      { reason: '' },
      '<b>🚫 Аккаунт заблокирован</b>\n\nПричина: не указана\n\nСвяжитесь с администрацией для разблокировки.',
    ],
    [
      'account_unblocked',
      {},
      '<b>🔓 Аккаунт разблокирован</b>\n\nВаш аккаунт снова активен. Можете продолжать работу.',
    ],
    ['limit_changed', { limit: 3 }, '<b>📦 Изменён лимит активных заказов</b>\n\nНовый лимит: 3'],
  ] as const)('%s', (event, payload, text) => {
    // biome-ignore lint/suspicious/noExplicitAny: table-driven over several payload types
    expect(renderNotification(event, payload as any, now)).toEqual({ text });
  });
});

describe('coverage of events', () => {
  it('knows which events have templates and labels every event', () => {
    expect(hasTemplate('new_offer')).toBe(true);
    expect(hasTemplate('toString')).toBe(false);
    expect(Object.keys(NOTIFICATION_EVENT_LABELS).sort()).toEqual([...NOTIFICATION_EVENTS].sort());
  });
  it('throws for an event without a template', () => {
    // biome-ignore lint/suspicious/noExplicitAny: deliberately wrong
    expect(() => renderNotification('nope' as any, {} as any, now)).toThrow('no template');
  });
});

describe('describeRecipient', () => {
  it('names masters, staff and chats for staff alerts', () => {
    expect(describeRecipient({ kind: 'master', id: 7, name: 'Иван' })).toBe('мастер Иван (#7)');
    expect(describeRecipient({ kind: 'staff', id: 3, name: ' ' })).toBe('сотрудник без имени (#3)');
    expect(describeRecipient({ kind: 'chat', id: -100123 })).toBe('чат -100123');
  });
});

describe('commission and referral notifications', () => {
  it('commission_due shows the amount and the deadline in the city zone with time left', () => {
    expect(
      renderNotification(
        'commission_due',
        {
          commission_id: 5,
          order_id: 123,
          amount_kopecks: 150_000,
          deadline_at: '2026-11-24T12:30:00Z',
          timezone: 'Asia/Vladivostok',
        },
        now,
      ),
    ).toEqual({
      text: [
        '<b>⏰ Оплатите комиссию</b>',
        '',
        'Заказ #123: комиссия 1\u00a0500\u00a0₽.',
        'Срок оплаты: сегодня 22:30 (осталось 2 ч 30 мин).',
        '',
        'Если не оплатить в срок, аккаунт будет заблокирован до оплаты.',
      ].join('\n'),
    });
  });

  it('commission_overdue has a master text and a staff text', () => {
    const base = {
      commission_id: 5,
      order_id: 123,
      amount_kopecks: 150_050,
      master_id: 7,
      master_name: 'Иван & Ко',
    };
    expect(renderNotification('commission_overdue', { ...base, audience: 'master' }, now)).toEqual({
      text: [
        '<b>🚫 Комиссия просрочена</b>',
        '',
        'Комиссия 1\u00a0500,50\u00a0₽ по заказу #123 не оплачена в срок.',
        'Аккаунт заблокирован: новые заказы не поступают.',
        '',
        'Оплатите комиссию и отправьте подтверждение в боте — после проверки аккаунт разблокируют.',
      ].join('\n'),
    });
    expect(renderNotification('commission_overdue', { ...base, audience: 'staff' }, now)).toEqual({
      text: [
        '<b>🚫 Просрочка комиссии #5</b>',
        '',
        'Заказ: #123',
        'Мастер: Иван &amp; Ко (#7)',
        'Сумма: 1\u00a0500,50\u00a0₽',
        '',
        'Мастер заблокирован до оплаты.',
      ].join('\n'),
      buttons: OPEN_ORDER,
    });
  });

  it('referral_registered and referral_reward', () => {
    expect(renderNotification('referral_registered', { referred_name: 'Пётр <new>' }, now).text).toBe(
      '<b>🎉 Новый реферал!</b>\n\nПо вашему коду зарегистрировался мастер Пётр &lt;new&gt;.\n\nВы будете получать бонус с каждого его заказа.',
    );
    expect(
      renderNotification('referral_reward', { amount_kopecks: 25_000, level: 2, order_id: 9 }, now).text,
    ).toBe('<b>💰 Начислен реферальный бонус</b>\n\nСумма: 250\u00a0₽\nУровень: 2\nЗаказ: #9');
  });

  it('unassigned_orders lists the orders, capped', () => {
    expect(
      renderNotification('unassigned_orders', { city: 'Москва', minutes: 10, order_ids: [12, 15] }, now).text,
    ).toBe('<b>⚠️ Заявки без мастера: 2</b>\n\n🏙 Город: Москва\nБез мастера дольше 10 мин: #12, #15');
    const many = Array.from({ length: 25 }, (_, i) => i + 1);
    expect(
      renderNotification('unassigned_orders', { city: null, minutes: 10, order_ids: many }, now).text,
    ).toMatch(/^<b>⚠️ Заявки без мастера: 25<\/b>\n\nБез мастера дольше 10 мин: #1, .*, #20 и ещё 5$/);
  });
});

describe('moderation, commission check and order change notifications', () => {
  const now = new Date('2026-11-24T10:00:00Z');
  it('moderation_submitted names the master and opens the profile', () => {
    const r = renderNotification(
      'moderation_submitted',
      { master_id: 7, master_name: 'Иван <b>', city: 'Москва', phone: '+79991234567', resubmitted: true },
      now,
    );
    expect(r.text).toContain('Анкета исправлена и отправлена повторно');
    expect(r.text).toContain('Иван &lt;b&gt; (#7)');
    expect(r.buttons).toEqual([[{ text: '📂 Открыть анкету', callback_data: 'a:mo:7' }]]);
  });
  it('commission_reported opens the commission; rejected tells why and links to finance', () => {
    const rep = renderNotification(
      'commission_reported',
      { commission_id: 3, order_id: 9, amount_kopecks: 150_000, master_id: 7, master_name: 'Иван' },
      now,
    );
    expect(rep.text).toContain('комиссии #3');
    expect(rep.buttons).toEqual([[{ text: '📂 Открыть комиссию', callback_data: 'a:fo:3' }]]);
    const rej = renderNotification(
      'commission_rejected',
      { commission_id: 3, order_id: 9, amount_kopecks: 150_000, reason: 'чек нечитаем' },
      now,
    );
    expect(rej.text).toContain('Причина: чек нечитаем');
    expect(rej.buttons).toEqual([[{ text: '💳 Финансы', callback_data: 'm:kf' }]]);
  });
  it('order_rescheduled shows the new slot in the city zone', () => {
    const r = renderNotification(
      'order_rescheduled',
      {
        order_id: 5,
        timeslot_start: '2026-11-25T07:00:00Z',
        timeslot_end: '2026-11-25T10:00:00Z',
        is_asap: false,
        timezone: 'Europe/Moscow',
      },
      now,
    );
    expect(r.text).toContain('Заказ #5 перенесён');
    expect(r.text).toContain('10:00');
  });
});

describe('long input (issue 14 item 3)', () => {
  /** Characters that HTML escaping makes 4-5 times longer. */
  const wide = (n: number) => '&<'.repeat(n).slice(0, n);

  it('a staff message of 3,500 escaped characters is cut with "…" to fit; the heading stays', () => {
    const { text } = renderNotification(
      'staff_message',
      { from: `Админ ${wide(120)}`, text: wide(3500) },
      now,
    );
    expect(text.length).toBeLessThanOrEqual(4096);
    expect(text).toMatch(/^<b>✉️ Сообщение от Админ (&amp;|&lt;)+…?<\/b>\n\n(&amp;|&lt;)+…$/);
  });

  it('a districts list of every district of a big city fits; short names are not cut', () => {
    const values = Array.from({ length: 150 }, (_, i) => `Район ${i} ${wide(60)}`);
    const { text } = renderNotification('profile_updated', { field: 'districts', values }, now);
    expect(text.length).toBeLessThanOrEqual(4096);
    expect(text).toContain('Район 29 ');
    expect(text).toContain(' и ещё 120\n\nЗаказы будут предлагаться с учётом изменений.');
    expect(text).toContain('…');
  });

  it('a cancel reason and an order snapshot at their longest still fit', () => {
    const canceled = renderNotification('order_canceled', { order_id: 1, reason: wide(5000) }, now);
    expect(canceled.text.length).toBeLessThanOrEqual(4096);
    expect(canceled.text.startsWith('<b>❌ Заказ #1 снят с вас</b>\n\nПричина: ')).toBe(true);
    const push = renderNotification(
      'new_offer',
      { ...offer, city: wide(2000), district: wide(2000), street: wide(2000), description: wide(2000) },
      now,
    );
    expect(push.text.length).toBeLessThanOrEqual(4096);
    expect(push.text).toContain('⏳ Ответьте в течение 2 мин');
    expect(push.buttons).toEqual(OFFER_BUTTONS);
  });
});
