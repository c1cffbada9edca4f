import {
  escapeHtml,
  isFullDay,
  KPI_TARGETS,
  type KpiTargetKey,
  meetsKpiTarget,
  type OrderType,
  type ReferralRewardStatus,
  truncate,
} from '@fs/domain';
import type { KpiCounts } from '../reports/queries';
import { COMMISSION_STATUS_LABELS, ORDER_STATUS_LABELS } from './statuses';

/** Admin bot texts: reports, settings, logs (part of the bot's one texts module). */

export type ReportKindKey = 'orders' | 'comm' | 'refs' | 'kpi';
export type SettingsGroupKey = 'dist' | 'limits' | 'comm' | 'hours' | 'support' | 'channels' | 'geo';

const ORDER_TYPE_LABELS: Record<OrderType, string> = { normal: 'Обычный', guarantee: 'Гарантийный' };

const REFERRAL_STATUS_LABELS: Record<ReferralRewardStatus, string> = {
  accrued: 'Начислено',
  paid: 'Выплачено',
  canceled: 'Отменено',
};

/** "1 мин 05 сек", "42 сек", "2 ч 03 мин"; "—" when unknown. */
export function formatDuration(seconds: number | null): string {
  if (seconds === null) return '—';
  const s = Math.max(0, Math.round(seconds));
  if (s < 60) return `${s} сек`;
  if (s < 3600) return `${Math.floor(s / 60)} мин ${String(s % 60).padStart(2, '0')} сек`;
  return `${Math.floor(s / 3600)} ч ${String(Math.floor((s % 3600) / 60)).padStart(2, '0')} мин`;
}

/** A share in percent with one decimal ("83,3 %"); "—" when the base is zero. */
export function formatShare(part: number, whole: number): string {
  if (whole === 0) return '—';
  return `${(Math.round((part / whole) * 1000) / 10).toFixed(1).replace('.', ',')} %`;
}

export type KpiTextRow = Omit<KpiCounts, 'cityId'>;

const verdict = (key: KpiTargetKey, value: number | null) => {
  const ok = meetsKpiTarget(key, value);
  return ok === null ? '' : ok ? ' ✅' : ' ❌';
};

/** A share in percent; null when the base is zero. */
export const pctOf = (part: number, whole: number) => (whole === 0 ? null : (part / whole) * 100);

function kpiLines(r: KpiTextRow): string[] {
  const t = KPI_TARGETS;
  return [
    `⏱ Медиана времени принятия: <b>${formatDuration(r.medianAcceptSeconds)}</b> (цель ≤ ${t.acceptSecondsMax / 60} мин${verdict('acceptSecondsMax', r.medianAcceptSeconds)})`,
    `📦 Заказов с предложениями: ${r.orders} (предложений: ${r.offers})`,
    `✅ Принято мастером: <b>${formatShare(r.accepted, r.orders)}</b> заказов (цель ≥ ${t.acceptedPercentMin} %${verdict('acceptedPercentMin', pctOf(r.accepted, r.orders))})`,
    `⌛ С истёкшим предложением: <b>${formatShare(r.expired, r.orders)}</b> (цель &lt; ${t.expiredPercentMax} %${verdict('expiredPercentMax', pctOf(r.expired, r.orders))})`,
    `✖️ С отказом: ${formatShare(r.declined, r.orders)}`,
    `🎯 Назначений: ${r.assignments}, в 1-м раунде: ${formatShare(r.round1, r.assignments)}`,
    `⚠️ Эскалации: логисту ${r.escalatedLogist}, администратору ${r.escalatedAdmin}`,
  ];
}

