import type { FinanceSummary, MasterCommissionCard, MasterCommissionRow } from '@fs/dispatch';
import {
  CATEGORY_LABELS,
  type CommissionStatus,
  escapeHtml,
  type Field,
  fitText,
  formatMoment,
  formatMoney,
  formatRemaining,
  type ModerationStatus,
  type ReferralRewardStatus,
  truncate,
} from '@fs/domain';
import type {
  HistoryRow,
  HistoryTotals,
  MasterStats,
  ReferralOverview,
  StatsPeriod,
} from '../queries/cabinet';

/**
 * Master bot texts: history, statistics, finance, requisites, referrals, knowledge base
 * (part of the bot's one texts module). Russian; user-provided values are HTML-escaped.
 */

const NOT_SET = 'не указано';

export const COMMISSION_STATUS_TITLES: Record<CommissionStatus, string> = {
  wait_pay: '⏳ Ожидает оплаты',
  reported: '📝 На проверке',
  approved: '✅ Оплата подтверждена',
  overdue: '⚠️ Просрочена',
};

const MODERATION_TITLES: Record<ModerationStatus, string> = {
  pending: 'на модерации',
  approved: 'одобрен',
  rejected: 'анкета отклонена',
};

const REWARD_STATUS_TITLES: Record<ReferralRewardStatus, string> = {
  accrued: 'начислено',
  paid: 'выплачено',
  canceled: 'отменено',
};

const PERIOD_TITLES: Record<StatsPeriod, string> = {
  week: 'за 7 дней',
  month: 'за 30 дней',
  all: 'за всё время',
};

/** Seconds as "45 сек", "2 мин 5 сек", "1 ч 10 мин" (the domain's time-left format). */
export function formatDuration(seconds: number): string {
  return formatRemaining(new Date(Math.max(1, seconds) * 1000), new Date(0)) ?? '—';
}

const pct = (part: number, whole: number) => `${Math.round((part / whole) * 100)} %`;

