import {
  amountQuestion,
  CATEGORY_LABELS,
  CLIENT_BUTTONS,
  firstNameOf,
  fitText,
  formatTimeslot,
  maskPhone,
  type OrderStatus,
} from '@fs/domain';
import type { ClientOrderView } from '../queries/orders';

/**
 * Every text the client bot sends from its screens (the notices it receives through the
 * sender live in @fs/domain notifications/client.ts). Russian; user-provided values escaped.
 */

/** The order's state in the client's words. */
const STATUS: Record<OrderStatus, string> = {
  created: '🔎 Ищем мастера',
  deferred: '🔎 Ищем мастера',
  searching: '🔎 Ищем мастера',
  guarantee: '🔎 Ищем мастера',
  assigned: '👷 Мастер назначен',
  en_route: '🚗 Мастер едет к вам',
  working: '🛠 Мастер работает',
  payment: '✅ Выполнен',
  closed: '✅ Выполнен',
  canceled: '❌ Отменён',
};

const DONE: readonly OrderStatus[] = ['payment', 'closed'];

export const isDone = (o: Pick<ClientOrderView, 'status'>) => DONE.includes(o.status);

/** What feedback the order still asks for (nothing before it is done). */
export function feedbackAsks(o: ClientOrderView): { stars: boolean; amount: boolean } {
  if (!isDone(o)) return { stars: false, amount: false };
  return { stars: o.stars === null, amount: o.amount_kopecks !== null && o.amount_confirmed === null };
}

const stars = (n: number) => '⭐'.repeat(n);

function feedbackLines(o: ClientOrderView): string[] {
  if (!isDone(o)) return [];
  const lines: string[] = [];
  if (o.stars !== null) lines.push(`Ваша оценка: ${stars(o.stars)}`);
  if (o.amount_kopecks !== null) {
    if (o.amount_confirmed === null) lines.push(amountQuestion(o.amount_kopecks));
    else
      lines.push(
        o.amount_confirmed
          ? 'Сумма подтверждена. Спасибо!'
          : 'Вы отметили, что сумма другая — мы разберёмся.',
      );
  }
  const asks = feedbackAsks(o);
  if (asks.stars) lines.unshift('Оцените, пожалуйста, работу мастера:');
  else if (!asks.amount) lines.push('Спасибо за отзыв!');
  return lines;
}

export const texts = {
  error: '⚠️ Что-то пошло не так. Попробуйте ещё раз чуть позже.',
  outage: '⏳ Временные неполадки, попробуйте через минуту.',
  staleButton: 'Кнопка устарела.',
  privateOnly: 'Я работаю только в личном чате.',

  start: {
    welcome: (orderId: number) =>
      `👋 Здравствуйте! Это бот вашего заказа №${orderId}. Сюда придут уведомления о мастере и о визите.`,
    again: (orderId: number) => `Заказ №${orderId} уже здесь.`,
    notFound: 'Эта ссылка не найдена. Проверьте, что открыли её полностью, как в SMS.',
    expired: 'Срок действия ссылки истёк. Если вопрос по заказу ещё актуален, свяжитесь с нами.',
    otherChat: 'Эта ссылка уже открыта в другом чате Telegram: уведомления по заказу приходят туда.',
    plain:
      'Здравствуйте! Я присылаю уведомления о заказах Field Service. Откройте ссылку из SMS о вашем заказе.',
    orders: 'Ваши заказы:',
    askContact:
      '📱 Поделитесь номером телефона — тогда уведомления о следующих заказах будут приходить сюда, а не по SMS.',
  },

  contact: {
    button: '📱 Поделиться номером',
    saved: (phone: string) =>
      `✅ Спасибо! Уведомления о заказах на номер ${maskPhone(phone)} будут приходить сюда.`,
    notOwn: 'Пожалуйста, отправьте свой номер кнопкой «📱 Поделиться номером».',
    invalid: 'Этот номер не похож на российский мобильный. Уведомления по нему не отправляются.',
  },

  notices: {
    off: '🔕 Уведомления отключены. Мы больше не будем писать вам о заказах — ни здесь, ни по SMS.',
    offToast: 'Уведомления отключены',
    on: '🔔 Уведомления снова включены.',
    onToast: 'Уведомления включены',
    turnOn: '🔔 Включить уведомления',
    turnOff: CLIENT_BUTTONS.optOut,
  },

  feedback: {
    thanksStars: (n: number) => `Спасибо! Ваша оценка: ${stars(n)}`,
    thanksAmount: (confirmed: boolean) => (confirmed ? 'Спасибо!' : 'Спасибо, мы разберёмся.'),
    already: 'Вы уже ответили, спасибо!',
    notDone: 'Оценить можно после того, как мастер завершит заказ.',
    notYours: 'Этот заказ не привязан к этому чату.',
  },

  status: {
    refresh: '🔄 Обновить',
    notFound: 'Заказ не найден в этом чате.',
    /** The order card: number, category, state, master, visit time, then feedback. */
    card(o: ClientOrderView, now: Date): string {
      // The master's name is the one typed value here: through fitText like every such text.
      return fitText((f) => {
        const lines = [
          `<b>Заказ №${o.id}</b> · ${CATEGORY_LABELS[o.category] ?? ''}`,
          `Статус: ${STATUS[o.status]}`,
        ];
        const master = firstNameOf(o.master_name);
        if (
          master &&
          o.status !== 'canceled' &&
          !['searching', 'deferred', 'guarantee', 'created'].includes(o.status)
        )
          lines.push(`Мастер: ${f(master)}`);
        if (!isDone(o) && o.status !== 'canceled')
          lines.push(
            `Время визита: ${formatTimeslot({ start: o.timeslot_start, end: o.timeslot_end, isAsap: o.is_asap }, o.timezone, now)}`,
          );
        const fb = feedbackLines(o);
        return [...lines, ...(fb.length ? ['', ...fb] : [])].join('\n');
      });
    },
  },

  fallback: 'Я умею только присылать уведомления о заказах. Откройте ссылку из SMS или нажмите /start.',
  star: CLIENT_BUTTONS.star,
  amountYes: CLIENT_BUTTONS.amountYes,
  amountNo: CLIENT_BUTTONS.amountNo,
  statusButton: CLIENT_BUTTONS.status,
} as const;
