import { CATEGORY_LABELS, type ClientEvent } from '../enums';
import { escapeHtml, formatMoney, formatTimeslot } from '../format';
import type {
  ClientFeedbackRequestPayload,
  ClientMasterEnRoutePayload,
  ClientNoticeBase,
  ClientOrderAcceptedPayload,
  ClientOrderCanceledPayload,
  ClientOrderRescheduledPayload,
  NotificationPayloads,
} from './payloads';
import type { InlineButton, RenderedNotification } from './templates';

/**
 * Every notice to a client, in both channels: a Telegram message from the client bot (HTML,
 * with buttons) and an SMS (plain text, short: a Cyrillic SMS part holds 70 characters, so
 * each text stays within three parts with the link). User-entered values (the master's name)
 * are escaped here for Telegram and only here.
 */

/**
 * Callback data of the client bot's buttons in these notices. Must equal what the client
 * bot's callback definitions encode; a test in services/client-bot checks it.
 */
export const CLIENT_CALLBACKS = {
  rate: (orderId: number, stars: number) => `c:rs:${orderId}:${stars}`,
  amount: (orderId: number, confirmed: boolean) => `c:ra:${orderId}:${confirmed ? 'y' : 'n'}`,
  optOut: (orderId: number) => `c:off:${orderId}`,
  status: (orderId: number) => `c:st:${orderId}`,
} as const;

export const CLIENT_BUTTONS = {
  optOut: '🔕 Не присылать уведомления',
  status: '📋 Статус заказа',
  amountYes: '✅ Да',
  amountNo: '✖️ Нет, другая',
  star: (n: number) => `${n} ⭐`,
} as const;

/** `t.me/<bot>?start=<token>`: how an SMS points to the client bot (null: no client bot set up). */
export function clientDeepLink(botUsername: string | null | undefined, token: string): string | null {
  const name = (botUsername ?? '').replace(/^@/, '').trim();
  return name ? `t.me/${name}?start=${token}` : null;
}

const slotOf = (
  p: Pick<ClientOrderAcceptedPayload, 'timeslot_start' | 'timeslot_end' | 'is_asap' | 'timezone'>,
  now: Date,
) => formatTimeslot({ start: p.timeslot_start, end: p.timeslot_end, isAsap: p.is_asap }, p.timezone, now);

const masterName = (name: string) => name.trim() || 'мастер';

const optOutRow = (orderId: number): InlineButton[] => [
  { text: CLIENT_BUTTONS.optOut, callback_data: CLIENT_CALLBACKS.optOut(orderId) },
];

/** The feedback buttons: a row of stars and, when there is an amount to check, Да / Нет. */
export function feedbackButtons(orderId: number, ask: { stars: boolean; amount: boolean }): InlineButton[][] {
  const rows: InlineButton[][] = [];
  if (ask.stars)
    rows.push(
      [1, 2, 3, 4, 5].map((n) => ({
        text: CLIENT_BUTTONS.star(n),
        callback_data: CLIENT_CALLBACKS.rate(orderId, n),
      })),
    );
  if (ask.amount)
    rows.push([
      { text: CLIENT_BUTTONS.amountYes, callback_data: CLIENT_CALLBACKS.amount(orderId, true) },
      { text: CLIENT_BUTTONS.amountNo, callback_data: CLIENT_CALLBACKS.amount(orderId, false) },
    ]);
  return rows;
}

/** The question under the stars, e.g. "Сумма к оплате была 3 500 ₽?". */
export function amountQuestion(amountKopecks: number): string {
  return `Сумма к оплате была ${formatMoney(amountKopecks)}?`;
}

function accepted(p: ClientOrderAcceptedPayload, now: Date): RenderedNotification {
  const name = escapeHtml(masterName(p.master_first_name));
  return {
    text: [
      `<b>👷 ${p.replaced ? 'Назначен другой мастер' : 'Мастер назначен'} — заказ №${p.order_id}</b>`,
      '',
      `Мастер: ${name}`,
      `🛠 ${CATEGORY_LABELS[p.category] ?? ''}`,
      `⏰ Время визита: ${slotOf(p, now)}`,
      p.master_phone_masked
        ? `📞 Мастер позвонит вам с номера ${escapeHtml(p.master_phone_masked)}`
        : '📞 Мастер позвонит вам перед визитом.',
    ].join('\n'),
    buttons: [
      [{ text: CLIENT_BUTTONS.status, callback_data: CLIENT_CALLBACKS.status(p.order_id) }],
      optOutRow(p.order_id),
    ],
  };
}

/** "15–30" or "25" (minutes), or null when the estimate is missing or meaningless. */
function etaRange(p: ClientMasterEnRoutePayload): string | null {
  const valid = (x: unknown): x is number => typeof x === 'number' && Number.isFinite(x) && x > 0;
  if (!valid(p.eta_minutes)) return null;
  const low = Math.round(p.eta_minutes);
  const high = valid(p.eta_max_minutes) ? Math.round(p.eta_max_minutes) : low;
  return high > low ? `${low}–${high}` : String(low);
}

