import { CLIENT_EVENTS } from '../enums';
import { clientDeepLink, renderClientSms } from './client';
import type {
  ClientFeedbackRequestPayload,
  ClientMasterEnRoutePayload,
  ClientNoticeBase,
  ClientOrderAcceptedPayload,
  ClientOrderRescheduledPayload,
  ReviewAlertPayload,
} from './payloads';
import { hasTemplate, renderNotification } from './templates';

// 10:00 UTC = 13:00 in Moscow.
const now = new Date('2026-12-05T10:00:00Z');
const base: ClientNoticeBase = {
  order_id: 123,
  link_token: 'tok_ABCdef123',
  timezone: 'Europe/Moscow',
  support_phone: null,
};
const accepted: ClientOrderAcceptedPayload = {
  ...base,
  master_first_name: 'Иван',
  master_phone_masked: '+7*** *** ** 67',
  category: 'electrics',
  timeslot_start: '2026-12-05T11:00:00Z',
  timeslot_end: '2026-12-05T13:00:00Z',
  is_asap: false,
  replaced: false,
};
const LINK = clientDeepLink('fs_client_bot', base.link_token);
const OPT_OUT = [{ text: '🔕 Не присылать уведомления', callback_data: 'c:off:123' }];
const STATUS = [{ text: '📋 Статус заказа', callback_data: 'c:st:123' }];

