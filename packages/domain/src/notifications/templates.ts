import { CATEGORY_LABELS, type EscalationReason, type NotificationEvent } from '../enums';
import { firstItems, fitPayload, fitText } from '../fit-text';
import {
  escapeHtml,
  formatMoment,
  formatMoney,
  formatRemaining,
  formatTimeslot,
  pluralRu,
  truncate,
} from '../format';
import { distanceFromYou } from '../geo';
import { CLIENT_TELEGRAM_RENDERERS } from './client';
import type {
  BreakEndedPayload,
  BreakReminderPayload,
  CommissionCheckedPayload,
  CommissionDuePayload,
  CommissionOverduePayload,
  CommissionReportedPayload,
  DeliveryFailedPayload,
  EscalationPayload,
  ModerationSubmittedPayload,
  NewOfferPayload,
  NotificationPayloads,
  OfferClosedPayload,
  OfferClosedReason,
  OrderAssignedPayload,
  OrderCanceledPayload,
  OrderRescheduledPayload,
  OrderSnapshot,
  ProfileUpdatedPayload,
  ReasonPayload,
  RecipientUnreachablePayload,
  ReviewAlertPayload,
  StaffMessagePayload,
  SystemEventPayload,
  UnassignedOrdersPayload,
} from './payloads';

/**
 * Every notification text of the platform (Telegram HTML). User-provided values go through
 * escapeHtml exactly once, here; nothing else escapes or builds these texts.
 */

export type InlineButton = { text: string; callback_data: string } | { text: string; url: string };

export interface RenderedNotification {
  /** Telegram HTML (parse_mode HTML). */
  text: string;
  buttons?: InlineButton[][];
}

export type TemplatedEvent = keyof NotificationPayloads;

/**
 * Callback data of the buttons in notifications. Must equal what @fs/telegram's codec encodes
 * (`offerAccept`, `offerDecline`, `adminOrderOpen`); a test in packages/telegram checks it.
 */
export const NOTIFICATION_CALLBACKS = {
  offerAccept: (offerId: number) => `m:oa:${offerId}`,
  offerDecline: (offerId: number) => `m:od:${offerId}`,
  adminOrderOpen: (orderId: number) => `a:o:${orderId}`,
  breakEnd: () => 'm:brkok',
  breakExtend: () => 'm:brkx',
  shiftOff: () => 'm:shoff',
  adminMasterOpen: (masterId: number) => `a:mo:${masterId}`,
  adminCommissionOpen: (commissionId: number) => `a:fo:${commissionId}`,
  masterFinance: () => 'm:kf',
  masterActiveCard: (orderId: number) => `m:actc:${orderId}`,
} as const;

const DESCRIPTION_MAX = 300;
const STAFF_TEXT_MAX = 3500;
const NOT_SET_M = 'не указан';

/**
 * The push's answer buttons, the one definition of their labels and data: the push the sender
 * renders, the buttons the master bot restores after "back", and the offer card of 🆕 Новые заказы
 * (which says ✅ Взять).
 */
export const OFFER_BUTTONS = { accept: '✅ Принять', take: '✅ Взять', decline: '✖️ Отказаться' } as const;

export function offerAnswerRow(offerId: number, accept: string = OFFER_BUTTONS.accept): InlineButton[] {
  return [
    { text: accept, callback_data: NOTIFICATION_CALLBACKS.offerAccept(offerId) },
    { text: OFFER_BUTTONS.decline, callback_data: NOTIFICATION_CALLBACKS.offerDecline(offerId) },
  ];
}

/** The last line of a closed push, whoever closes it (the scheduler's edit or the master's tap). */
export const OFFER_CLOSED_LINES: Record<OfferClosedReason, string> = {
  expired: '⌛ Время на ответ истекло',
  taken: '🔒 Заказ взят другим мастером',
  canceled: '❌ Заказ отменён',
  declined: '✖️ Вы отказались',
  accepted: '✅ Вы приняли заказ',
  withdrawn: '📭 Уведомление не дошло вовремя, предложение снято. Заказ может прийти вам снова',
};