function etaLine(p: ClientMasterEnRoutePayload): string | null {
  const eta = etaRange(p);
  return eta ? `Будет примерно через ${eta} мин.` : null;
}

function enRoute(p: ClientMasterEnRoutePayload): RenderedNotification {
  const eta = etaLine(p);
  return {
    text: [
      `<b>🚗 Мастер ${escapeHtml(masterName(p.master_first_name))} едет к вам</b>`,
      '',
      `Заказ №${p.order_id}.${eta ? ` ${eta}` : ''}`,
    ].join('\n'),
    buttons: [optOutRow(p.order_id)],
  };
}

function rescheduled(p: ClientOrderRescheduledPayload, now: Date): RenderedNotification {
  return {
    text: `<b>🔁 Время визита изменено</b>\n\nЗаказ №${p.order_id}: новое время — ${slotOf(p, now)}.`,
    buttons: [optOutRow(p.order_id)],
  };
}

function supportLine(p: ClientNoticeBase): string {
  return p.support_phone
    ? `Если это ошибка, позвоните нам: ${escapeHtml(p.support_phone)}`
    : 'Если это ошибка, свяжитесь с нами.';
}

function canceled(p: ClientOrderCanceledPayload): RenderedNotification {
  return { text: `<b>❌ Заказ №${p.order_id} отменён</b>\n\n${supportLine(p)}` };
}

function feedback(p: ClientFeedbackRequestPayload): RenderedNotification {
  const lines = [
    `<b>✅ Заказ №${p.order_id} выполнен</b>`,
    '',
    `Мастер: ${escapeHtml(masterName(p.master_first_name))}. Оцените, пожалуйста, работу мастера:`,
  ];
  if (p.amount_kopecks !== null) lines.push('', amountQuestion(p.amount_kopecks));
  return {
    text: lines.join('\n'),
    buttons: feedbackButtons(p.order_id, { stars: true, amount: p.amount_kopecks !== null }),
  };
}

type ClientRenderers = {
  [E in ClientEvent]: (payload: NotificationPayloads[E], now: Date) => RenderedNotification;
};

/** The client bot's Telegram messages (registered with the other templates). */
export const CLIENT_TELEGRAM_RENDERERS: ClientRenderers = {
  client_order_accepted: accepted,
  client_master_en_route: enRoute,
  client_order_rescheduled: rescheduled,
  client_order_canceled: canceled,
  client_feedback_request: feedback,
};

// ── SMS ──────────────────────────────────────────────────────────────────

const withLink = (text: string, link: string | null, label: string) =>
  link ? `${text} ${label}: ${link}` : text;
const STOP_HINT = 'Отписаться: STOP';

type SmsRenderers = {
  [E in ClientEvent]: (payload: NotificationPayloads[E], now: Date, link: string | null) => string;
};

const SMS_RENDERERS: SmsRenderers = {
  client_order_accepted: (p, now, link) => {
    const who = p.replaced
      ? `назначен другой мастер — ${masterName(p.master_first_name)}`
      : `мастер ${masterName(p.master_first_name)}`;
    const when = p.is_asap ? 'приедет как можно скорее' : `приедет ${slotOf(p, now)}`;
    const call = p.master_phone_masked ? `позвонит с ${p.master_phone_masked}` : 'позвонит вам';
    return `${withLink(`Заказ №${p.order_id}: ${who}, ${when}, ${call}.`, link, 'Статус')} ${STOP_HINT}`;
  },
  client_master_en_route: (p, _now, link) => {
    const range = etaRange(p);
    const eta = range ? `, будет через ~${range} мин` : '';
    return withLink(
      `Заказ №${p.order_id}: мастер ${masterName(p.master_first_name)} едет к вам${eta}.`,
      link,
      'Статус',
    );
  },
  client_order_rescheduled: (p, now, link) =>
    withLink(`Заказ №${p.order_id}: время визита изменено — ${slotOf(p, now)}.`, link, 'Статус'),
  client_order_canceled: (p) =>
    `Заказ №${p.order_id} отменён.${p.support_phone ? ` Вопросы: ${p.support_phone}` : ''}`,
  client_feedback_request: (p, _now, link) =>
    link
      ? `Заказ №${p.order_id} выполнен. Оцените мастера: ${link}`
      : `Заказ №${p.order_id} выполнен. Спасибо!`,
};

/** The SMS text of a client notice at send time; `link` is clientDeepLink(...) or null. */
export function renderClientSms<E extends ClientEvent>(
  event: E,
  payload: NotificationPayloads[E],
  now: Date,
  link: string | null,
): string {
  const render = SMS_RENDERERS[event] as
    | ((p: NotificationPayloads[E], now: Date, link: string | null) => string)
    | undefined;
  if (!render) throw new Error(`no SMS template for ${String(event)}`);
  return render(payload, now, link);
}
