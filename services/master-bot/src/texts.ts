import { CATEGORY_LABELS, type Category, escapeHtml, formatTimeslot } from '@fs/domain';

/** Every text the master bot sends. Russian; user-provided values are HTML-escaped. */

export const texts = {
  error: '⚠️ Что-то пошло не так. Попробуйте ещё раз или нажмите /start.',
  staleButton: 'Кнопка устарела. Откройте меню: /start',
  notRegistered: 'Вы не зарегистрированы как мастер. Нажмите /start.',
  blocked: 'Ваш аккаунт заблокирован. Обратитесь в поддержку.',

  startUnknown:
    '👋 Здравствуйте! Это бот для мастеров.\n\nРегистрация мастеров в боте скоро откроется — мы сообщим, когда можно будет заполнить анкету.',
  startGreeting: (name: string) => `👋 Здравствуйте, ${escapeHtml(name || 'мастер')}!`,
  startApproved: 'Новые заказы приходят сюда: принимайте их кнопками под сообщением.',
  startPending: '🕐 Ваша анкета на модерации. Мы сообщим, когда её проверят.',
  startRejected: (reason: string | null) =>
    `❌ Анкета отклонена${reason ? `: ${escapeHtml(reason)}` : ''}. Исправление анкеты в боте скоро появится.`,
  startBlocked: (reason: string | null) =>
    `⛔️ Аккаунт заблокирован${reason ? `: ${escapeHtml(reason)}` : ''}. Для разблокировки обратитесь в поддержку.`,

  buttons: {
    accept: '✅ Принять',
    decline: '✖️ Отказаться',
    declineConfirm: 'Да, отказаться',
    back: '⬅️ Назад',
  },

  accept: {
    won: (orderId: number) => `✅ Заказ #${orderId} ваш!`,
    alreadyYours: (orderId: number) => `Заказ #${orderId} уже ваш.`,
    taken: 'Заказ уже взят другим мастером',
    expired: 'Время на ответ истекло',
    overLimit: 'Достигнут лимит активных заказов. Завершите текущий заказ, чтобы взять новый.',
    notYours: 'Это предложение адресовано другому мастеру.',
    notFound: 'Заказ не найден.',
    orderClosed: 'Заказ отменён или больше не ждёт мастера.',
  },

  decline: {
    confirm: (orderId: number) => `⚠️ Вы уверены, что хотите отклонить заказ #${orderId}?`,
    done: (orderId: number) => `✖️ Вы отказались от заказа #${orderId}`,
    notOpen: 'Предложение уже неактуально.',
  },
};

export interface AssignedOrderCard {
  id: number;
  city: string;
  timezone: string;
  district: string | null;
  street: string | null;
  house: string | null;
  apartment: string | null;
  addressComment: string | null;
  clientName: string;
  clientPhone: string | null;
  category: Category;
  description: string;
  timeslotStart: Date | null;
  timeslotEnd: Date | null;
  isAsap: boolean;
}

function formatAddress(o: AssignedOrderCard): string {
  const parts = [o.street ?? 'улица не указана'];
  if (o.house) parts.push(`д. ${o.house}`);
  if (o.apartment) parts.push(`кв. ${o.apartment}`);
  return parts.join(', ');
}

/** The push after a win: full address and client contacts (shown only once assigned). */
export function assignedOrderCard(o: AssignedOrderCard, now = new Date()): string {
  const lines = [
    `<b>${texts.accept.won(o.id)}</b>`,
    '',
    `📍 ${escapeHtml(o.city)}, ${escapeHtml(o.district ?? 'район не указан')}`,
    `🏠 <code>${escapeHtml(formatAddress(o))}</code>`,
  ];
  if (o.addressComment) lines.push(`💬 ${escapeHtml(o.addressComment)}`);
  lines.push(`👤 ${escapeHtml(o.clientName || 'имя не указано')}`);
  lines.push(`📞 ${o.clientPhone ? `<code>${escapeHtml(o.clientPhone)}</code>` : 'не указан'}`);
  lines.push(
    `⏰ ${formatTimeslot({ start: o.timeslotStart, end: o.timeslotEnd, isAsap: o.isAsap }, o.timezone, now)}`,
  );
  lines.push(`🛠 ${CATEGORY_LABELS[o.category]}`);
  if (o.description) lines.push(`📝 ${escapeHtml(o.description)}`);
  lines.push('', 'Свяжитесь с клиентом и подтвердите время визита.');
  return lines.join('\n');
}

/** A line appended to a push whose offer can no longer be accepted. */
export const closedLine = (reason: string) => `\n\n❌ ${reason}`;