describe('client notices in Telegram', () => {
  it('every client event has a Telegram template', () => {
    for (const e of CLIENT_EVENTS) expect(hasTemplate(e)).toBe(true);
  });

  it('accepted: master first name, slot in the city zone, masked phone', () => {
    expect(renderNotification('client_order_accepted', accepted, now)).toEqual({
      text: [
        '<b>👷 Мастер назначен — заказ №123</b>',
        '',
        'Мастер: Иван',
        '🛠 ⚡ Электрика',
        '⏰ Время визита: сегодня 14:00–16:00',
        '📞 Мастер позвонит вам с номера +7*** *** ** 67',
      ].join('\n'),
      buttons: [STATUS, OPT_OUT],
    });
  });

  it('accepted without the master phone, for another master, escaped name', () => {
    const r = renderNotification(
      'client_order_accepted',
      { ...accepted, master_first_name: 'Иван<b>', master_phone_masked: null, replaced: true, is_asap: true },
      now,
    );
    expect(r.text).toBe(
      [
        '<b>👷 Назначен другой мастер — заказ №123</b>',
        '',
        'Мастер: Иван&lt;b&gt;',
        '🛠 ⚡ Электрика',
        '⏰ Время визита: как можно скорее',
        '📞 Мастер позвонит вам перед визитом.',
      ].join('\n'),
    );
  });

  it('accepted in Novosibirsk shows Novosibirsk time', () => {
    const r = renderNotification('client_order_accepted', { ...accepted, timezone: 'Asia/Novosibirsk' }, now);
    expect(r.text).toContain('⏰ Время визита: сегодня 18:00–20:00');
  });

  it('en route, with and without the arrival estimate', () => {
    const p: ClientMasterEnRoutePayload = { ...base, master_first_name: 'Иван' };
    expect(renderNotification('client_master_en_route', p, now)).toEqual({
      text: '<b>🚗 Мастер Иван едет к вам</b>\n\nЗаказ №123.',
      buttons: [OPT_OUT],
    });
    expect(renderNotification('client_master_en_route', { ...p, eta_minutes: 25 }, now).text).toBe(
      '<b>🚗 Мастер Иван едет к вам</b>\n\nЗаказ №123. Будет примерно через 25 мин.',
    );
    expect(
      renderNotification('client_master_en_route', { ...p, eta_minutes: 15, eta_max_minutes: 30 }, now).text,
    ).toBe('<b>🚗 Мастер Иван едет к вам</b>\n\nЗаказ №123. Будет примерно через 15–30 мин.');
    // A meaningless estimate is not said.
    expect(
      renderNotification('client_master_en_route', { ...p, eta_minutes: 0, eta_max_minutes: 10 }, now).text,
    ).toBe('<b>🚗 Мастер Иван едет к вам</b>\n\nЗаказ №123.');
  });

  it('reads right for any master: "едет", "работу мастера" (no gendered "выехал", "его")', () => {
    const p: ClientMasterEnRoutePayload = { ...base, master_first_name: 'Ольга', eta_minutes: 25 };
    expect(renderNotification('client_master_en_route', p, now).text).toBe(
      '<b>🚗 Мастер Ольга едет к вам</b>\n\nЗаказ №123. Будет примерно через 25 мин.',
    );
    expect(renderClientSms('client_master_en_route', p, now, null)).toBe(
      'Заказ №123: мастер Ольга едет к вам, будет через ~25 мин.',
    );
    const done: ClientFeedbackRequestPayload = { ...base, master_first_name: 'Ольга', amount_kopecks: null };
    expect(renderNotification('client_feedback_request', done, now).text).toContain(
      'Мастер: Ольга. Оцените, пожалуйста, работу мастера:',
    );
  });

  it('rescheduled', () => {
    const p: ClientOrderRescheduledPayload = {
      ...base,
      timeslot_start: '2026-12-06T07:00:00Z',
      timeslot_end: '2026-12-06T10:00:00Z',
      is_asap: false,
    };
    expect(renderNotification('client_order_rescheduled', p, now)).toEqual({
      text: '<b>🔁 Время визита изменено</b>\n\nЗаказ №123: новое время — завтра 10:00–13:00.',
      buttons: [OPT_OUT],
    });
  });

  it('cancelled, with and without the support phone', () => {
    expect(renderNotification('client_order_canceled', base, now)).toEqual({
      text: '<b>❌ Заказ №123 отменён</b>\n\nЕсли это ошибка, свяжитесь с нами.',
    });
    expect(
      renderNotification('client_order_canceled', { ...base, support_phone: '+7 800 555-35-35' }, now).text,
    ).toBe('<b>❌ Заказ №123 отменён</b>\n\nЕсли это ошибка, позвоните нам: +7 800 555-35-35');
  });

  it('feedback request: stars and the amount check', () => {
    const p: ClientFeedbackRequestPayload = { ...base, master_first_name: 'Иван', amount_kopecks: 350_000 };
    expect(renderNotification('client_feedback_request', p, now)).toEqual({
      text: [
        '<b>✅ Заказ №123 выполнен</b>',
        '',
        'Мастер: Иван. Оцените, пожалуйста, работу мастера:',
        '',
        'Сумма к оплате была 3\u00a0500\u00a0₽?',
      ].join('\n'),
      buttons: [
        [1, 2, 3, 4, 5].map((n) => ({ text: `${n} ⭐`, callback_data: `c:rs:123:${n}` })),
        [
          { text: '✅ Да', callback_data: 'c:ra:123:y' },
          { text: '✖️ Нет, другая', callback_data: 'c:ra:123:n' },
        ],
      ],
    });
  });

  it('feedback request for a guarantee order asks no amount', () => {
    const r = renderNotification(
      'client_feedback_request',
      { ...base, master_first_name: 'Иван', amount_kopecks: null },
      now,
    );
    expect(r.text).not.toContain('Сумма');
    expect(r.buttons).toHaveLength(1);
  });
});

