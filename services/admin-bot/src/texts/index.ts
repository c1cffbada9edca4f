import { escapeHtml, STAFF_ROLE_LABELS, type StaffRole } from '@fs/domain';
import { mastersTexts } from './masters';
import { opsTexts } from './ops';
import { orderCreateTexts } from './order-create';
import { ordersTexts } from './orders';

/**
 * Every text the admin bot sends (this module and its section files). Russian; user-provided
 * values are HTML-escaped.
 */

export const texts = {
  error: '⚠️ Что-то пошло не так. Попробуйте ещё раз или нажмите /start.',
  staleButton: 'Кнопка устарела. Откройте меню: /start',
  outage: '⏳ Временные неполадки, попробуйте через минуту.',
  privateOnly: 'Я работаю только в личных сообщениях: напишите мне в личный чат.',

  askCode:
    '🔐 Это бот для сотрудников сервиса.\n\nОтправьте код доступа, который вам выдал администратор: 8 латинских букв и цифр, например K7M2Q9XA.',
  codeInvalid:
    '❌ Код не подошёл: он неверный, уже использован, отозван или истёк. Проверьте код и отправьте его ещё раз.',
  codeTooManyAttempts: '⏳ Слишком много неверных попыток. Попробуйте снова через 10 минут.',
  codeAccepted: '✅ Код принят, доступ открыт.',
  deactivated: '⛔️ Ваш доступ к боту отключён. Если вам выдали новый код доступа, отправьте его.',
  notStaff: 'Нет доступа. Отправьте код доступа боту.',
  noRight: '⛔️ Этот раздел недоступен для вашей роли.',
  notInScope: '⛔️ Нет доступа: это не ваш город.',
  notFound: 'Не найдено.',
  sessionExpired: '⌛️ Сессия истекла. Нажмите /start, чтобы начать заново.',
  staleAction: 'Это действие уже неактуально. Откройте меню: /start',
  canceled: 'Действие отменено.',
  nothingToCancel: 'Нечего отменять.',
  useButtons: 'Не понял сообщение. Пользуйтесь кнопками меню или нажмите /start.',

  greeting: (name: string, role: StaffRole, cities: string[]) => {
    const lines = [
      `👋 Здравствуйте, ${escapeHtml(name || 'коллега')}!`,
      `Ваша роль: <b>${STAFF_ROLE_LABELS[role]}</b>.`,
    ];
    if (role === 'global_admin') lines.push('Доступ: все города.');
    else if (cities.length > 0) lines.push(`Города: ${cities.map(escapeHtml).join(', ')}.`);
    else lines.push('Города пока не назначены — обратитесь к глобальному администратору.');
    return lines.join('\n');
  },

  menu: {
    title: '🏠 Главное меню',
    orders: '📦 Заявки',
    create: '➕ Новый заказ',
    masters: '👷 Мастера',
    moderation: '🛠 Модерация',
    finance: '💰 Финансы',
    reports: '📊 Отчёты',
    settings: '⚙️ Настройки',
    staff: '👤 Персонал и доступ',
    logs: '🧾 Логи',
  },

  buttons: {
    menu: '🏠 В меню',
    back: '⬅️ Назад',
    cancel: '❌ Отменить',
    prev: '◀️',
    next: '▶️',
  },

  orderCreate: orderCreateTexts,
  orders: ordersTexts,
  masters: mastersTexts,
  ops: opsTexts,
};
