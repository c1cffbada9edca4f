import {
  CATEGORY_LABELS,
  type Category,
  type CommissionStatus,
  escapeHtml,
  type Field,
  fitText,
  formatMoney,
  type ModerationStatus,
  type OrderStatus,
  pluralRu,
  type ShiftStatus,
  STAFF_ROLE_LABELS,
  type StaffRole,
} from '@fs/domain';
import type { MasterListRow } from '../queries/masters';
import type { StaffRow } from '../queries/staff-admin';
import { COMMISSION_STATUS_LABELS, ORDER_STATUS_LABELS, withIcons } from './statuses';

/** Admin bot texts: masters, moderation, finance, staff and access (part of the bot's one texts module). */

const MODERATION: Record<ModerationStatus, string> = {
  pending: '🕓 На модерации',
  approved: '✅ Одобрен',
  rejected: '❌ Отклонён',
};

const SHIFT: Record<ShiftStatus, string> = {
  on: '🟢 На смене',
  break: '☕ Перерыв',
  off: '⚪️ Вне смены',
};

const COMMISSION = withIcons<CommissionStatus>(
  { wait_pay: '⏳', reported: '🧾', approved: '✅', overdue: '🚫' },
  COMMISSION_STATUS_LABELS,
);

const ROLE = withIcons<StaffRole>({ global_admin: '👑', city_admin: '🏙', logist: '📦' }, STAFF_ROLE_LABELS);

const GROUP = {
  reported: '🧾 На проверке',
  due: '⏳ Ожидают оплаты',
  overdue: '🚫 Просроченные',
  approved: '✅ Оплаченные',
} as const;

const PERIOD = {
  today: '📅 Сегодня',
  yesterday: '📅 Вчера',
  week: '📆 Эта неделя',
  month: '📆 Этот месяц',
  older: '🗄 Старше',
} as const;

const REQUISITE = {
  card_number: '💳 Номер карты',
  card_holder: '👤 Держатель карты',
  bank: '🏦 Банк карты',
  sbp_phone: '📱 Телефон СБП',
  sbp_bank: '🏦 Банк СБП',
  account: '🏦 Расчётный счёт',
  other: '📝 Прочие данные',
  comment: '💬 Комментарий к переводу',
} as const;

const REQUISITE_PROMPT: Record<keyof typeof REQUISITE, string> = {
  card_number: 'Введите номер карты (16 цифр).',
  card_holder: 'Введите имя держателя карты.',
  bank: 'Введите название банка карты.',
  sbp_phone: 'Введите телефон для СБП в формате +7XXXXXXXXXX.',
  sbp_bank: 'Введите банк для СБП.',
  account: 'Введите расчётный счёт (20 цифр).',
  other: 'Введите прочие данные для оплаты (до 500 символов).',
  comment: 'Введите комментарий, который мастер укажет в переводе (до 300 символов).',
};

const yesNo = (v: boolean) => (v ? '✅' : '❌');
const code = (v: string | null | undefined) => (v ? `<code>${escapeHtml(v)}</code>` : '—');
const skillsLine = (skills: readonly Category[]) =>
  skills.length > 0 ? skills.map((s) => CATEGORY_LABELS[s]).join(', ') : '—';

const reviewsLabel = (n: number) =>
  n === 0 ? 'отзывов нет' : `${n} ${pluralRu(n, 'отзыв', 'отзыва', 'отзывов')}`;

function feedbackLines(f: MasterCardView['feedback']): string[] {
  const share = f.decided > 0 ? `${Math.round((f.accepted / f.decided) * 100)} %` : '—';
  const lines = [
    `📨 Принимает предложения: ${share} (${f.accepted} из ${f.decided} за ${f.windowDays} дней; отказ и истёкшее — не принял)`,
  ];
  if (f.latest.length === 0) {
    lines.push('🗣 Отзывы клиентов: нет');
    return lines;
  }
  lines.push('🗣 Последние отзывы клиентов:');
  for (const r of f.latest) {
    const stars = r.stars !== null ? `${'⭐'.repeat(r.stars)} ${r.stars}/5` : 'без оценки';
    const amount =
      r.amountConfirmed === null ? '' : r.amountConfirmed ? ' · сумма ✅' : ' · ⚠️ сумма оспорена';
    lines.push(`   • ${r.at}, заказ #${r.orderId}: ${stars}${amount}`);
  }
  return lines;
}

