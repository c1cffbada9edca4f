import {
  addressMapUrl,
  CATEGORY_LABELS,
  escapeHtml,
  type Field,
  fitText,
  formatMoment,
  formatMoney,
  formatPhoneForCall,
  formatRemaining,
  formatTimeslot,
  OFFER_CLOSED_LINES,
  type OrderStatus,
  type ShiftStatus,
  truncate,
} from '@fs/domain';
import type { HistoryOrder } from '../queries/cabinet';
import type { ActiveOrderRow, OfferCardRow, OfferListRow } from '../queries/work';
import { cabinetTexts } from './cabinet';
import { CONSENT_TEXT, onboardingTexts } from './onboarding';
import { placeTexts } from './place';

/** Every text the master bot sends. Russian; user-provided values are HTML-escaped. */

export const texts = {
  error: '⚠️ Что-то пошло не так. Попробуйте ещё раз или нажмите /start.',
  staleButton: 'Кнопка устарела. Откройте меню: /start',
  outage: '⏳ Временные неполадки, попробуйте через минуту.',
  privateOnly: 'Я работаю только в личных сообщениях: напишите мне в личный чат.',

  /** Why a button is refused (middlewares/guard.ts); blocked wording by what was attempted. */
  guard: {
    notRegistered: 'Вы не зарегистрированы как мастер. Нажмите /start.',
    blocked: {
      active: 'Ваш аккаунт заблокирован. Обратитесь в поддержку.',
      approved: 'Смена недоступна: аккаунт заблокирован.',
    },
    notApproved: 'Профиль на модерации. Дождитесь одобрения.',
  },

  startUnknown: CONSENT_TEXT,
  startGreeting: (name: string) => `👋 Здравствуйте, ${escapeHtml(name || 'мастер')}!`,
  startApproved: 'Новые заказы приходят сюда: принимайте их кнопками под сообщением.',
  startPending: '🕐 Ваша анкета на модерации. Мы сообщим, когда её проверят.',
  startRejected: (reason: string | null) =>
    `❌ Анкета отклонена${reason ? `: ${escapeHtml(reason)}` : ''}. Исправление анкеты в боте скоро появится.`,
  startBlocked: (reason: string | null) =>
    `⛔️ Аккаунт заблокирован${reason ? `: ${escapeHtml(reason)}` : ''}. Для разблокировки обратитесь в поддержку.`,

  buttons: {
    declineConfirm: 'Да, отказаться',
    back: '⬅️ Назад',
  },

  accept: {
    won: (orderId: number) => `✅ Заказ #${orderId} ваш!`,
    alreadyYours: (orderId: number) => `Заказ #${orderId} уже ваш.`,
    overLimit: 'Достигнут лимит активных заказов. Завершите текущий заказ, чтобы взять новый.',
    notYours: 'Это предложение адресовано другому мастеру.',
    notFound: 'Заказ не найден.',
  },

  decline: {
    confirm: (orderId: number) => `⚠️ Вы уверены, что хотите отклонить заказ #${orderId}?`,
    done: (orderId: number) => `✖️ Вы отказались от заказа #${orderId}`,
  },
};

/**
 * The push after a win: full address and client contacts (shown only once assigned). Like
 * every text here that carries what people typed, the values go through `f` (fitText): the text
 * fits Telegram's limit, long values cut with "…", never a line.
 */
export function assignedOrderCard(o: ActiveOrderRow, now: Date): string {
  return fitText((f) => {
    const lines = [
      `<b>${texts.accept.won(o.id)}</b>`,
      '',
      `📍 ${f(o.city)}, ${f(o.district ?? 'район не указан')}`,
      `🏠 ${mappedAddress(o, f)}`,
    ];
    if (o.addressComment) lines.push(`💬 ${f(o.addressComment)}`);
    lines.push(`👤 ${f(o.clientName || 'имя не указано')}`);
    lines.push(`📞 ${callablePhone(o.clientPhone)}`);
    lines.push(
      `⏰ ${formatTimeslot({ start: o.timeslotStart, end: o.timeslotEnd, isAsap: o.isAsap }, o.timezone, now)}`,
    );
    lines.push(`🛠 ${CATEGORY_LABELS[o.category]}`);
    if (o.description) lines.push(`📝 ${f(o.description)}`);
    lines.push('', 'Свяжитесь с клиентом и подтвердите время визита.');
    return lines.join('\n');
  });
}