/** Russian names of events, for staff alerts about delivery. */
export const NOTIFICATION_EVENT_LABELS: Record<NotificationEvent, string> = {
  new_offer: 'Новый заказ (пуш мастеру)',
  offer_closed: 'Закрытие предложения',
  order_assigned: 'Назначение мастера',
  moderation_approved: 'Анкета одобрена',
  moderation_rejected: 'Анкета отклонена',
  account_blocked: 'Блокировка аккаунта',
  account_unblocked: 'Разблокировка аккаунта',
  limit_changed: 'Изменение лимита',
  break_reminder: 'Напоминание о перерыве',
  break_ended: 'Окончание перерыва',
  commission_due: 'Напоминание о комиссии',
  commission_overdue: 'Просрочка комиссии',
  referral_registered: 'Новый реферал',
  referral_reward: 'Реферальный бонус',
  escalation_logist: 'Эскалация логисту',
  escalation_admin: 'Эскалация администратору',
  unassigned_orders: 'Сводка заявок без мастера',
  delivery_failed: 'Сбой доставки',
  recipient_unreachable: 'Получатель недоступен',
  staff_message: 'Сообщение персонала',
  moderation_submitted: 'Анкета на модерацию',
  commission_reported: 'Мастер сообщил об оплате',
  commission_approved: 'Оплата комиссии подтверждена',
  commission_rejected: 'Оплата комиссии отклонена',
  order_canceled: 'Заказ снят с мастера',
  order_rescheduled: 'Заказ перенесён',
  system_event: 'Системное событие (канал логов)',
  profile_updated: 'Изменение районов или навыков мастера',
  client_order_accepted: 'Клиенту: мастер назначен',
  client_master_en_route: 'Клиенту: мастер едет',
  client_order_rescheduled: 'Клиенту: визит перенесён',
  client_order_canceled: 'Клиенту: заказ отменён',
  client_feedback_request: 'Клиенту: просьба об отзыве',
  review_alert: 'Отзыв клиента требует внимания',
};

/** How staff alerts name a recipient: "мастер Иван (#7)", "сотрудник Ольга (#3)", "чат -100123". */
export function describeRecipient(r: {
  kind: 'master' | 'staff' | 'client' | 'chat';
  id: number | string;
  name?: string | null;
}): string {
  if (r.kind === 'chat') return `чат ${r.id}`;
  if (r.kind === 'client') return r.name?.trim() || `клиент заказа #${r.id}`;
  const who = r.kind === 'master' ? 'мастер' : 'сотрудник';
  return `${who} ${r.name?.trim() || 'без имени'} (#${r.id})`;
}

function reasonText(reason: string | null | undefined): string {
  const r = (reason ?? '').trim();
  return r ? escapeHtml(r) : 'не указана';
}

function escalationReason(reason: EscalationReason, rounds: number): string {
  switch (reason) {
    case 'rounds_exhausted':
      return rounds > 0
        ? `Мастера не приняли заказ за ${rounds} ${pluralRu(rounds, 'раунд', 'раунда', 'раундов')}`
        : 'Мастера не приняли заказ';
    case 'no_candidates':
      return 'Нет подходящих свободных мастеров';
    case 'no_district':
      return 'Не указан район, автораспределение невозможно';
    default:
      return escapeHtml(String(reason));
  }
}

function categoryLabel(o: OrderSnapshot): string {
  return CATEGORY_LABELS[o.category] ?? 'не указано';
}

function slot(o: OrderSnapshot, now: Date): string {
  return formatTimeslot({ start: o.timeslot_start, end: o.timeslot_end, isAsap: o.is_asap }, o.timezone, now);
}

/** The order lines of the master's push (also kept when the push is edited). */
function orderLines(o: OrderSnapshot, now: Date): string[] {
  const lines = [
    `📍 ${escapeHtml(o.city || NOT_SET_M)}, ${escapeHtml(o.district || NOT_SET_M)}`,
    `⏰ ${slot(o, now)}`,
    `🛠 ${categoryLabel(o)}`,
  ];
  if (o.type === 'guarantee') lines.push('🛡 Гарантийный заказ');
  const description = (o.description ?? '').trim();
  if (description) lines.push(`📝 ${escapeHtml(truncate(description, DESCRIPTION_MAX))}`);
  return lines;
}

function openOrderButton(orderId: number): InlineButton[][] {
  return [[{ text: '📂 Открыть заказ', callback_data: NOTIFICATION_CALLBACKS.adminOrderOpen(orderId) }]];
}