const reports = {
  menuTitle: '<b>📊 Отчёты</b>\n\nВыберите отчёт:',
  kinds: {
    orders: '📦 Заказы',
    comm: '💸 Комиссии',
    refs: '👥 Реферальные',
    kpi: '📈 KPI распределения',
  } satisfies Record<ReportKindKey, string>,
  /** File name prefixes and captions. */
  fileNames: { orders: 'orders', comm: 'commissions', refs: 'referral_rewards', kpi: 'kpi' } satisfies Record<
    ReportKindKey,
    string
  >,
  captionNames: {
    orders: 'Заказы',
    comm: 'Комиссии',
    refs: 'Реферальные начисления',
    kpi: 'KPI распределения',
  } satisfies Record<ReportKindKey, string>,
  allCities: '🌐 Все города',
  allMyCities: '🏙 Все мои города',
  allCitiesLabel: 'все города',
  noCities: '⛔️ Вам не назначены города — отчёты недоступны. Обратитесь к глобальному администратору.',
  chooseCity: (kind: ReportKindKey, page: number, pages: number) =>
    `<b>${reports.kinds[kind]}</b>\n\n🏙 Выберите город (стр. ${page + 1}/${pages}):`,
  choosePeriod: (kind: ReportKindKey, scope: string) =>
    `📅 <b>Выберите период</b>\n\nОтчёт: <i>${reports.kinds[kind]}</i>\nГорода: <i>${escapeHtml(scope)}</i>`,
  periods: {
    today: 'Сегодня',
    yesterday: 'Вчера',
    last7: 'Последние 7 дней',
    month: 'Текущий месяц',
    prevmonth: 'Прошлый месяц',
    custom: '✏️ Выбрать вручную',
  },
  askRange:
    '✏️ Введите период в формате <code>ДД.ММ.ГГГГ–ДД.ММ.ГГГГ</code>, например <code>01.11.2026–15.11.2026</code>.\n\nОтправьте /cancel для отмены.',
  rangeErrors: {
    format: '⚠️ Неверный формат дат. Пример: 01.11.2026–15.11.2026',
    order: '⚠️ Начало периода позже его конца. Пример: 01.11.2026–15.11.2026',
    too_long: '⚠️ Период не может быть длиннее 366 дней.',
  },
  rangeNotText: '⚠️ Отправьте период текстом, например 01.11.2026–15.11.2026, или /cancel.',
  generating: '🔄 <b>Формирую отчёт…</b>',
  caption: (kind: ReportKindKey, period: string, format: string) =>
    `${reports.captionNames[kind]} ${period} — ${format}`,
  done: (kind: ReportKindKey, period: string, scope: string, rows: number) =>
    `✅ <b>Отчёт готов</b>\n\n${reports.captionNames[kind]}, ${escapeHtml(scope)}, ${period}\nСтрок: ${rows}. Файлы CSV и XLSX отправлены.`,
  canceled: 'Отчёт отменён.',
  toReports: '📊 К отчётам',
  kpiTitle: (scope: string, period: string) => `<b>📈 KPI распределения</b>\n${escapeHtml(scope)}, ${period}`,
  kpiText: (scope: string, period: string, total: KpiTextRow, cities: readonly KpiTextRow[]) => {
    const out = [reports.kpiTitle(scope, period), '', ...kpiLines(total)];
    const shown = cities.slice(0, 10);
    if (cities.length > 1 || (cities.length === 1 && scope === reports.allCitiesLabel)) {
      for (const c of shown) out.push('', `🏙 <b>${escapeHtml(c.city ?? '')}</b>`, ...kpiLines(c));
      if (cities.length > shown.length) out.push('', `…и ещё городов: ${cities.length - shown.length}`);
    }
    out.push(
      '',
      '<i>Доли — от заказов, получивших предложения в периоде (по времени отправки; недоставленные предложения не считаются). Назначения — по времени назначения, эскалации — по времени уведомления.</i>',
    );
    return out.join('\n');
  },
  chart: {
    title: (scope: string, period: string) => `KPI распределения: ${scope}, ${period}`,
    subtitle: (median: string, orders: number, assignments: number) =>
      `Медиана принятия: ${median} (цель ≤ ${KPI_TARGETS.acceptSecondsMax / 60} мин) · заказов: ${orders} · назначений: ${assignments}`,
    bars: {
      accepted: 'Принято',
      declined: 'С отказом',
      expired: 'Истекло',
      round1: 'Назначено в 1-м раунде',
    },
    target: (p: number) => `цель ${p} %`,
    trendTitle: 'По неделям (доля заказов)',
    trendAccepted: 'Принято',
    trendExpired: 'Истекло',
    empty: 'нет данных',
  },
  kpiCaption: (scope: string, period: string) => `KPI распределения — ${scope}, ${period}`,

  /** Column headers and cell labels of the exports. */
  columns: {
    orders: [
      '№ заказа',
      'Создан (время города)',
      'Город',
      'Район',
      'Улица',
      'Дом',
      'Квартира',
      'Категория',
      'Статус',
      'Тип',
      'Слот: начало',
      'Слот: конец',
      'Как можно скорее',
      'Клиент',
      'Телефон клиента',
      'ID мастера',
      'Мастер',
      'Телефон мастера',
      'Сумма заказа, ₽',
      'Выплата компании, ₽',
      'Причина отмены',
      'Закрыт (время города)',
      'Рейтинг мастера',
      'Оценка клиента (1–5)',
      'Клиент подтвердил сумму',
    ],
    comm: [
      '№ комиссии',
      '№ заказа',
      'Город',
      'ID мастера',
      'Мастер',
      'Телефон мастера',
      'Сумма комиссии, ₽',
      'Ставка, %',
      'Статус',
      'Создана (время города)',
      'Срок оплаты (время города)',
      'Оплата отмечена (время города)',
      'Подтверждена (время города)',
      'Оплачено, ₽',
      'Причина отклонения',
    ],
    refs: [
      '№ начисления',
      'Город',
      'ID реферера',
      'Реферер',
      'ID приглашённого',
      'Приглашённый',
      '№ комиссии',
      '№ заказа',
      'Уровень',
      'Ставка, %',
      'Сумма, ₽',
      'Статус',
      'Начислено (время города)',
      'Выплачено (время города)',
    ],
  },
  sheets: { orders: 'Заказы', comm: 'Комиссии', refs: 'Реферальные' },
  yes: 'да',
  no: 'нет',
  orderStatus: ORDER_STATUS_LABELS,
  orderType: ORDER_TYPE_LABELS,
  commissionStatus: COMMISSION_STATUS_LABELS,
  referralStatus: REFERRAL_STATUS_LABELS,
};