// ---------------------------------------------------------------------------------------------
// Main menu, shift, new offers, active orders, closing (issue 4, part 1)

const SHIFT_LINE: Record<ShiftStatus, string> = {
  off: '⚪ Смена выключена — новые заказы не приходят.',
  on: '🟢 Вы на смене — новые заказы приходят сюда.',
  break: '☕ Перерыв',
};

/** Master-facing order status titles. */
export const ORDER_STATUS_TITLES: Record<OrderStatus, string> = {
  assigned: 'Назначено мастеру',
  en_route: 'Мастер в пути',
  working: 'Мастер работает',
  payment: 'Ожидает подтверждения оплаты',
  closed: 'Заказ закрыт',
  canceled: 'Заказ отменён',
  searching: 'Идёт поиск мастера',
  guarantee: 'Гарантийный визит',
  deferred: 'Заказ отложен',
  created: 'Создан',
};

const dayMonth = (instant: Date, tz: string) =>
  new Intl.DateTimeFormat('ru-RU', { timeZone: tz, day: '2-digit', month: '2-digit' }).format(instant);

/** The visit window in the city's zone, always with the date: "сегодня (24.11) 14:00–16:00". */
export function slotText(
  o: { timeslotStart: Date | null; timeslotEnd: Date | null; isAsap: boolean; timezone: string },
  now: Date,
): string {
  const text = formatTimeslot(
    { start: o.timeslotStart, end: o.timeslotEnd, isAsap: o.isAsap },
    o.timezone,
    now,
  );
  if (!o.timeslotStart || o.isAsap) return text;
  return text.replace(
    /^(сегодня|завтра)/,
    (w) => `${w} (${dayMonth(new Date(o.timeslotStart!), o.timezone)})`,
  );
}

const REQUISITE_LABELS: Record<string, string> = {
  card_number: '💳 Карта',
  card_holder: '👤 Получатель',
  bank: '🏦 Банк',
  sbp_phone: '📱 СБП',
  sbp_bank: '🏦 Банк СБП',
  account: '🏦 Счёт',
  other: '📝 Прочие данные',
  comment: '💬 Комментарий к переводу',
};

/** The owner's requisites (snapshot on the commission) as copyable lines. */
export function requisitesLines(data: Record<string, unknown>, support: string): string[] {
  const lines: string[] = [];
  for (const [key, label] of Object.entries(REQUISITE_LABELS)) {
    const v = data[key];
    if (typeof v === 'string' && v.trim()) lines.push(`${label}: <code>${escapeHtml(v.trim())}</code>`);
  }
  return lines.length > 0 ? lines : [`Реквизиты для оплаты уточните в поддержке: ${escapeHtml(support)}`];
}