function newOffer(p: NewOfferPayload, now: Date): RenderedNotification {
  const remaining = formatRemaining(p.expires_at, now);
  const head = [`<b>🆕 Новый заказ #${p.order_id}</b>`, '', ...orderLines(p, now)];
  if (typeof p.distance_m === 'number' && Number.isFinite(p.distance_m))
    head.push(`🧭 ${distanceFromYou(p.distance_m)}`);
  if (!remaining) return { text: [...head, OFFER_CLOSED_LINES.expired].join('\n') };
  return {
    text: [
      ...head,
      `⏳ Ответьте в течение ${remaining}`,
      '',
      'Примите заказ кнопкой ниже или откройте бот.',
    ].join('\n'),
    buttons: [offerAnswerRow(p.offer_id)],
  };
}

function offerClosed(p: OfferClosedPayload, now: Date): RenderedNotification {
  const why = OFFER_CLOSED_LINES[p.reason] ?? OFFER_CLOSED_LINES.expired;
  const body = p.order ? orderLines(p.order, now) : [];
  return { text: [`<b>Заказ #${p.order_id}</b>`, '', ...body, ...(body.length ? [''] : []), why].join('\n') };
}

function orderAssigned(p: OrderAssignedPayload, now: Date): RenderedNotification {
  if (p.audience === 'master') {
    return {
      text: [
        `<b>📌 Вам назначен заказ #${p.order_id}</b>`,
        '',
        ...orderLines(p, now),
        '',
        'Адрес и контакты клиента — в карточке заказа.',
      ].join('\n'),
      buttons: [
        [{ text: '📦 Открыть заказ', callback_data: NOTIFICATION_CALLBACKS.masterActiveCard(p.order_id) }],
      ],
    };
  }
  return {
    text: [
      `<b>✅ Мастер назначен на заказ #${p.order_id}</b>`,
      '',
      ...orderLines(p, now),
      `👷 Мастер: ${escapeHtml(p.master_name || 'без имени')} (#${p.master_id})`,
    ].join('\n'),
    buttons: openOrderButton(p.order_id),
  };
}

function escalation(level: 'logist' | 'admin', p: EscalationPayload, now: Date): RenderedNotification {
  const title =
    level === 'logist' ? `⚠️ Эскалация заявки #${p.order_id}` : `🚨 Критичная эскалация #${p.order_id}`;
  const footer =
    level === 'logist'
      ? 'Заявка долго не назначена. Требуется вмешательство логиста.'
      : 'Заявка долго без мастера. Требуется срочное вмешательство администратора.';
  return {
    text: [
      `<b>${title}</b>`,
      '',
      `🏙 Город: ${escapeHtml(p.city || NOT_SET_M)}`,
      `📍 Район: ${escapeHtml(p.district || NOT_SET_M)}`,
      `⏰ Время: ${slot(p, now)}`,
      `🛠 Категория: ${categoryLabel(p)}`,
      `❓ Причина: ${escalationReason(p.reason, p.rounds_used)}`,
      '',
      footer,
    ].join('\n'),
    buttons: openOrderButton(p.order_id),
  };
}

function deliveryFailed(p: DeliveryFailedPayload): RenderedNotification {
  return {
    text: [
      '<b>❗ Сообщение не доставлено</b>',
      '',
      `Событие: ${NOTIFICATION_EVENT_LABELS[p.event] ?? escapeHtml(p.event)}`,
      `Получатель: ${escapeHtml(p.recipient)}`,
      `Ошибка: ${escapeHtml(truncate(p.error, 500))}`,
      `Запись outbox: #${p.outbox_id}`,
    ].join('\n'),
  };
}

function recipientUnreachable(p: RecipientUnreachablePayload): RenderedNotification {
  if (p.recipient_kind === 'client') {
    return {
      text: [
        '<b>📵 Клиент недоступен</b>',
        '',
        `${escapeHtml(p.recipient_name || 'Клиент')}: уведомления по этому каналу больше не отправляются.`,
        `Ошибка: ${escapeHtml(truncate(p.error, 500))}`,
      ].join('\n'),
    };
  }
  const who =
    p.recipient_kind === 'master'
      ? `Мастер ${escapeHtml(p.recipient_name || 'без имени')} (#${p.recipient_id})`
      : `Сотрудник ${escapeHtml(p.recipient_name || 'без имени')} (#${p.recipient_id})`;
  const consequence =
    p.recipient_kind === 'master'
      ? 'Сообщения ему не доставляются, новые заказы ему не предлагаются, пока он снова не откроет бот.'
      : 'Сообщения ему не доставляются, пока он снова не откроет бот.';
  return {
    text: [
      '<b>📵 Получатель недоступен</b>',
      '',
      `${who} заблокировал бота или удалил аккаунт.`,
      consequence,
      `Ошибка: ${escapeHtml(truncate(p.error, 500))}`,
    ].join('\n'),
  };
}