const settings = {
  menuTitle: '<b>⚙️ Настройки</b>\n\nВыберите группу параметров.',
  groups: {
    dist: '⚖️ Распределение',
    limits: '⛔️ Лимиты',
    comm: '💰 Комиссии',
    hours: '🕙 Рабочий день',
    support: '🆘 Поддержка',
    channels: '📣 Каналы',
    geo: '🗺 Гео',
  } satisfies Record<SettingsGroupKey, string>,
  groupHints: {
    dist: 'Как заказ ищет мастера. Изменения применяются сервисами в течение нескольких секунд.',
    limits: 'Сколько активных заказов мастер может вести одновременно (если у мастера нет своего лимита).',
    comm: 'Комиссия с заказа: ставки, порог среднего чека, срок оплаты; гарантийные выплаты.',
    hours:
      'Общие часы работы (время каждого города). Город может иметь свои часы. Одинаковые начало и конец — круглосуточно.',
    support: 'Контакты поддержки, которые видят мастера.',
    channels:
      'Каналы для алертов (эскалации, сводки, сбои доставки) и логов. Бот должен быть администратором канала.',
    geo: '',
  } satisfies Record<SettingsGroupKey, string>,
  labels: {
    distribution_sla_seconds: 'SLA ответа мастера, сек',
    distribution_rounds: 'Раундов до эскалации',
    distribution_offers_per_round: 'Мастеров в раунде',
    distribution_tick_seconds: 'Страховочный тик, сек',
    escalate_to_admin_after_min: 'Эскалация админу через, мин',
    unassigned_digest_minutes: 'Сводка «без мастера» после, мин',
    notify_staff_on_assign: 'Сообщать о назначении мастера',
    distance_weight: 'Вес расстояния (0–10)',
    distance_max_km: 'Макс. расстояние до заказа, км',
    max_active_orders: 'Макс. активных заказов у мастера',
    commission_deadline_hours: 'Срок оплаты комиссии, ч',
    commission_rate_default_pct: 'Ставка комиссии, %',
    commission_rate_high_pct: 'Ставка при высоком чеке, %',
    commission_high_avg_check_rub: 'Порог среднего чека, ₽',
    guarantee_payment_rub: 'Выплата за гарантийный заказ, ₽',
    warranty_days: 'Гарантийный срок, дней',
    working_hours_start: 'Начало рабочего дня',
    working_hours_end: 'Конец рабочего дня',
    asap_late_threshold: '«Как можно скорее» до',
    order_timeslots: 'Слоты времени визита',
    referral_level1_pct: 'Реферальный бонус 1-го уровня, %',
    referral_level2_pct: 'Реферальный бонус 2-го уровня, %',
    support_contact: 'Контакт поддержки',
    alerts_channel_id: 'Канал алертов (ID)',
    logs_channel_id: 'Канал логов (ID)',
  } as Record<string, string>,
  line: (label: string, value: string) => `• ${label}: <code>${escapeHtml(value)}</code>`,
  unset: 'не задано',
  boolValue: (v: boolean) => (v ? 'да' : 'нет'),
  editButton: (label: string) => `✏️ ${label}`,
  cityHoursButton: '🏙 Часы по городам',
  hints: {
    int: (min: number, max: number) => `Целое число от ${min} до ${max}.`,
    time: 'Время в формате ЧЧ:ММ, например 09:30.',
    bool: 'Ответьте «да» или «нет».',
    string: 'Текст до 500 символов; «-» — очистить.',
    channel: 'Числовой ID канала, например <code>-1001234567890</code>; «-» — отключить.',
  },
  prompt: (label: string, description: string, current: string, hint: string) =>
    `✏️ <b>${label}</b>\n${escapeHtml(description)}\n\nСейчас: <code>${escapeHtml(current)}</code>\n${hint}\n\nОтправьте новое значение или /cancel для отмены.`,
  invalid: (error: string) => `⚠️ ${error}\nПопробуйте ещё раз или нажмите /cancel.`,
  notText: '⚠️ Отправьте значение текстом или нажмите /cancel.',
  startAfterEnd: (end: string) =>
    `Начало рабочего дня не может быть позже конца (сейчас конец — ${end}; то же время — круглосуточно).`,
  endBeforeStart: (start: string) =>
    `Конец рабочего дня не может быть раньше начала (сейчас начало — ${start}; то же время — круглосуточно).`,
  /** A working window as staff read it: "10:00–20:00", or "круглосуточно" when start = end. */
  hours: (start: string, end: string) => (isFullDay(start, end) ? 'круглосуточно' : `${start}–${end}`),
  globalHours: (hours: string) => `Рабочий день: <b>${hours}</b>`,
  saved: (label: string, value: string) =>
    `✅ Сохранено: ${label} — <code>${escapeHtml(value)}</code>.\nСервисы применят изменение в течение нескольких секунд.`,
  canceled: 'Изменение отменено.',

  cityHoursTitle: (page: number, pages: number) =>
    `<b>🏙 Часы работы по городам</b> (стр. ${page + 1}/${pages})\n\nВыберите город.`,
  cityHoursCard: (city: string, tz: string, hours: string, own: boolean) =>
    `🏙 <b>${escapeHtml(city)}</b> (<code>${escapeHtml(tz)}</code>)\n\nРабочий день: <b>${hours}</b> ${
      own ? '(свои часы города)' : '(общие часы)'
    }`,
  cityHoursEdit: '✏️ Изменить часы',
  cityHoursReset: '♻️ Как общие',
  askCityHours: (city: string, current: string) =>
    `✏️ Часы работы города <b>${escapeHtml(city)}</b> (сейчас ${current}).\n\nОтправьте часы в формате <code>ЧЧ:ММ-ЧЧ:ММ</code>, например <code>09:00-21:00</code>, «круглосуточно» (или <code>00:00-00:00</code>), или «-», чтобы вернуть общие.\n\nОтправьте /cancel для отмены.`,
  badCityHours:
    '⚠️ Введите часы в формате ЧЧ:ММ-ЧЧ:ММ, например 09:00-21:00, «круглосуточно», или «-», чтобы вернуть общие.',
  cityHoursOrder: '⚠️ Начало рабочего дня должно быть раньше конца (или «круглосуточно»).',
  cityHoursSaved: (city: string, hours: string) => `✅ Часы работы города ${escapeHtml(city)}: ${hours}.`,
  cityHoursCleared: (city: string, hours: string) =>
    `✅ Город ${escapeHtml(city)} работает по общим часам: ${hours}.`,

  geoTitle: (page: number, pages: number, lines: string[]) =>
    `<b>🗺 Города и часовые пояса</b> (стр. ${page + 1}/${pages})\n\n${lines.join('\n')}`,
  geoLine: (city: string, tz: string, districts: number) =>
    `• ${escapeHtml(city)} — <code>${escapeHtml(tz)}</code>, районов: ${districts}`,
  geoCard: (city: string, tz: string, hours: string, districts: string[], total: number) => {
    const names = districts.map((d) => escapeHtml(d)).join(', ');
    return [
      `🏙 <b>${escapeHtml(city)}</b>`,
      `Часовой пояс: <code>${escapeHtml(tz)}</code>`,
      `Рабочий день: ${hours}`,
      `Районы (${total}): ${total === 0 ? 'нет' : truncate(names, 1500)}`,
    ].join('\n');
  },
  addDistrict: '➕ Добавить район',
  changeTimezone: '🕒 Часовой пояс',
  backToCities: '⬅️ К городам',
  askDistrict: (city: string) =>
    `➕ Новый район города <b>${escapeHtml(city)}</b>.\n\nОтправьте название (2–120 символов) или /cancel для отмены.`,
  badDistrict: '⚠️ Название района: от 2 до 120 символов, буквы, цифры, пробелы, дефис, точка, скобки.',
  districtExists: '⚠️ Такой район в этом городе уже есть.',
  districtAdded: (name: string, city: string) =>
    `✅ Район «${escapeHtml(name)}» добавлен в город ${escapeHtml(city)}.`,
  askTimezone: (city: string, tz: string) =>
    `🕒 Часовой пояс города <b>${escapeHtml(city)}</b> сейчас <code>${escapeHtml(
      tz,
    )}</code>.\n\nОтправьте зону IANA, например <code>Europe/Samara</code> или <code>Asia/Novosibirsk</code>, или /cancel для отмены.`,
  badTimezone:
    '⚠️ Неизвестный часовой пояс. Укажите зону IANA, например Europe/Moscow, Europe/Samara или Asia/Novosibirsk.',
  timezoneSaved: (city: string, tz: string) =>
    `✅ Часовой пояс города ${escapeHtml(city)}: <code>${escapeHtml(tz)}</code>.`,
  cityGone: 'Город не найден.',
};

const logs = {
  filters: { all: '🧾 Все', sys: '⚙️ Система', staff: '👤 Персонал' },
  title: (filter: string, page: number, pages: number, tz: string) =>
    `<b>🧾 Логи</b> — ${filter} (стр. ${page + 1}/${pages}, время ${escapeHtml(tz)})`,
  empty: 'Записей пока нет.',
  system: (at: string, source: string, level: string, message: string) =>
    `<code>${at}</code> ⚙️ <i>${escapeHtml(source)}</i>${level === 'info' ? '' : ` [${escapeHtml(level)}]`} — ${escapeHtml(
      truncate(message, 250),
    )}`,
  staff: (at: string, who: string, action: string, entity: string, details: string) =>
    `<code>${at}</code> 👤 ${escapeHtml(who)} — <b>${escapeHtml(action)}</b> ${escapeHtml(entity)}${
      details ? ` ${escapeHtml(truncate(details, 150))}` : ''
    }`,
  unknownStaff: 'система',
  refresh: '🔄 Обновить',
};

export const opsTexts = { reports, settings, logs } as const;