describe('client notices by SMS', () => {
  it('builds the deep link from the bot username', () => {
    expect(LINK).toBe('t.me/fs_client_bot?start=tok_ABCdef123');
    expect(clientDeepLink('@fs_client_bot', 'x')).toBe('t.me/fs_client_bot?start=x');
    expect(clientDeepLink(null, 'x')).toBeNull();
  });

  it('accepted', () => {
    expect(renderClientSms('client_order_accepted', accepted, now, LINK)).toBe(
      'Заказ №123: мастер Иван, приедет сегодня 14:00–16:00, позвонит с +7*** *** ** 67. Статус: t.me/fs_client_bot?start=tok_ABCdef123 Отписаться: STOP',
    );
    expect(
      renderClientSms(
        'client_order_accepted',
        { ...accepted, master_phone_masked: null, is_asap: true, replaced: true },
        now,
        null,
      ),
    ).toBe(
      'Заказ №123: назначен другой мастер — Иван, приедет как можно скорее, позвонит вам. Отписаться: STOP',
    );
  });

  it('en route, rescheduled, cancelled, feedback', () => {
    expect(
      renderClientSms(
        'client_master_en_route',
        { ...base, master_first_name: 'Иван', eta_minutes: 25 },
        now,
        LINK,
      ),
    ).toBe(
      'Заказ №123: мастер Иван едет к вам, будет через ~25 мин. Статус: t.me/fs_client_bot?start=tok_ABCdef123',
    );
    expect(
      renderClientSms(
        'client_master_en_route',
        { ...base, master_first_name: 'Иван', eta_minutes: 15, eta_max_minutes: 30 },
        now,
        null,
      ),
    ).toBe('Заказ №123: мастер Иван едет к вам, будет через ~15–30 мин.');
    expect(
      renderClientSms(
        'client_order_rescheduled',
        {
          ...base,
          timeslot_start: '2026-12-06T07:00:00Z',
          timeslot_end: '2026-12-06T10:00:00Z',
          is_asap: false,
        },
        now,
        LINK,
      ),
    ).toBe(
      'Заказ №123: время визита изменено — завтра 10:00–13:00. Статус: t.me/fs_client_bot?start=tok_ABCdef123',
    );
    expect(
      renderClientSms('client_order_canceled', { ...base, support_phone: '+78005553535' }, now, LINK),
    ).toBe('Заказ №123 отменён. Вопросы: +78005553535');
    expect(
      renderClientSms(
        'client_feedback_request',
        { ...base, master_first_name: 'Иван', amount_kopecks: 1 },
        now,
        LINK,
      ),
    ).toBe('Заказ №123 выполнен. Оцените мастера: t.me/fs_client_bot?start=tok_ABCdef123');
  });

  it('every SMS fits three Cyrillic parts (201 characters)', () => {
    const long = { ...accepted, master_first_name: 'Константин', master_phone_masked: '+7*** *** ** 67' };
    const link = clientDeepLink('field_service_client_bot', 'A'.repeat(32));
    expect(renderClientSms('client_order_accepted', long, now, link).length).toBeLessThanOrEqual(201);
  });
});

describe('review alert (staff)', () => {
  const p: ReviewAlertPayload = {
    reason: 'low_rating',
    order_id: 123,
    master_id: 7,
    master_name: 'Иванов Иван',
    city: 'Москва',
    stars: 2,
    amount_kopecks: 350_000,
    amount_confirmed: null,
  };
  it('low rating', () => {
    expect(renderNotification('review_alert', p, now)).toEqual({
      text: [
        '<b>⚠️ Низкая оценка клиента — заказ #123</b>',
        '',
        '🏙 Город: Москва',
        '👷 Мастер: Иванов Иван (#7)',
        '⭐ Оценка: 2 из 5',
        '💰 Сумма мастера: 3\u00a0500\u00a0₽',
        '',
        'Свяжитесь с клиентом и разберитесь.',
      ].join('\n'),
      buttons: [[{ text: '📂 Открыть заказ', callback_data: 'a:o:123' }]],
    });
  });
  it('disputed amount', () => {
    const r = renderNotification(
      'review_alert',
      { ...p, reason: 'amount_disputed', stars: null, amount_confirmed: false },
      now,
    );
    expect(r.text).toContain('<b>⚠️ Клиент оспорил сумму — заказ #123</b>');
    expect(r.text).toContain('⭐ Оценка: не поставлена');
    expect(r.text).toContain('💰 Сумма мастера: 3\u00a0500\u00a0₽ (клиент: сумма другая)');
  });
});