function withReason(title: string, tail: string) {
  return (p: ReasonPayload): RenderedNotification => ({
    text: `<b>${title}</b>\n\nПричина: ${reasonText(p.reason)}\n\n${tail}`,
  });
}

function staffMessage(p: StaffMessagePayload): RenderedNotification {
  return {
    text: `<b>✉️ Сообщение от ${escapeHtml(p.from || 'администрации')}</b>\n\n${escapeHtml(truncate(p.text ?? '', STAFF_TEXT_MAX))}`,
  };
}

function commissionDue(p: CommissionDuePayload, now: Date): RenderedNotification {
  const left = formatRemaining(p.deadline_at, now);
  return {
    text: [
      '<b>⏰ Оплатите комиссию</b>',
      '',
      `Заказ #${p.order_id}: комиссия ${formatMoney(p.amount_kopecks)}.`,
      `Срок оплаты: ${formatMoment(p.deadline_at, p.timezone, now)}${left ? ` (осталось ${left})` : ''}.`,
      '',
      'Если не оплатить в срок, аккаунт будет заблокирован до оплаты.',
    ].join('\n'),
  };
}

function commissionOverdue(p: CommissionOverduePayload): RenderedNotification {
  if (p.audience === 'master') {
    return {
      text: [
        '<b>🚫 Комиссия просрочена</b>',
        '',
        `Комиссия ${formatMoney(p.amount_kopecks)} по заказу #${p.order_id} не оплачена в срок.`,
        'Аккаунт заблокирован: новые заказы не поступают.',
        '',
        'Оплатите комиссию и отправьте подтверждение в боте — после проверки аккаунт разблокируют.',
      ].join('\n'),
    };
  }
  return {
    text: [
      `<b>🚫 Просрочка комиссии #${p.commission_id}</b>`,
      '',
      `Заказ: #${p.order_id}`,
      `Мастер: ${escapeHtml(p.master_name || 'без имени')} (#${p.master_id})`,
      `Сумма: ${formatMoney(p.amount_kopecks)}`,
      '',
      'Мастер заблокирован до оплаты.',
    ].join('\n'),
    buttons: openOrderButton(p.order_id),
  };
}

const DIGEST_MAX_IDS = 20;

function unassignedOrders(p: UnassignedOrdersPayload): RenderedNotification {
  const ids = p.order_ids.slice(0, DIGEST_MAX_IDS).map((id) => `#${id}`);
  const more = p.order_ids.length - ids.length;
  return {
    text: [
      `<b>⚠️ Заявки без мастера: ${p.order_ids.length}</b>`,
      '',
      ...(p.city ? [`🏙 Город: ${escapeHtml(p.city)}`] : []),
      `Без мастера дольше ${p.minutes} мин: ${ids.join(', ')}${more > 0 ? ` и ещё ${more}` : ''}`,
    ].join('\n'),
  };
}

function breakReminder(p: BreakReminderPayload, now: Date): RenderedNotification {
  const left = formatRemaining(p.break_until, now);
  return {
    text: [
      left ? `<b>⏰ Перерыв заканчивается через ${left}</b>` : '<b>⏰ Перерыв заканчивается</b>',
      '',
      `Перерыв до ${formatMoment(p.break_until, p.timezone, now)}.`,
      'Готовы вернуться на смену? Нажмите кнопку ниже или продлите перерыв.',
    ].join('\n'),
    buttons: [
      [{ text: '🟢 Вернуться на смену', callback_data: NOTIFICATION_CALLBACKS.breakEnd() }],
      [{ text: '⏱️ Продлить перерыв', callback_data: NOTIFICATION_CALLBACKS.breakExtend() }],
    ],
  };
}

function breakEnded(_p: BreakEndedPayload): RenderedNotification {
  return {
    text: '<b>🟢 Перерыв закончился</b>\n\nВы снова на смене: новые заказы будут приходить сюда.',
    buttons: [[{ text: '🔴 Выключить смену', callback_data: NOTIFICATION_CALLBACKS.shiftOff() }]],
  };
}

