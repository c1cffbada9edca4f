import type { CommissionStatus, OrderStatus } from '@fs/domain';

/**
 * The admin bot's one set of status words: the order queue and card, the master card, finance and
 * the reports' columns all say the same. A screen may put an icon before the word (`withIcons`).
 */

export const ORDER_STATUS_LABELS: Record<OrderStatus, string> = {
  created: 'Черновик',
  deferred: 'Отложена',
  searching: 'Поиск мастера',
  guarantee: 'Гарантия: поиск мастера',
  assigned: 'Назначено мастеру',
  en_route: 'Мастер в пути',
  working: 'Мастер работает',
  payment: 'Ожидает подтверждения оплаты',
  closed: 'Закрыта',
  canceled: 'Отменена',
};

export const COMMISSION_STATUS_LABELS: Record<CommissionStatus, string> = {
  wait_pay: 'Ожидает оплаты',
  reported: 'Проверяется',
  approved: 'Оплачено',
  overdue: 'Просрочено',
};

/** The same words, each behind its icon: `withIcons({ a: '✅' }, { a: 'Оплачено' }).a` is '✅ Оплачено'. */
export function withIcons<K extends string>(
  icons: Record<K, string>,
  words: Record<K, string>,
): Record<K, string> {
  const keys = Object.keys(words) as K[];
  return Object.fromEntries(keys.map((k) => [k, `${icons[k]} ${words[k]}`])) as Record<K, string>;
}