export interface MasterCardView {
  id: number;
  full_name: string;
  username: string | null;
  phone: string | null;
  city: string | null;
  rating: string;
  has_vehicle: boolean;
  vehicle_plate: string | null;
  moderation_status: ModerationStatus;
  moderation_reason: string | null;
  verified_at: string | null;
  shift_status: ShiftStatus;
  is_blocked: boolean;
  blocked_reason: string | null;
  limit: number;
  limitIsOverride: boolean;
  districts: string[];
  skills: Category[];
  documents: number;
  stats: { closed: number; revenueKopecks: number; canceled: number };
  activeOrders: { id: number; status: OrderStatus }[];
  commissions: { id: number; order_id: number; amount_kopecks: number; status: CommissionStatus }[];
  balance: { dueKopecks: number; overdueKopecks: number; paidKopecks: number };
  created: string;
  /** Rating, reviews and acceptance rate (issue 17). */
  feedback: {
    rating: number;
    reviewsCount: number;
    decided: number;
    accepted: number;
    windowDays: number;
    latest: { orderId: number; stars: number | null; amountConfirmed: boolean | null; at: string }[];
  };
  /** Staff see where the master is and when that was last updated (other masters never do). */
  place: {
    base: { at: string; url: string } | null;
    live: { at: string; until: string | null; active: boolean; url: string } | null;
  };
}

export interface CommissionCardView {
  id: number;
  order_id: number;
  master_id: number;
  master_name: string;
  master_phone: string | null;
  city: string;
  amount_kopecks: number;
  ratePct: number;
  status: CommissionStatus;
  order_total_kopecks: number | null;
  deadline: string;
  created: string;
  reported: string | null;
  approved: string | null;
  approved_by: string | null;
  paid_amount_kopecks: number | null;
  reject_reason: string | null;
  receipts: number;
}

function masterCard(m: MasterCardView, f: Field): string {
  const lines = [
    `👤 <b>${f(m.full_name || 'без имени')}</b> #${m.id}`,
    `📍 Город: ${f(m.city ?? '—')}`,
    `📞 Телефон: ${code(m.phone)}${m.username ? ` · @${f(m.username)}` : ''}`,
    `⭐ Рейтинг: ${m.feedback.rating.toFixed(2)} (${reviewsLabel(m.feedback.reviewsCount)}) · 🚗 Авто: ${yesNo(m.has_vehicle)}${m.vehicle_plate ? ` ${f(m.vehicle_plate)}` : ''}`,
    `📋 Анкета: ${MODERATION[m.moderation_status]}${m.verified_at ? ` (${m.verified_at})` : ''}`,
  ];
  if (m.moderation_status === 'rejected' && m.moderation_reason)
    lines.push(`❌ Причина отклонения: ${f(m.moderation_reason)}`);
  lines.push(`📅 Смена: ${SHIFT[m.shift_status]}`);
  const { base, live } = m.place;
  lines.push(
    `🏠 Базовая точка: ${base ? `<a href="${escapeHtml(base.url)}">на карте</a>, обновлена ${base.at}` : 'не указана'}`,
  );
  if (live) {
    const state = live.active ? `идёт${live.until ? ` до ${live.until}` : ''}` : 'закончилась';
    lines.push(`📡 Трансляция: ${state}, <a href="${escapeHtml(live.url)}">последняя точка</a> ${live.at}`);
  }
  if (m.is_blocked) lines.push(`🚫 <b>Заблокирован</b>: ${f(m.blocked_reason ?? '—')}`);
  lines.push(
    `🔢 Лимит активных заказов: ${m.limit}${m.limitIsOverride ? ' (индивидуальный)' : ' (по умолчанию)'}`,
    `🗺 Районы: ${m.districts.length > 0 ? m.districts.map((d) => f(d)).join(', ') : 'не выбраны (только поиск по всему городу)'}`,
    `🛠 Навыки: ${skillsLine(m.skills)}`,
    `📄 Документы: ${m.documents}`,
    '',
    `📊 Закрыто заказов: ${m.stats.closed} · выручка ${formatMoney(m.stats.revenueKopecks)} · отменено ${m.stats.canceled}`,
    `📦 Активные заказы: ${
      m.activeOrders.length > 0
        ? m.activeOrders.map((o) => `#${o.id} (${ORDER_STATUS_LABELS[o.status]})`).join(', ')
        : 'нет'
    }`,
    `💰 Комиссии: к оплате ${formatMoney(m.balance.dueKopecks)} · просрочено ${formatMoney(m.balance.overdueKopecks)} · оплачено ${formatMoney(m.balance.paidKopecks)}`,
  );
  for (const c of m.commissions) {
    lines.push(
      `   • #${c.id} заказ #${c.order_id}: ${formatMoney(c.amount_kopecks)} — ${COMMISSION[c.status]}`,
    );
  }
  lines.push('', ...feedbackLines(m.feedback));
  lines.push('', `🗓 Зарегистрирован: ${m.created}`);
  return lines.join('\n');
}