function moderationSubmitted(p: ModerationSubmittedPayload): RenderedNotification {
  return {
    text: [
      `<b>🛠 ${p.resubmitted ? 'Анкета исправлена и отправлена повторно' : 'Новая анкета мастера'}</b>`,
      '',
      `Мастер: ${escapeHtml(p.master_name || 'без имени')} (#${p.master_id})`,
      `Город: ${escapeHtml(p.city ?? NOT_SET_M)}`,
      `Телефон: ${p.phone ? `<code>${escapeHtml(p.phone)}</code>` : NOT_SET_M}`,
    ].join('\n'),
    buttons: [
      [{ text: '📂 Открыть анкету', callback_data: NOTIFICATION_CALLBACKS.adminMasterOpen(p.master_id) }],
    ],
  };
}

function commissionReported(p: CommissionReportedPayload): RenderedNotification {
  return {
    text: [
      `<b>💳 Мастер сообщил об оплате комиссии #${p.commission_id}</b>`,
      '',
      `Заказ: #${p.order_id}`,
      `Мастер: ${escapeHtml(p.master_name || 'без имени')} (#${p.master_id})`,
      `Сумма: ${formatMoney(p.amount_kopecks)}`,
      '',
      'Проверьте чек и подтвердите оплату.',
    ].join('\n'),
    buttons: [
      [
        {
          text: '📂 Открыть комиссию',
          callback_data: NOTIFICATION_CALLBACKS.adminCommissionOpen(p.commission_id),
        },
      ],
    ],
  };
}

const financeButton = (): InlineButton[][] => [
  [{ text: '💳 Финансы', callback_data: NOTIFICATION_CALLBACKS.masterFinance() }],
];

function commissionApproved(p: CommissionCheckedPayload): RenderedNotification {
  return {
    text: `<b>✅ Оплата комиссии подтверждена</b>\n\nКомиссия #${p.commission_id} по заказу #${p.order_id}: ${formatMoney(p.amount_kopecks)}. Спасибо!`,
  };
}

function commissionRejected(p: CommissionCheckedPayload): RenderedNotification {
  return {
    text: [
      '<b>❌ Оплата комиссии не подтверждена</b>',
      '',
      `Комиссия #${p.commission_id} по заказу #${p.order_id}: ${formatMoney(p.amount_kopecks)}.`,
      `Причина: ${escapeHtml(p.reason?.trim() || 'не указана')}`,
      '',
      'Проверьте оплату и отправьте чек ещё раз в разделе «Финансы».',
    ].join('\n'),
    buttons: financeButton(),
  };
}

function orderCanceled(p: OrderCanceledPayload): RenderedNotification {
  return {
    text: `<b>❌ Заказ #${p.order_id} снят с вас</b>\n\nПричина: ${escapeHtml(p.reason.trim() || 'не указана')}`,
  };
}

function orderRescheduled(p: OrderRescheduledPayload, now: Date): RenderedNotification {
  const slot = formatTimeslot(
    { start: p.timeslot_start, end: p.timeslot_end, isAsap: p.is_asap },
    p.timezone,
    now,
  );
  return { text: `<b>🔁 Заказ #${p.order_id} перенесён</b>\n\nНовое время: ${slot}` };
}

const LEVEL_ICON: Record<SystemEventPayload['level'], string> = { info: 'ℹ️', warn: '⚠️', error: '❗' };

function systemEvent(p: SystemEventPayload): RenderedNotification {
  return {
    text: `${LEVEL_ICON[p.level] ?? 'ℹ️'} <b>${escapeHtml(p.source)}</b>: ${escapeHtml(truncate(p.message, STAFF_TEXT_MAX))}`,
    ...(p.order_id ? { buttons: openOrderButton(p.order_id) } : {}),
  };
}

const PROFILE_LIST_MAX = 30;

function profileUpdated(p: ProfileUpdatedPayload): RenderedNotification {
  const what = p.field === 'districts' ? '🗺 Районы работы' : '🛠 Навыки';
  const { shown, omitted } = firstItems(p.values, PROFILE_LIST_MAX);
  const text = fitText((f) => {
    const list = shown.length > 0 ? shown.map((v) => f(v)).join(', ') : 'весь город';
    const more = omitted > 0 ? ` и ещё ${omitted}` : '';
    return `<b>✏️ Администратор обновил ваш профиль</b>\n\n${what}: ${list}${more}\n\nЗаказы будут предлагаться с учётом изменений.`;
  });
  return { text };
}