export const mt = {
  onboarding: onboardingTexts,
  cabinet: cabinetTexts,
  place: placeTexts,

  buttons: {
    shiftOn: '🟢 Включить смену',
    breakMenu: '☕ Перерыв',
    breakEnd: '🟢 Вернуться на смену',
    shiftOff: '🔴 Выключить смену',
    offers: '🆕 Новые заказы',
    active: '📦 Активные заказы',
    history: '📜 История заказов',
    finance: '💳 Финансы',
    requisites: '💳 Реквизиты для оплаты',
    referral: '🎁 Реферальная программа',
    stats: '📈 Статистика',
    knowledge: '📚 База знаний',
    menu: '🏠 Меню',
    back: '⬅️ Назад',
    cancel: '❌ Отменить',
    prev: '◀️ Назад',
    next: 'Вперёд ▶️',
    refresh: '🔄 Обновить',
    decline: '✖️ Отказаться',
    open: (orderId: number) => `Открыть #${orderId}`,
    enRoute: '🚗 В пути',
    working: '🛠 Работаю',
    close: '✅ Закрыть',
    amountOk: '✅ Верно',
    amountSure: '✅ Да, сумма верна',
    amountEdit: '✏️ Изменить сумму',
    route: '🗺 Маршрут',
    place: '📍 Моя точка',
    extend: '⏱️ Продлить перерыв',
    duration: { '15m': '⏱️ 15 минут', '1h': '⏱️ 1 час', '2h': '⏱️ 2 часа' } as Record<string, string>,
  },

  menu: {
    approved: (name: string, shift: ShiftStatus, breakUntil: Date | null, tz: string | null, now: Date) => {
      const shiftLine =
        shift === 'break' && breakUntil
          ? `☕ Перерыв до ${tz ? formatMoment(breakUntil, tz, now) : breakUntil.toISOString()}`
          : SHIFT_LINE[shift];
      return `${texts.startGreeting(name)}\n\n${texts.startApproved}\n\n${shiftLine}`;
    },
    pending: (name: string) =>
      `${texts.startGreeting(name)}\n\n🕐 Ваша анкета на модерации. Мы сообщим, когда её проверят; до этого заказы не приходят.`,
    rejected: (name: string, reason: string | null) =>
      `${texts.startGreeting(name)}\n\n❌ Анкета отклонена.\nПричина: ${escapeHtml(reason?.trim() || 'не указана')}\n\nИсправьте анкету и отправьте её снова: нажмите «✏️ Исправить анкету».`,
    blocked: (name: string, reason: string | null, support: string) =>
      `${texts.startGreeting(name)}\n\n⛔️ Аккаунт заблокирован.\nПричина: ${escapeHtml(reason?.trim() || 'не указана')}\n\nКак разблокировать: устраните причину (например, оплатите просроченную комиссию) и напишите в поддержку: ${escapeHtml(support)}. После проверки аккаунт разблокируют.`,
  },

  shift: {
    started: 'Смена начата. Новые заказы будут приходить сюда.',
    ended: 'Смена завершена.',
    breakAsk: '☕ Выберите длительность перерыва:',
    breakExtendAsk: '☕ На сколько продлить перерыв?',
    breakStarted: 'Перерыв начат.',
    breakExtended: 'Перерыв продлён.',
    backOnShift: 'Вы вернулись на смену.',
    notOnShift: 'Смена не активна. Сначала включите смену.',
    notOnBreak: 'Сейчас не перерыв.',
    alreadyOn: 'Вы уже на смене.',
    alreadyOff: 'Смена уже выключена.',
    blocked: texts.guard.blocked.approved,
    notApproved: texts.guard.notApproved,
  },

  offers: {
    title: '<b>🆕 Новые заказы</b>',
    page: (page: number, pages: number, total: number) => `Страница ${page}/${pages} • всего: ${total}`,
    empty: '<b>🆕 Новые заказы</b>\n\nНет новых предложений. Когда появится заказ, мы пришлём его сюда.',
    /** A list row; `f` is fitText's (the whole list is one fitText). */
    row: (o: OfferListRow, now: Date, f: Field) =>
      `#${o.orderId} • ${f(o.city)}, ${f(o.district ?? 'район не указан')} • ${CATEGORY_LABELS[o.category]} • ${slotText(o, now)}`,
    gone: 'Заказ больше недоступен: его уже взяли, он отменён или время на ответ истекло.',
    /** One page of the list (`page` from 1), one fitText. */
    screen: (rows: readonly OfferListRow[], page: number, pages: number, total: number, now: Date) =>
      fitText((f) =>
        [
          mt.offers.title,
          mt.offers.page(page, pages, total),
          '',
          ...rows.map((r) => mt.offers.row(r, now, f)),
        ].join('\n'),
      ),
  },

  active: {
    title: (n: number) => (n === 1 ? '<b>📦 Активный заказ</b>' : `<b>📦 Активные заказы (${n})</b>`),
    empty: '<b>📦 Активные заказы</b>\n\nСейчас нет активных заказов.',
    /** A list row; `f` is fitText's (the whole list is one fitText). */
    row: (o: ActiveOrderRow, now: Date, f: Field) =>
      `#${o.id} • ${f(o.city)}, ${f(o.district ?? 'район не указан')} • ${CATEGORY_LABELS[o.category]} • ${slotText(o, now)}\n🔁 ${ORDER_STATUS_TITLES[o.status]}`,
    notFound: 'Заказ не найден среди ваших активных заказов.',
    /** Every active order (a master holds a few), one fitText. */
    screen: (orders: readonly ActiveOrderRow[], now: Date) =>
      fitText((f) =>
        [mt.active.title(orders.length), ...orders.map((o) => mt.active.row(o, now, f))].join('\n\n'),
      ),
    enRouteDone: 'Отметили, что вы в пути.',
    workingDone: 'Отметили, что вы на месте и работаете.',
    stale: 'Статус заказа уже изменился — показываем актуальную карточку.',
    cannotClose: 'Сейчас нельзя закрыть этот заказ. Проверьте статус.',
  },

  close: {
    askAmount: (orderId: number) =>
      `🧾 Закрытие заказа #${orderId}\n\nВведите сумму, полученную от клиента, в рублях (например, 3500, 3 500 или 3500,50).`,
    askAct: (orderId: number) =>
      `🧾 Закрытие заказа #${orderId}\n\nОтправьте фото или файл акта выполненных работ одним сообщением.`,
    amountErrors: {
      format: 'Некорректная сумма. Введите число, например 3500, 3 500 или 3500,50.',
      not_positive: 'Сумма должна быть больше нуля.',
      too_big: 'Слишком большая сумма: не больше 1 000 000 ₽. Проверьте и введите ещё раз.',
    } as Record<string, string>,
    needAct: 'Нужен один файл: фото или документ акта. Отправьте его или нажмите ❌ Отменить.',
    /** The amount and the commission it implies, before anything is fixed. */
    confirmAmount: (orderId: number, total: number, commission: number, ratePct: number) =>
      [
        `🧾 Закрытие заказа #${orderId}`,
        '',
        `Сумма от клиента: <b>${formatMoney(total)}</b>`,
        `💸 Комиссия составит: <b>${formatMoney(commission)}</b> (${ratePct} %)`,
        '',
        'Всё верно?',
      ].join('\n'),
    unusualAmount: (orderId: number, total: number, usualMax: number) =>
      [
        `⚠️ Заказ #${orderId}: ${formatMoney(total)} — намного больше обычного для этой категории (обычно до ${formatMoney(usualMax)}).`,
        '',
        'Проверьте, нет ли лишнего нуля. Сумма верна?',
      ].join('\n'),
    /** A file while the amount is asked. */
    amountFirst:
      'Сначала сумма, потом фото акта: введите сумму, полученную от клиента, числом (например, 3500).',
    /** Anything but a button or a new amount while the amount waits for confirmation. */
    confirmFirst:
      'Подтвердите сумму кнопкой «✅ Верно» (или введите другую сумму), потом отправьте фото акта.',
    canceled: '❌ Закрытие заказа отменено.',
    statusChanged: 'Статус заказа изменился. Откройте активный заказ и попробуйте снова.',
    closedPayment: (orderId: number, total: number, commission: number, ratePct: number, deadline: string) =>
      [
        `✅ <b>Заказ #${orderId} закрыт!</b>`,
        `Сумма: ${formatMoney(total)}`,
        '',
        `💸 Комиссия: <b>${formatMoney(commission)}</b> (${ratePct} %)`,
        `⏰ Оплатить до: <b>${deadline}</b> (время вашего города)`,
        '',
        '💳 <b>Куда оплатить:</b>',
      ].join('\n'),
    closedPaymentTail:
      '\n\nПосле оплаты дождитесь подтверждения администратора. Если не оплатить в срок, аккаунт будет заблокирован до оплаты.\n\nСпасибо за работу! 🎉',
    closedNoCommission: (orderId: number, total: number) =>
      `✅ <b>Заказ #${orderId} закрыт!</b>\nСумма: ${formatMoney(total)}\n\nКомиссия по этому заказу не начисляется.\n\nСпасибо за работу! 🎉`,
    closedGuarantee: (orderId: number) =>
      `✅ <b>Гарантийный заказ #${orderId} закрыт!</b>\n\nАкт получен. Комиссия по гарантийному заказу не начисляется.\n\nСпасибо за работу! 🎉`,
  },

  input: {
    useButtons: 'Пожалуйста, используйте кнопки под сообщениями. Открыть меню: /start',
    sessionExpired: 'Сессия истекла. Нажмите /start',
    /** A button of a wizard that /start, a cancel or its own end left (not an idle expiry). */
    staleAction: 'Это действие уже неактуально. Открыть меню: /start',
    /** A photo or file outside any wizard (e.g. right after /start). */
    chooseFirst: 'Сначала выберите действие в меню: /start',
    canceled: '❌ Действие отменено.',
    nothingToCancel: 'Отменять нечего.',
  },
};