export const cabinetTexts = {
  buttons: {
    card: (orderId: number) => `Заказ #${orderId}`,
    commission: (id: number) => `Комиссия #${id}`,
    paid: '💸 Я оплатил',
    done: '✅ Готово',
    payHistory: '✅ История оплат',
    toFinance: '💳 Финансы',
    requisites: '💳 Реквизиты для оплаты',
    period: { week: '7 дней', month: '30 дней', all: 'Всё время' } as Record<StatsPeriod, string>,
    copyPhone: '📋 Телефон клиента',
    keepOffer: '↩️ Нет, вернуться',
    copyAddress: '📋 Адрес',
    knowledge: {
      offers: '🆕 Как работают заказы',
      statuses: '🔁 Статусы заказа',
      commission: '💸 Комиссия и сроки',
      blocking: '⛔️ Блокировка',
    } as Record<string, string>,
  },

  history: {
    empty:
      '<b>📜 История заказов</b>\n\nЗдесь появятся закрытые и отменённые заказы. Берите новые заказы в меню.',
    title: (page: number, pages: number, t: HistoryTotals) =>
      [
        '<b>📜 История заказов</b>',
        `Страница ${page}/${pages} • всего: ${t.total}`,
        '',
        `✅ Выполнено: <b>${t.closed}</b> на <b>${formatMoney(t.sumKopecks)}</b>`,
        `🚫 Отменено: <b>${t.canceled}</b>`,
      ].join('\n'),
    /** One page of the history (`page` from 1), one fitText. */
    screen: (rows: readonly HistoryRow[], page: number, pages: number, totals: HistoryTotals, now: Date) =>
      fitText((f) =>
        [
          cabinetTexts.history.title(page, pages, totals),
          '',
          ...rows.map((r) => cabinetTexts.history.row(r, now, f)),
        ].join('\n'),
      ),
    /** A list row; `f` is fitText's (the whole list is one fitText). */
    row: (o: HistoryRow, now: Date, f: Field) =>
      `${o.status === 'closed' ? '✅' : '🚫'} #${o.id} • ${formatMoment(o.finishedAt, o.timezone, now)} • ${f(o.city)}, ${f(o.district ?? 'район не указан')} • ${CATEGORY_LABELS[o.category]}${o.status === 'closed' && o.totalKopecks ? ` • ${formatMoney(o.totalKopecks)}` : ''}`,
    notFound: 'Заказ не найден в вашей истории.',
    total: (kopecks: number | null) =>
      `💰 Сумма заказа: ${kopecks === null ? NOT_SET : formatMoney(kopecks)}`,
    finished: (status: string, at: string) => `${status === 'closed' ? '🏁 Закрыт' : '🚫 Отменён'}: ${at}`,
    cancelReason: (reason: string, f: Field) => `Причина отмены: ${f(truncate(reason, 300))}`,
    commission: (id: number, kopecks: number, status: CommissionStatus) =>
      `💸 Комиссия #${id}: ${formatMoney(kopecks)} — ${COMMISSION_STATUS_TITLES[status]}`,
  },

  stats: {
    view: (period: StatsPeriod, s: MasterStats) =>
      [
        `<b>📈 Статистика ${PERIOD_TITLES[period]}</b>`,
        '',
        `✅ Выполнено заказов: <b>${s.completed}</b>`,
        `💰 Выручка: <b>${formatMoney(s.revenueKopecks)}</b>`,
        `🧾 Средний чек: <b>${s.avgCheckKopecks === null ? '—' : formatMoney(s.avgCheckKopecks)}</b>`,
        `⭐️ Рейтинг: <b>${s.rating.toLocaleString('ru-RU', { minimumFractionDigits: 1, maximumFractionDigits: 2 })}</b>`,
        `🎯 Принято предложений: <b>${s.offers === 0 ? '—' : `${pct(s.accepted, s.offers)} (${s.accepted} из ${s.offers})`}</b>`,
        `⏱ Медианное время ответа: <b>${s.medianResponseSeconds === null ? '—' : formatDuration(s.medianResponseSeconds)}</b>`,
        '',
        '<i>Выполненные — заказы, закрытые вами (с актом). Время ответа — от предложения до вашего «Взять» или «Отказаться».</i>',
      ].join('\n'),
  },

  finance: {
    title: '<b>💳 Финансы</b>',
    summary: (s: FinanceSummary) =>
      (['wait_pay', 'reported', 'overdue', 'approved'] as const)
        .filter((k) => s[k].count > 0 || k === 'wait_pay')
        .map((k) => `${COMMISSION_STATUS_TITLES[k]}: ${s[k].count} на ${formatMoney(s[k].sumKopecks)}`)
        .join('\n'),
    blocked: (reason: string | null, support: string) =>
      [
        '⛔️ <b>Аккаунт заблокирован</b>',
        `Причина: ${escapeHtml(reason?.trim() || NOT_SET)}`,
        'Как разблокировать: оплатите просроченную комиссию по реквизитам в её карточке, нажмите «💸 Я оплатил» и отправьте чек. После проверки оплаты аккаунт разблокируют автоматически.',
        `Вопросы: ${escapeHtml(support)}`,
      ].join('\n'),
    openTitle: (page: number) => `<b>К оплате</b>${page > 0 ? ` (страница ${page + 1})` : ''}:`,
    noOpen: 'Неоплаченных комиссий нет. 👍',
    row: (c: MasterCommissionRow, now: Date) =>
      `#${c.id} • заказ #${c.orderId} • ${formatMoney(c.amountKopecks)} • до ${formatMoment(c.deadlineAt, c.timezone, now)}\n${COMMISSION_STATUS_TITLES[c.status]}`,
    paidTitle: (page: number) => `<b>✅ История оплат</b>${page > 0 ? ` (страница ${page + 1})` : ''}`,
    paidEmpty: '<b>✅ История оплат</b>\n\nПодтверждённых оплат пока нет.',
    paidRow: (c: MasterCommissionRow, now: Date) =>
      `#${c.id} • заказ #${c.orderId} • ${formatMoney(c.amountKopecks)} • ${c.approvedAt ? formatMoment(c.approvedAt, c.timezone, now) : ''}`,
    notFound: 'Комиссия не найдена среди ваших.',
    card: (c: MasterCommissionCard, now: Date) => {
      const lines = [
        `<b>💸 Комиссия #${c.id}</b>`,
        `Статус: <b>${COMMISSION_STATUS_TITLES[c.status]}</b>`,
        '',
        `Заказ #${c.orderId}${c.orderTotalKopecks !== null ? ` на ${formatMoney(c.orderTotalKopecks)}` : ''}`,
        `Ставка: ${Math.round(Number(c.rate) * 100)} %`,
        `Сумма комиссии: <b>${formatMoney(c.amountKopecks)}</b>`,
      ];
      if (c.status === 'wait_pay' || c.status === 'overdue') {
        const left = formatRemaining(c.deadlineAt, now);
        lines.push(
          `⏰ Оплатить до: <b>${formatMoment(c.deadlineAt, c.timezone, now)}</b> (время вашего города)${left ? `, осталось ${left}` : ''}`,
        );
      }
      if (c.status === 'overdue')
        lines.push('⚠️ Срок оплаты прошёл: аккаунт заблокирован до подтверждения оплаты.');
      if (c.rejectReason && (c.status === 'wait_pay' || c.status === 'overdue')) {
        lines.push(`❌ Оплата не подтверждена: ${escapeHtml(truncate(c.rejectReason, 300))}`);
      }
      if (c.reportedAt && c.status === 'reported') {
        lines.push(
          `📝 Оплата отправлена: ${formatMoment(c.reportedAt, c.timezone, now)}; чеков: ${c.receipts}`,
        );
        lines.push('Администратор проверит оплату и подтвердит её.');
      }
      if (c.approvedAt && c.status === 'approved') {
        lines.push(`✅ Подтверждено: ${formatMoment(c.approvedAt, c.timezone, now)}`);
      }
      return lines.join('\n');
    },
    payTo: '\n💳 <b>Куда оплатить:</b>',
    payToNote: '<i>Реквизиты зафиксированы на момент закрытия заказа.</i>',
    alreadyReported: 'Оплата по этой комиссии уже отправлена на проверку.',
    alreadyApproved: 'Эта комиссия уже оплачена.',
  },

  pay: {
    ask: (id: number, max: number) =>
      `📎 Отправьте фото или файл чека об оплате комиссии #${id} (можно несколько, до ${max}).\n\nКогда все чеки отправлены, нажмите «✅ Готово».`,
    received: (n: number) => `✅ Чек получен (${n}). Отправьте ещё или нажмите «✅ Готово».`,
    needFile: 'Нужно фото или файл чека. Отправьте его или нажмите «✅ Готово» / «❌ Отменить».',
    tooMany: (max: number) => `Не больше ${max} чеков. Нажмите «✅ Готово».`,
    noFiles: 'Сначала отправьте фото или файл чека.',
    done: (id: number) =>
      `✅ Оплата комиссии #${id} отправлена на проверку.\n\nАдминистратор проверит чек и подтвердит оплату — мы сообщим.`,
    doneToast: '✅ Отправлено на проверку',
    canceled: '❌ Отправка чека отменена.',
    stale: 'Это действие уже неактуально. Откройте «💳 Финансы».',
  },

  requisites: {
    title: '<b>💳 Реквизиты для оплаты комиссии</b>',
    tail: (support: string) =>
      `\nВ комментарии к переводу укажите номер заказа. После оплаты откройте комиссию в «💳 Финансы» и нажмите «💸 Я оплатил».\n\nВопросы: ${escapeHtml(support)}`,
  },

  referral: {
    view: (
      code: string,
      link: string,
      r: ReferralOverview,
      levels: { l1: number; l2: number },
      now: Date,
      tz: string,
    ) => {
      const lines = [
        '<b>🎁 Реферальная программа</b>',
        '',
        `Ваш код: <code>${escapeHtml(code)}</code>`,
        `Ссылка для приглашения: <code>${escapeHtml(link)}</code>`,
        '',
        '<b>Условия:</b>',
        `• уровень 1 (приглашённые вами): ${levels.l1} % от каждой оплаченной ими комиссии`,
        `• уровень 2 (приглашённые ими): ${levels.l2} % от комиссии`,
        '',
        `👥 Приглашено мастеров: <b>${r.invited.length}</b>${r.secondLevel > 0 ? ` (и ${r.secondLevel} на 2-м уровне)` : ''}`,
      ];
      for (const m of r.invited.slice(0, 10)) {
        lines.push(
          `• ${escapeHtml(truncate(m.name || 'без имени', 60))} — ${MODERATION_TITLES[m.moderation]}, ${formatMoment(m.joinedAt, tz, now)}`,
        );
      }
      if (r.invited.length > 10) lines.push(`… и ещё ${r.invited.length - 10}`);
      lines.push('', '<b>Начисления:</b>');
      if (r.rewards.length === 0) lines.push('Начислений пока нет.');
      for (const w of r.rewards) {
        lines.push(
          `• уровень ${w.level}, ${REWARD_STATUS_TITLES[w.status]}: ${w.count} на ${formatMoney(w.sumKopecks)}`,
        );
      }
      if (r.recent.length > 0) {
        lines.push('', '<b>Последние:</b>');
        for (const w of r.recent) {
          lines.push(
            `${formatMoment(w.createdAt, tz, now)} • ур. ${w.level} • ${formatMoney(w.amountKopecks)} • ${REWARD_STATUS_TITLES[w.status]} (заказ #${w.orderId})`,
          );
        }
      }
      lines.push('', 'Перешлите ссылку коллегам: код подставится при регистрации.');
      return lines.join('\n');
    },
  },

  knowledge: {
    title: (support: string) =>
      `<b>📚 База знаний</b>\n\nВыберите раздел. Не нашли ответ — напишите в поддержку: ${escapeHtml(support)}`,
    sections: {
      offers: [
        '<b>🆕 Как работают заказы</b>',
        '',
        'Когда вы на смене, новые заказы вашего района и специализации приходят сюда сообщением с кнопками «✅ Принять» и «✖️ Отказаться».',
        'На ответ есть ограниченное время (оно указано в сообщении). Если не ответить, заказ уйдёт другому мастеру.',
        'До принятия видны город, район, улица, время и описание; адрес полностью и телефон клиента — после принятия.',
        'Все открытые предложения — в «🆕 Новые заказы».',
      ].join('\n'),
      statuses: [
        '<b>🔁 Статусы заказа</b>',
        '',
        '• Назначено мастеру — заказ ваш, свяжитесь с клиентом.',
        '• 🚗 В пути — нажмите, когда выехали.',
        '• 🛠 Работаю — нажмите на месте.',
        '• ✅ Закрыть — введите сумму и отправьте фото акта.',
        '• Ожидает подтверждения оплаты — комиссия начислена, ждём оплату.',
        '• Заказ закрыт — оплата подтверждена.',
        'Гарантийные заказы закрываются только с актом, без комиссии.',
      ].join('\n'),
      commission: [
        '<b>💸 Комиссия и сроки</b>',
        '',
        'После закрытия заказа начисляется комиссия (процент от суммы заказа) и срок оплаты — он показан в «💳 Финансы» по времени вашего города.',
        'Оплатите по реквизитам из карточки комиссии, нажмите «💸 Я оплатил» и отправьте чек. Администратор проверит оплату.',
        'Перед сроком мы напомним об оплате.',
      ].join('\n'),
      blocking: [
        '<b>⛔️ Блокировка</b>',
        '',
        'Если комиссия не оплачена в срок, аккаунт блокируется: новые заказы не приходят.',
        'Чтобы разблокироваться: откройте «💳 Финансы», оплатите просроченную комиссию, нажмите «💸 Я оплатил» и отправьте чек. После подтверждения оплаты блокировка снимается автоматически.',
        'Если вас заблокировал администратор по другой причине, напишите в поддержку.',
      ].join('\n'),
    } as Record<string, string>,
    support: (support: string) => `\n\nПоддержка: ${escapeHtml(support)}`,
  },
} as const;