function reviewAlert(p: ReviewAlertPayload): RenderedNotification {
  const title =
    p.reason === 'low_rating'
      ? `⚠️ Низкая оценка клиента — заказ #${p.order_id}`
      : `⚠️ Клиент оспорил сумму — заказ #${p.order_id}`;
  const amount =
    p.amount_kopecks === null
      ? null
      : `💰 Сумма мастера: ${formatMoney(p.amount_kopecks)}${
          p.amount_confirmed === null
            ? ''
            : p.amount_confirmed
              ? ' (клиент подтвердил)'
              : ' (клиент: сумма другая)'
        }`;
  return {
    text: [
      `<b>${title}</b>`,
      '',
      `🏙 Город: ${escapeHtml(p.city || NOT_SET_M)}`,
      `👷 Мастер: ${escapeHtml(p.master_name || 'без имени')} (#${p.master_id})`,
      `⭐ Оценка: ${p.stars === null ? 'не поставлена' : `${p.stars} из 5`}`,
      ...(amount ? [amount] : []),
      '',
      'Свяжитесь с клиентом и разберитесь.',
    ].join('\n'),
    buttons: openOrderButton(p.order_id),
  };
}

type Renderers = {
  [E in TemplatedEvent]: (payload: NotificationPayloads[E], now: Date) => RenderedNotification;
};

const RENDERERS: Renderers = {
  new_offer: newOffer,
  offer_closed: offerClosed,
  order_assigned: orderAssigned,
  escalation_logist: (p, now) => escalation('logist', p, now),
  escalation_admin: (p, now) => escalation('admin', p, now),
  delivery_failed: deliveryFailed,
  recipient_unreachable: recipientUnreachable,
  moderation_approved: () => ({
    text: '<b>✅ Анкета одобрена!</b>\n\nВаша анкета проверена и одобрена. Теперь вы можете получать заказы.',
  }),
  moderation_rejected: withReason('❌ Анкета отклонена', 'Исправьте данные и отправьте анкету заново.'),
  account_blocked: withReason('🚫 Аккаунт заблокирован', 'Свяжитесь с администрацией для разблокировки.'),
  account_unblocked: () => ({
    text: '<b>🔓 Аккаунт разблокирован</b>\n\nВаш аккаунт снова активен. Можете продолжать работу.',
  }),
  limit_changed: (p) => ({
    text: `<b>📦 Изменён лимит активных заказов</b>\n\nНовый лимит: ${escapeHtml(p.limit)}`,
  }),
  staff_message: staffMessage,
  commission_due: commissionDue,
  commission_overdue: commissionOverdue,
  referral_registered: (p) => ({
    text: `<b>🎉 Новый реферал!</b>\n\nПо вашему коду зарегистрировался мастер ${escapeHtml(p.referred_name || 'без имени')}.\n\nВы будете получать бонус с каждого его заказа.`,
  }),
  referral_reward: (p) => ({
    text: `<b>💰 Начислен реферальный бонус</b>\n\nСумма: ${formatMoney(p.amount_kopecks)}\nУровень: ${p.level}\nЗаказ: #${p.order_id}`,
  }),
  unassigned_orders: unassignedOrders,
  break_reminder: breakReminder,
  break_ended: breakEnded,
  moderation_submitted: moderationSubmitted,
  commission_reported: commissionReported,
  commission_approved: commissionApproved,
  commission_rejected: commissionRejected,
  order_canceled: orderCanceled,
  order_rescheduled: orderRescheduled,
  system_event: systemEvent,
  profile_updated: profileUpdated,
  review_alert: reviewAlert,
  ...CLIENT_TELEGRAM_RENDERERS,
};

export function hasTemplate(event: string): event is TemplatedEvent {
  return Object.hasOwn(RENDERERS, event);
}

/**
 * Renders one notification at send time (`now` is when it goes out: time left and
 * "сегодня/завтра" are computed then, in the order city's zone).
 */
export function renderNotification<E extends TemplatedEvent>(
  event: E,
  payload: NotificationPayloads[E],
  now: Date,
): RenderedNotification {
  const render = RENDERERS[event] as
    | ((p: NotificationPayloads[E], now: Date) => RenderedNotification)
    | undefined;
  if (!render) throw new Error(`no template for notification event ${String(event)}`);
  // Long typed values are cut with "…" so that the push fits Telegram's limit (fit-text.ts).
  return render(
    fitPayload(payload, (p) => render(p, now).text),
    now,
  );
}