/** The card of a new offer: no house, flat or client contacts before acceptance. */
export function offerCardText(o: OfferCardRow, now: Date): string {
  return fitText((f) => {
    const lines = [`<b>🆕 Заказ #${o.orderId}</b>`, ''];
    if (o.type === 'guarantee') lines.push('🛡 <b>ЗАЯВКА ПО ГАРАНТИИ</b>');
    lines.push(`🏙 ${f(o.city)}, ${f(o.district ?? 'район не указан')}`);
    lines.push(`📍 ${f(o.street ?? 'улица не указана')}`);
    lines.push(`🗓 ${slotText(o, now)}`);
    lines.push(`🛠 ${CATEGORY_LABELS[o.category]}`);
    const description = o.description.trim();
    if (description) lines.push(`📝 ${f(truncate(description, 1000))}`);
    const left = formatRemaining(o.expiresAt, now);
    lines.push('', left ? `⏳ Осталось на ответ: ${left}` : OFFER_CLOSED_LINES.expired);
    return lines.join('\n');
  });
}

/**
 * The address as a map link (the order's point when known, else a Yandex search for city,
 * street and house); the 📋 Адрес button copies it.
 */
function mappedAddress(o: ActiveOrderRow, f: Field): string {
  const search = [o.city, o.street, o.house ? `д. ${o.house}` : null].filter(Boolean).join(', ');
  const point = o.lat !== null && o.lon !== null ? { lat: o.lat, lon: o.lon } : null;
  const shown = [f(o.street ?? 'улица не указана')];
  if (o.house) shown.push(`д. ${f(o.house)}`);
  if (o.apartment) shown.push(`кв. ${f(o.apartment)}`);
  return `<a href="${escapeHtml(addressMapUrl(search, point))}">${shown.join(', ')}</a>`;
}