export const mastersTexts = {
  moderationLabel: MODERATION,
  shiftLabel: SHIFT,
  roleLabel: ROLE,
  groupLabel: GROUP,
  periodLabel: PERIOD,
  requisiteLabel: REQUISITE,
  requisitePrompt: REQUISITE_PROMPT,

  buttons: {
    filters: '🔧 Фильтры',
    resetFilters: '🔄 Сбросить фильтры',
    showList: '📋 Показать список',
    open: (id: number, name: string) => `👁 #${id} ${name}`,
    approve: '✅ Одобрить',
    reject: '❌ Отклонить',
    block: '🚫 Заблокировать',
    unblock: '🔓 Разблокировать',
    limit: '🔢 Лимит заказов',
    districts: '🗺 Районы',
    skills: '🛠 Навыки',
    message: '✉️ Сообщение мастеру',
    documents: '📄 Документы',
    backToCard: '⬅️ К карточке',
    backToList: '⬅️ К списку',
    save: '💾 Сохранить',
    cancel: '❌ Отмена',
    moderationQueue: '🛠 Очередь модерации',
    toggle: (on: boolean, label: string) => `${on ? '✅' : '⬜️'} ${label}`,
    filterCity: (name: string) => `🏙 Город: ${name}`,
    filterStatus: (label: string) => `📋 Статус: ${label}`,
    filterSkill: (label: string) => `🛠 Навык: ${label}`,
    filterShift: (label: string) => `🟢 Смена: ${label}`,
    filterBlocked: (label: string) => `🚫 Блокировка: ${label}`,
    allCities: '🌍 Все города',
    // Finance
    group: (label: string, n: number) => `${label} (${n})`,
    period: (label: string, n: number) => `${label} (${n})`,
    commission: (id: number, amount: number, name: string) => `#${id} · ${formatMoney(amount)} · ${name}`,
    receipts: (n: number) => `📎 Чеки (${n})`,
    approvePayment: '✅ Подтвердить',
    confirmApprove: (amount: number) => `✅ Да, подтвердить ${formatMoney(amount)}`,
    rejectPayment: '❌ Отклонить',
    openMaster: '👷 Карточка мастера',
    balances: '👷 Балансы мастеров',
    requisites: '💳 Способы оплаты',
    backToFinance: '⬅️ Финансы',
    backToGroup: '⬅️ К периодам',
    backToRequisites: '⬅️ К реквизитам',
    // Staff
    issueCode: '🔑 Выдать код доступа',
    addStaff: '➕ Добавить сотрудника',
    staffList: '👥 Сотрудники',
    codes: '🎟 Активные коды',
    citiesDone: '✅ Готово',
    deactivate: '⛔️ Деактивировать',
    activate: '✅ Активировать',
    revoke: (codeText: string) => `🚫 Отозвать ${codeText}`,
    staffRow: (active: boolean, name: string) => `${active ? '🟢' : '⚪️'} ${name}`,
    backToStaff: '⬅️ Персонал',
  },

  filterAll: 'Все',
  filterShift: { all: 'Все', on: 'На смене', off: 'Вне смены' },
  filterBlocked: { all: 'Все', yes: 'Заблокированы', no: 'Не заблокированы' },

  // ——— Masters list and card ———
  listTitle: (total: number, page: number, pages: number, filters: string) =>
    `👷 <b>Мастера</b> (${total})\n${filters}\nСтраница ${page + 1} из ${pages}`,
  listEmpty: 'Мастеров по этим фильтрам нет.',
  listRow: (r: MasterListRow) =>
    `#${r.id} ${escapeHtml(r.full_name || 'без имени')} · ${escapeHtml(r.city ?? '—')} · ${MODERATION[r.moderation_status]} · ${SHIFT[r.shift_status]}${r.is_blocked ? ' · 🚫 Заблокирован' : ''} · ⭐ ${Number(r.rating).toFixed(1)} · 📦 ${r.active_orders ?? 0}`,
  filtersSummary: (parts: { city: string; status: string; skill: string; shift: string; blocked: string }) =>
    `Город: ${escapeHtml(parts.city)} · Статус: ${parts.status} · Навык: ${parts.skill} · Смена: ${parts.shift} · Блокировка: ${parts.blocked}`,
  filtersTitle: '🔧 <b>Фильтры мастеров</b>\n\nНажимайте на фильтр, чтобы сменить значение.',
  pickCity: (page: number, pages: number) => `🏙 <b>Выберите город</b> (стр. ${page + 1} из ${pages})`,

  /** Typed values go through `f` (fitText): the card fits Telegram's limit, values cut with an ellipsis. */
  card: (m: MasterCardView) => fitText((f) => masterCard(m, f)),

  // ——— Moderation ———
  moderationTitle: (total: number, page: number, pages: number) =>
    `🛠 <b>Модерация</b>: анкет в очереди — ${total}\nСтраница ${page + 1} из ${pages}`,
  moderationEmpty: '🛠 <b>Модерация</b>\n\nНовых анкет нет.',
  noDocuments: 'Документов у мастера нет.',
  documentsSent: (sent: number, failed: number) =>
    failed > 0
      ? `📄 Отправлено документов: ${sent}. Не удалось открыть: ${failed}.`
      : `📄 Документы мастера: ${sent}.`,
  documentCaption: (masterId: number, kind: string | null) =>
    `Мастер #${masterId}${kind ? ` · ${escapeHtml(kind)}` : ''}`,
  approved: '✅ Анкета одобрена, мастер получит уведомление.',
  notPending: 'Анкета уже не на модерации.',
  askRejectReason: (name: string) =>
    `❌ <b>Отклонение анкеты</b> ${escapeHtml(name)}\n\nНапишите причину (3–500 символов). Мастер увидит её.`,
  rejected: '❌ Анкета отклонена, мастер получит причину.',

  // ——— Master actions ———
  askBlockReason: (name: string) =>
    `🚫 <b>Блокировка мастера</b> ${escapeHtml(name)}\n\nНапишите причину (3–500 символов). Мастер увидит её.`,
  askUnblockReason: (name: string) =>
    `🔓 <b>Разблокировка мастера</b> ${escapeHtml(name)}\n\nНапишите причину разблокировки (3–500 символов), она попадёт в журнал.`,
  blocked: '🚫 Мастер заблокирован и получит уведомление.',
  unblocked: '🔓 Мастер разблокирован и получит уведомление.',
  alreadyBlocked: 'Мастер уже заблокирован.',
  notBlocked: 'Мастер не заблокирован.',
  askLimit: (name: string, current: number, def: number) =>
    `🔢 <b>Лимит активных заказов</b> для ${escapeHtml(name)}\n\nСейчас: ${current}. Введите число от 0 до 50 или «-», чтобы вернуть значение по умолчанию (${def}).`,
  limitSet: (n: number) => `🔢 Лимит активных заказов: ${n}. Мастер получит уведомление.`,
  limitSame: 'Этот лимит уже установлен — ничего не изменилось.',
  badLimit: '⚠️ Введите целое число от 0 до 50 или «-».',
  askMessage: (name: string) =>
    `✉️ <b>Сообщение мастеру</b> ${escapeHtml(name)}\n\nНапишите текст (до 1000 символов).`,
  messageSent: '✉️ Сообщение поставлено в отправку.',
  messageDuplicate: 'Это сообщение уже отправлено.',
  reasonTooShort: '⚠️ Причина слишком короткая: нужно от 3 символов.',
  reasonTooLong: '⚠️ Причина слишком длинная: до 500 символов.',
  messageTooLong: '⚠️ Сообщение слишком длинное: до 1000 символов.',
  messageEmpty: '⚠️ Сообщение пустое. Напишите текст.',
  textExpected: '⚠️ Нужен текст. Напишите сообщением или нажмите «❌ Отмена».',
  useButtonsHere: '⚠️ Здесь нужно выбрать вариант кнопками под сообщением.',
  districtsTitle: (name: string, city: string, selected: number, page: number, pages: number) =>
    `🗺 <b>Районы мастера</b> ${escapeHtml(name)} (${escapeHtml(city)})\n\nВыбрано: ${selected || '0 — заказы только при поиске по всему городу'}. Страница ${page + 1} из ${pages}.\nОтметьте районы и нажмите «💾 Сохранить».`,
  noCity: 'У мастера не указан город — районы выбрать нельзя.',
  districtsSaved: '🗺 Районы сохранены.',
  skillsTitle: (name: string) =>
    `🛠 <b>Навыки мастера</b> ${escapeHtml(name)}\n\nОтметьте навыки (хотя бы один) и нажмите «💾 Сохранить».`,
  skillsSaved: '🛠 Навыки сохранены.',
  skillsEmpty: '⚠️ Выберите хотя бы один навык.',
  changeFailed: 'Не удалось сохранить: данные устарели. Откройте карточку заново.',

  // ——— Finance ———
  financeTitle: '💰 <b>Финансы</b>\n\nКомиссии мастеров по статусам.',
  groupTitle: (label: string, total: number) =>
    `${label}: ${total}\n\nВыберите период (по дате создания комиссии).`,
  listTitleFinance: (group: string, period: string, total: number, page: number, pages: number) =>
    `${group} · ${period}: ${total}\nСтраница ${page + 1} из ${pages}`,
  commissionsEmpty: 'Комиссий за этот период нет.',
  commissionRow: (r: {
    id: number;
    order_id: number;
    amount_kopecks: number;
    master_name: string;
    deadline: string;
  }) =>
    `#${r.id} · заказ #${r.order_id} · ${escapeHtml(r.master_name || 'без имени')} · ${formatMoney(r.amount_kopecks)} · ⏰ ${r.deadline}`,
  commissionCard: (c: CommissionCardView) => {
    const lines = [
      `💳 <b>Комиссия #${c.id}</b>`,
      `📋 Заказ: #${c.order_id} (${escapeHtml(c.city)})${c.order_total_kopecks !== null ? ` · сумма заказа ${formatMoney(c.order_total_kopecks)}` : ''}`,
      `👨‍🔧 Мастер: ${escapeHtml(c.master_name || 'без имени')} #${c.master_id}${c.master_phone ? ` ${code(c.master_phone)}` : ''}`,
      `📊 Статус: ${COMMISSION[c.status]}`,
      `💰 Сумма: ${formatMoney(c.amount_kopecks)} (ставка ${c.ratePct}%)`,
      `⏰ Срок оплаты: ${c.deadline}`,
      `📅 Создана: ${c.created}`,
    ];
    if (c.reported) lines.push(`📤 Мастер сообщил об оплате: ${c.reported}`);
    if (c.approved)
      lines.push(`✅ Подтверждена: ${c.approved}${c.approved_by ? ` (${escapeHtml(c.approved_by)})` : ''}`);
    if (c.paid_amount_kopecks !== null) lines.push(`💵 Оплачено: ${formatMoney(c.paid_amount_kopecks)}`);
    if (c.reject_reason) lines.push(`❌ Последний отказ: ${escapeHtml(c.reject_reason)}`);
    lines.push(`📎 Чеков: ${c.receipts}`);
    return lines.join('\n');
  },
  confirmApprove: (id: number, amount: number) =>
    `💰 <b>Подтвердить оплату комиссии #${id}?</b>\n\nСумма: ${formatMoney(amount)}. Заказ будет закрыт, мастеру придёт уведомление.`,
  commissionApproved: (r: { paidKopecks: number; rewards: number; unblocked: boolean }) =>
    [
      `✅ Оплата подтверждена: ${formatMoney(r.paidKopecks)}.`,
      r.rewards > 0 ? `🎁 Начислено реферальных бонусов: ${r.rewards}.` : '',
      r.unblocked ? '🔓 Мастер разблокирован.' : '',
    ]
      .filter(Boolean)
      .join('\n'),
  commissionWrongState: 'Статус комиссии уже изменился. Откройте карточку заново.',
  askCommissionReject: (id: number) =>
    `❌ <b>Отклонение оплаты комиссии #${id}</b>\n\nНапишите причину (3–500 символов). Мастер увидит её.`,
  commissionRejected: (status: 'wait_pay' | 'overdue') =>
    `❌ Оплата отклонена, комиссия снова ${status === 'overdue' ? 'просрочена' : 'ожидает оплаты'}. Мастер получит причину.`,
  noReceipts: 'Чеков нет.',
  receiptCaption: (commissionId: number, n: number) => `Чек ${n} · комиссия #${commissionId}`,
  receiptsSent: (sent: number, failed: number) =>
    failed > 0 ? `📎 Отправлено чеков: ${sent}. Не удалось открыть: ${failed}.` : `📎 Чеков: ${sent}.`,
  balancesTitle: (total: number, page: number, pages: number) =>
    `👷 <b>Балансы мастеров</b> (${total})\nК оплате · просрочено · оплачено\nСтраница ${page + 1} из ${pages}`,
  balancesEmpty: 'Комиссий пока нет.',
  balanceRow: (r: {
    master_id: number;
    master_name: string;
    dueKopecks: number;
    overdueKopecks: number;
    paidKopecks: number;
  }) =>
    `#${r.master_id} ${escapeHtml(r.master_name || 'без имени')}: ${formatMoney(r.dueKopecks)} · ${formatMoney(r.overdueKopecks)} · ${formatMoney(r.paidKopecks)}`,

  // ——— Owner requisites ———
  requisitesTitle: (values: Partial<Record<keyof typeof REQUISITE, string>>) => {
    const lines = ['💳 <b>Способы оплаты</b> (реквизиты владельца)', ''];
    for (const [key, label] of Object.entries(REQUISITE) as [keyof typeof REQUISITE, string][]) {
      lines.push(`${label}: ${code(values[key])}`);
    }
    lines.push(
      '',
      'Новые комиссии сохраняют эти реквизиты на момент создания. Нажмите на поле, чтобы изменить.',
    );
    return lines.join('\n');
  },
  askRequisite: (field: keyof typeof REQUISITE, current: string | undefined) =>
    `<b>${REQUISITE[field]}</b>\nСейчас: ${code(current)}\n\n${REQUISITE_PROMPT[field]}\nОтправьте «-», чтобы очистить поле.`,
  requisiteSaved: (field: keyof typeof REQUISITE) => `✅ Сохранено: ${REQUISITE[field]}.`,
  requisiteError: {
    format: '⚠️ Неверный формат. Проверьте значение и отправьте ещё раз.',
    checksum: '⚠️ Номер карты не прошёл проверку (ошибка в цифрах). Проверьте и отправьте ещё раз.',
    too_long: '⚠️ Слишком длинное значение.',
  },
  onlyGlobal: '⛔️ Реквизиты меняет только глобальный администратор.',

  // ——— Staff and access ———
  staffTitle:
    '👤 <b>Персонал и доступ</b>\n\nВыдайте одноразовый код доступа или добавьте сотрудника по Telegram ID / @username.',
  pickRole: (mode: 'code' | 'add') =>
    mode === 'code'
      ? '🔑 <b>Код доступа</b>\n\nВыберите роль сотрудника:'
      : '➕ <b>Новый сотрудник</b>\n\nВыберите роль:',
  pickCities: (selected: string[], page: number, pages: number) =>
    `🏙 <b>Города сотрудника</b>\n\nВыбрано: ${selected.length > 0 ? selected.map(escapeHtml).join(', ') : 'ничего'}.\nСтраница ${page + 1} из ${pages}. Отметьте города и нажмите «✅ Готово».`,
  citiesRequired: '⚠️ Выберите хотя бы один город.',
  codeIssued: (c: { code: string; role: StaffRole; cities: string[]; link: string; expires: string }) =>
    [
      '🔑 <b>Код доступа создан</b>',
      '',
      `Код: <code>${escapeHtml(c.code)}</code>`,
      `Роль: ${ROLE[c.role]}`,
      `Города: ${c.cities.length > 0 ? c.cities.map(escapeHtml).join(', ') : 'все'}`,
      `Действует до: ${c.expires}`,
      '',
      `Ссылка для входа: ${escapeHtml(c.link)}`,
      'Код одноразовый: передайте его одному сотруднику.',
    ].join('\n'),
  askStaffUser: '➕ Отправьте <b>Telegram ID</b> (число) или <b>@username</b> сотрудника.',
  badStaffUser: '⚠️ Нужен числовой Telegram ID или @username (5–32 символа: латиница, цифры, _).',
  staffExists: '⚠️ Такой сотрудник уже есть в системе.',
  staffAdded: (who: string, role: StaffRole, cities: string[], inviteExpires: string | null) =>
    [
      '✅ <b>Сотрудник добавлен</b>',
      '',
      `Пользователь: ${escapeHtml(who)}`,
      `Роль: ${ROLE[role]}`,
      `Города: ${cities.length > 0 ? cities.map(escapeHtml).join(', ') : 'все'}`,
      '',
      inviteExpires
        ? `Доступ откроется, когда сотрудник напишет боту /start. Приглашение по username действует до ${inviteExpires}: кто первым напишет с этим username, тот и получит доступ, поэтому проверьте в карточке, кто его принял.`
        : 'Доступ откроется, когда сотрудник напишет боту /start.',
    ].join('\n'),
  staffListTitle: (total: number, page: number, pages: number) =>
    `👥 <b>Сотрудники</b> (${total})\nСтраница ${page + 1} из ${pages}`,
  staffListRow: (s: {
    id: number;
    full_name: string;
    username: string | null;
    role: StaffRole;
    is_active: boolean;
    cities: string[];
  }) =>
    `${s.is_active ? '🟢' : '⚪️'} #${s.id} ${escapeHtml(s.full_name || (s.username ? `@${s.username}` : 'без имени'))} · ${ROLE[s.role]} · ${
      s.cities.length > 0
        ? s.cities.map(escapeHtml).join(', ')
        : s.role === 'global_admin'
          ? 'все города'
          : 'без городов'
    }`,
  staffCard: (
    s: Pick<StaffRow, 'id' | 'full_name' | 'username' | 'tg_user_id' | 'role' | 'is_active' | 'cities'> & {
      created: string;
      /** An invitation by @username: taken (when) or pending / expired (until when). */
      invitation: { taken: string } | { expires: string; expired: boolean } | null;
    },
  ) =>
    [
      `${ROLE[s.role]}`,
      `👤 <b>${escapeHtml(s.full_name || 'без имени')}</b> #${s.id}`,
      `📱 Telegram ID: ${s.tg_user_id !== null ? `<code>${s.tg_user_id}</code>` : 'ещё не входил'}`,
      `🔗 ${s.username ? `@${escapeHtml(s.username)}` : '—'}`,
      `🏙 Города: ${s.role === 'global_admin' && s.cities.length === 0 ? 'все' : s.cities.length > 0 ? s.cities.map(escapeHtml).join(', ') : 'не назначены'}`,
      `📊 Статус: ${s.is_active ? '🟢 Активен' : '⚪️ Отключён'}`,
      `📅 Создан: ${s.created}`,
      ...(s.invitation === null
        ? []
        : 'taken' in s.invitation
          ? [
              `🎟 Приглашение по username принято ${s.invitation.taken}: ${escapeHtml(s.full_name || 'без имени')}, Telegram ID <code>${s.tg_user_id}</code>`,
            ]
          : s.invitation.expired
            ? [`⌛️ Приглашение истекло ${s.invitation.expires}: добавьте сотрудника заново`]
            : [`⏳ Приглашение ждёт входа до ${s.invitation.expires}`]),
    ].join('\n'),
  notYourself: 'Нельзя отключить самого себя.',
  staffDeactivated: '⛔️ Сотрудник отключён.',
  staffActivated: '✅ Сотрудник снова активен.',
  staffUnchanged: 'Статус уже такой.',
  codesTitle: (total: number, page: number, pages: number) =>
    `🎟 <b>Активные коды доступа</b> (${total})\nСтраница ${page + 1} из ${pages}`,
  codesEmpty: '🎟 Активных кодов нет.',
  codeRow: (c: { code: string; role: StaffRole; cities: string[]; expires: string }) =>
    `<code>${escapeHtml(c.code)}</code> · ${ROLE[c.role]} · ${c.cities.length > 0 ? c.cities.map(escapeHtml).join(', ') : 'все города'} · до ${c.expires}`,
  codeRevoked: '🚫 Код отозван.',
  codeNotActive: 'Код уже использован или отозван.',
};
