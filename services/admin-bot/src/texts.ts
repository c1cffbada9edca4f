import { escapeHtml, type StaffRole } from '@fs/domain';

/** Every text the admin bot sends. Russian; user-provided values are HTML-escaped. */

export const ROLE_LABELS: Record<StaffRole, string> = {
  global_admin: 'Глобальный администратор',
  city_admin: 'Администратор города',
  logist: 'Логист',
};

export const texts = {
  error: '⚠️ Что-то пошло не так. Попробуйте ещё раз или нажмите /start.',
  staleButton: 'Кнопка устарела. Откройте меню: /start',

  askCode: '🔐 Это бот для сотрудников сервиса.\n\nОтправьте код доступа, который вам выдал администратор.',
  codeInvalid:
    '❌ Код не подошёл: он неверный, уже использован, отозван или истёк. Проверьте код и отправьте его ещё раз.',
  codeTooManyAttempts: '⏳ Слишком много неверных попыток. Попробуйте снова через 10 минут.',
  codeAccepted: '✅ Код принят, доступ открыт.',
  deactivated: '⛔️ Ваш доступ к боту отключён. Если вам выдали новый код доступа, отправьте его.',

  greeting: (name: string, role: StaffRole, cities: string[]) => {
    const lines = [
      `👋 Здравствуйте, ${escapeHtml(name || 'коллега')}!`,
      `Ваша роль: <b>${ROLE_LABELS[role]}</b>.`,
    ];
    if (role === 'global_admin') lines.push('Доступ: все города.');
    else if (cities.length > 0) lines.push(`Города: ${cities.map(escapeHtml).join(', ')}.`);
    else lines.push('Города пока не назначены — обратитесь к глобальному администратору.');
    lines.push('', 'Меню бота появится в ближайшем обновлении.');
    return lines.join('\n');
  },
};