/** The client's phone as plain text Telegram makes tappable (not inside <code>). */
const callablePhone = (phone: string | null) => (phone ? escapeHtml(formatPhoneForCall(phone)) : 'не указан');

export function fullAddress(o: Pick<ActiveOrderRow, 'street' | 'house' | 'apartment'>): string {
  const parts = [o.street ?? 'улица не указана'];
  if (o.house) parts.push(`д. ${o.house}`);
  if (o.apartment) parts.push(`кв. ${o.apartment}`);
  return parts.join(', ');
}

/** The card of an active order: full address and client contacts (the master is assigned). */
export function activeCardText(o: ActiveOrderRow, now: Date): string {
  return fitText((f) => activeCardLines(o, now, f).join('\n'));
}

/** The active card's lines, for a text that adds its own (the history card) inside one fitText. */
export function activeCardLines(o: ActiveOrderRow, now: Date, f: Field): string[] {
  const lines = [`<b>📦 Заказ #${o.id}</b>`, `🔁 Статус: <b>${ORDER_STATUS_TITLES[o.status]}</b>`, ''];
  if (o.type === 'guarantee') lines.push('🛡 <b>ЗАЯВКА ПО ГАРАНТИИ</b>');
  lines.push(`🏙 ${f(o.city)}, ${f(o.district ?? 'район не указан')}`);
  lines.push(`📍 ${mappedAddress(o, f)}`);
  if (o.addressComment) lines.push(`💬 ${f(o.addressComment)}`);
  lines.push(`🗓 ${slotText(o, now)}`);
  lines.push(`🛠 ${CATEGORY_LABELS[o.category]}`);
  lines.push(`👤 Клиент: ${f(o.clientName || 'имя не указано')}`);
  lines.push(`📞 Телефон: ${callablePhone(o.clientPhone)}`);
  const description = o.description.trim();
  if (description) lines.push('', `📝 ${f(truncate(description, 1500))}`);
  return lines;
}

/** A closed or canceled order of the master's history: the active card's lines and how it ended. */
export function historyCardText(order: HistoryOrder, now: Date): string {
  const t = cabinetTexts.history;
  return fitText((f) => {
    const lines = [
      ...activeCardLines(order, now, f),
      '',
      t.finished(order.status, formatMoment(order.finishedAt, order.timezone, now)),
    ];
    if (order.status === 'closed' || order.totalKopecks !== null) lines.push(t.total(order.totalKopecks));
    if (order.status === 'canceled' && order.cancelReason) lines.push(t.cancelReason(order.cancelReason, f));
    if (order.commissionId !== null && order.commissionStatus && order.commissionKopecks !== null) {
      lines.push(t.commission(order.commissionId, order.commissionKopecks, order.commissionStatus));
    }
    return lines.join('\n');
  });
}
