import type { CandidateRejection } from '@fs/dispatch';
import {
  type ActorType,
  CATEGORY_LABELS,
  type Category,
  describeGeoPrecision,
  escapeHtml,
  type Field,
  fitText,
  formatDistanceKm,
  formatMoment,
  formatMoney,
  formatTimeslot,
  type OfferState,
  type OrderStatus,
  type OrderType,
  pluralRu,
  truncate,
} from '@fs/domain';
import type { HistoryEntry, OfferEntry, OrderCard, OrderRow } from '../queries/orders';
import { ORDER_STATUS_LABELS, withIcons } from './statuses';

/** Admin bot texts: order queue, filters, search, order card and actions (part of the bot's one texts module). */

/** The queue's rows show each status behind its icon. */
const LIST_STATUS = withIcons<OrderStatus>(
  {
    created: '📝',
    deferred: '⏸',
    searching: '🔎',
    guarantee: '🛡',
    assigned: '👷',
    en_route: '🚗',
    working: '🛠',
    payment: '💳',
    closed: '✅',
    canceled: '❌',
  },
  ORDER_STATUS_LABELS,
);

const ACTOR: Record<ActorType, string> = {
  system: '⚙️ система',
  staff: '👨‍💼',
  master: '👨‍🔧',
  auto_distribution: '🤖 автораспределение',
};

/** Known history reasons in words; unknown ones are shown as stored. */
const HISTORY_REASON: Record<string, string> = {
  order_created: 'создан',
  order_confirmed: 'подтверждён',
  outside_working_hours: 'вне рабочего времени',
  deferred_wakeup: 'наступило время',
  offer_accepted: 'мастер принял предложение',
  distribute_now: 'запущено автораспределение',
  manual_offer: 'ручное предложение мастеру',
  assigned_by_staff: 'назначен сотрудником',
  returned_by_staff: 'возвращён в поиск',
  canceled_by_staff: 'отменён сотрудником',
  master_en_route: 'мастер выехал',
  master_working: 'мастер начал работу',
  master_uploaded_act: 'мастер закрыл заказ с актом',
  guarantee_completed: 'гарантийный заказ выполнен',
  guarantee_autoclose: 'закрыт автоматически (гарантия)',
  zero_commission: 'закрыт без комиссии',
  commission_approved: 'комиссия подтверждена',
};

const OFFER_STATE: Record<OfferState, string> = {
  sent: '📨 отправлено',
  viewed: '👀 просмотрено',
  accepted: '✅ принято',
  declined: '✖️ отказ',
  expired: '⌛ истекло',
  canceled: '🚫 отозвано',
  withdrawn: '📭 не доставлено',
};

const ESCALATION_REASON: Record<string, string> = {
  rounds_exhausted: 'мастера не приняли заказ',
  no_candidates: 'нет подходящих мастеров',
  no_district: 'район не указан, мастеров нет',
};

const TYPE: Record<OrderType, string> = { normal: 'обычный', guarantee: '🛡 гарантийный' };

const SECTION_TITLE = { queue: '📋 Очередь', warranty: '🛡 На гарантии', closed: '✅ Закрытые' } as const;

export interface FilterSummary {
  city: string | null;
  status: OrderStatus | null;
  category: Category | null;
  date: string | null;
  master: string | null;
}

function filterLines(f: FilterSummary): string[] {
  const lines: string[] = [];
  if (f.city) lines.push(`🏙 Город: ${escapeHtml(f.city)}`);
  if (f.status) lines.push(`📊 Статус: ${ORDER_STATUS_LABELS[f.status]}`);
  if (f.category) lines.push(`🛠 Категория: ${CATEGORY_LABELS[f.category]}`);
  if (f.date) lines.push(`📅 Дата: ${f.date.split('-').reverse().join('.')}`);
  if (f.master) lines.push(`👷 Мастер: ${escapeHtml(f.master)}`);
  return lines;
}

const filtersBlock = (f: FilterSummary) => {
  const lines = filterLines(f);
  return lines.length > 0 ? `\n\n<b>🔧 Фильтры</b>\n${lines.join('\n')}` : '';
};

export type ListRowData = OrderRow;

function place(
  r: {
    city_name: string;
    district_name: string | null;
    street: string | null;
    house: string | null;
  },
  f: Field,
): string {
  const street = [r.street, r.house].filter(Boolean).join(', ');
  return f([r.city_name, r.district_name, street].filter(Boolean).join(', '));
}

function slotOf(
  o: { timeslot_start: Date | null; timeslot_end: Date | null; is_asap: boolean; timezone: string },
  now: Date,
) {
  return formatTimeslot({ start: o.timeslot_start, end: o.timeslot_end, isAsap: o.is_asap }, o.timezone, now);
}

/** What a list row shows (an order of a list or of a search). */
type ListRowFields = Pick<
  ListRowData,
  | 'id'
  | 'type'
  | 'status'
  | 'master_name'
  | 'city_name'
  | 'district_name'
  | 'street'
  | 'house'
  | 'category'
  | 'timeslot_start'
  | 'timeslot_end'
  | 'is_asap'
  | 'timezone'
>;

function listRow(r: ListRowFields, now: Date, f: Field): string {
  const guarantee = r.type === 'guarantee' ? ' 🛡' : '';
  const master = r.master_name ? f(r.master_name) : 'мастер не назначен';
  return [
    `<b>#${r.id}</b>${guarantee} ${LIST_STATUS[r.status]}`,
    `   ${place(r, f)} · ${CATEGORY_LABELS[r.category]}`,
    `   ⏰ ${slotOf(r, now)} · 👷 ${master}`,
  ].join('\n');
}

export type CardData = OrderCard;

export type HistoryData = HistoryEntry;

export type OfferData = OfferEntry;

/** The full address line (copied by 📋 Адрес). */
export function addressLine(
  c: Pick<CardData, 'city_name' | 'district_name' | 'street' | 'house' | 'apartment'>,
) {
  const parts = [
    c.city_name,
    c.district_name,
    c.street,
    c.house ? `д. ${c.house}` : null,
    c.apartment ? `кв. ${c.apartment}` : null,
  ];
  return parts.filter(Boolean).join(', ');
}

function historyLine(h: HistoryData, tz: string, now: Date, f: Field): string {
  const from = h.from_status ? `${ORDER_STATUS_LABELS[h.from_status]} → ` : '';
  const who =
    h.actor_type === 'staff' || h.actor_type === 'master'
      ? `${ACTOR[h.actor_type]} ${f(h.actor_name ?? `#${h.actor_id ?? '?'}`)}`
      : ACTOR[h.actor_type];
  const why = h.reason ? ` · ${f(HISTORY_REASON[h.reason] ?? h.reason)}` : '';
  return `• ${formatMoment(h.created_at, tz, now)} — ${from}${ORDER_STATUS_LABELS[h.to_status]} · ${who}${why}`;
}

function offerLine(f: OfferData, tz: string, now: Date, field: Field): string {
  const answered = f.responded_at
    ? `, ответ ${formatMoment(f.responded_at, tz, now)}`
    : `, до ${formatMoment(f.expires_at, tz, now)}`;
  const far = f.distance_m !== null ? ` · ≈ ${formatDistanceKm(f.distance_m)}` : '';
  return `• ${field(f.master_name)} (#${f.master_id}) · раунд ${f.round_number} · ${OFFER_STATE[f.state]}${far} · отправлено ${formatMoment(f.sent_at, tz, now)}${answered}`;
}

function escalationLines(c: CardData, now: Date, f: Field): string[] {
  const lines: string[] = [];
  const why = c.escalation_reason
    ? ` (${ESCALATION_REASON[c.escalation_reason] ?? f(c.escalation_reason)})`
    : '';
  if (c.escalated_logist_at)
    lines.push(`⚠️ Эскалация логисту: ${formatMoment(c.escalated_logist_at, c.timezone, now)}${why}`);
  if (c.escalated_admin_at)
    lines.push(`🚨 Эскалация администратору: ${formatMoment(c.escalated_admin_at, c.timezone, now)}`);
  return lines;
}

/** The client's review: stars and the amount answer (a disputed amount stands out). */
function reviewLines(c: CardData, tz: string, now: Date): string[] {
  if (c.review_at === null) return [];
  const lines: string[] = [];
  const stars = c.review_stars !== null ? `${'⭐'.repeat(c.review_stars)} ${c.review_stars}/5` : 'без оценки';
  lines.push(`🗣 Отзыв клиента (${formatMoment(c.review_at, tz, now)}): ${stars}`);
  if (c.review_amount_confirmed !== null) {
    const amount = c.review_amount_kopecks !== null ? ` ${formatMoney(c.review_amount_kopecks)}` : '';
    lines.push(
      c.review_amount_confirmed
        ? `   Сумма${amount}: ✅ клиент подтвердил`
        : `   Сумма${amount}: ⚠️ клиент говорит, что платил другую`,
    );
  }
  return lines;
}

/**
 * The order card. Every value people typed goes through `f` (fitText): with all of them at their
 * longest the card still fits Telegram's 4,096 characters, the values cut with "…".
 */
function card(c: CardData, history: HistoryData[], offers: OfferData[], now: Date): string {
  return fitText((f) => cardText(c, history, offers, now, f));
}

function cardText(c: CardData, history: HistoryData[], offers: OfferData[], now: Date, f: Field): string {
  const tz = c.timezone;
  const lines = [
    `<b>📦 Заказ #${c.id}</b>${c.type === 'guarantee' ? ' · 🛡 гарантийный' : ''}`,
    '',
    `📊 Статус: <b>${ORDER_STATUS_LABELS[c.status]}</b>`,
    `🏷 Тип: ${TYPE[c.type]}`,
    `🛠 Категория: ${CATEGORY_LABELS[c.category]}`,
    `📍 Адрес: <code>${f(addressLine(c))}</code>`,
  ];
  if (c.address_comment) lines.push(`💬 Комментарий к адресу: ${f(c.address_comment)}`);
  lines.push(`🗺 Точка: ${describeGeoPrecision(c.geo_precision, c.geo_source)}`);
  if (c.geo_address) lines.push(`   геокодер нашёл: ${f(c.geo_address)}`);
  lines.push(
    `👤 Клиент: ${f(c.client_name || 'не указан')}${c.client_phone ? `, <code>${escapeHtml(c.client_phone)}</code>` : ''}`,
    `⏰ Время (${escapeHtml(c.city_name)}): ${slotOf(c, now)}`,
  );
  if (c.status === 'deferred' && c.deferred_until)
    lines.push(`⏸ Отложен до: ${formatMoment(c.deferred_until, tz, now)}`);
  lines.push(
    c.assigned_master_id
      ? `👷 Мастер: ${f(c.master_name ?? '')} (#${c.assigned_master_id})${c.master_phone ? `, <code>${escapeHtml(c.master_phone)}</code>` : ''}`
      : '👷 Мастер: не назначен',
  );
  if (c.assigned_master_id && c.master_distance_m !== null)
    lines.push(
      `📏 Мастер от заказа: ≈ ${formatDistanceKm(c.master_distance_m)} (${c.master_live ? 'по трансляции' : 'от базовой точки'})`,
    );
  if (c.preferred_master_id)
    lines.push(`⭐ Предпочтительный мастер: ${f(c.preferred_name ?? '')} (#${c.preferred_master_id})`);
  if (c.guarantee_source_order_id) lines.push(`↩️ Гарантия по заказу #${c.guarantee_source_order_id}`);
  if (c.guarantee_children.length > 0)
    lines.push(`🛡 Гарантийные заказы: ${c.guarantee_children.map((id) => `#${id}`).join(', ')}`);
  if (c.total_amount_kopecks !== null) lines.push(`💰 Сумма: ${formatMoney(c.total_amount_kopecks)}`);
  if (c.cancel_reason) lines.push(`❌ Причина отмены: ${f(c.cancel_reason)}`);
  if (c.client_link_opened_at)
    lines.push(`🔗 Клиент открыл бот заказа: ${formatMoment(c.client_link_opened_at, tz, now)}`);
  lines.push(...reviewLines(c, tz, now));
  lines.push(
    `🧾 Создан: ${formatMoment(c.created_at, tz, now)}${c.creator_name ? `, ${f(c.creator_name)}` : ''}`,
  );
  lines.push(`🔁 Раундов распределения: ${c.dist_rounds_used}`);
  lines.push(...escalationLines(c, now, f));
  if (c.acts > 0) lines.push(`📎 Акт: ${c.acts} ${pluralRu(c.acts, 'файл', 'файла', 'файлов')}`);
  lines.push('', `📝 <b>Описание</b>\n${f(truncate(c.description || 'нет', 800))}`);
  lines.push(
    '',
    '<b>📜 История</b>',
    ...(history.length > 0 ? history.map((h) => historyLine(h, tz, now, f)) : ['нет записей']),
  );
  lines.push(
    '',
    '<b>📨 Предложения</b>',
    ...(offers.length > 0 ? offers.map((o) => offerLine(o, tz, now, f)) : ['ещё не было']),
  );
  return lines.join('\n');
}

/**
 * Why a master is not a candidate for an order (dispatch's `CandidateRejection` codes), worded
 * without the master's gender (no «отказался», «прошёл»).
 */
export const CANDIDATE_REJECTIONS: Record<CandidateRejection, string> = {
  not_verified: 'Модерация не пройдена',
  inactive: 'Профиль неактивен',
  blocked: 'Профиль заблокирован',
  deleted: 'Профиль удалён',
  unreachable: 'Бот заблокирован мастером',
  off_shift: 'Не на смене',
  on_break: 'На перерыве',
  no_skill: 'Нет навыка по категории заказа',
  limit_reached: 'Достигнут лимит активных заказов',
  busy_with_offers: 'Ждём ответа на другое предложение (лимит заказов)',
  refused: 'Отказ от этого заказа или время на ответ истекло',
  removed: 'Снятие с этого заказа (возврат в поиск)',
  already_offered: 'Предложение по этому заказу уже отправлено',
  wrong_district: 'Не работает в районе заказа',
  too_far: 'Далеко',
};

/** A rejection as staff read it; "Далеко (12 км)" carries the master's distance. */
export function candidateRejectionLabel(
  rejection: CandidateRejection,
  candidate?: { distanceM: number | null },
): string {
  const label = CANDIDATE_REJECTIONS[rejection];
  if (rejection === 'too_far' && candidate?.distanceM != null)
    return `${label} (${formatDistanceKm(candidate.distanceM)})`;
  return label;
}

export interface CandidateLineData {
  masterId: number;
  fullName: string;
  eligible: boolean;
  rank: number | null;
  why: string[];
  rating: number;
  activeOrders: number;
  orderLimit: number;
  hasVehicle: boolean;
}

export const ordersTexts = {
  statusLabel: ORDER_STATUS_LABELS,
  sectionTitle: SECTION_TITLE,

  menu: (f: FilterSummary) =>
    `<b>📦 Заявки</b>\n\nВыберите список, найдите заказ или настройте фильтры.${filtersBlock(f)}`,

  list: (
    section: keyof typeof SECTION_TITLE,
    rows: ListRowData[],
    p: { page: number; pages: number; total: number },
    f: FilterSummary,
    now: Date,
  ) => {
    const head = `<b>${SECTION_TITLE[section]}</b> · ${p.total} · стр. ${p.page + 1}/${p.pages}${filtersBlock(f)}`;
    return fitText((field) => {
      const body =
        rows.length > 0 ? rows.map((r) => listRow(r, now, field)).join('\n\n') : 'Заказы не найдены.';
      return `${head}\n\n${body}`;
    });
  },

  searchPrompt:
    '🔍 <b>Поиск заказа</b>\n\nОтправьте номер заказа (например, <code>123</code> или <code>#123</code>), телефон клиента (<code>+7 999 123-45-67</code>), имя клиента, улицу с домом (<code>тверская 7</code>) или имя мастера. Опечатки не страшны.\n\nОтмена: /cancel',
  searchBadInput:
    '⚠️ Не понял запрос. Отправьте номер заказа, телефон клиента или хотя бы 3 буквы имени, улицы или мастера. Отмена: /cancel',
  searchNotFound: (q: string) =>
    `❌ Ничего не найдено по запросу «${escapeHtml(truncate(q, 40))}». Попробуйте ещё раз или /cancel.`,
  searchResults: (
    query: { kind: 'phone'; phone: string } | { kind: 'text'; text: string },
    p: { page: number; pages: number; total: number },
    rows: ListRowFields[],
    now: Date,
  ) => {
    const title =
      query.kind === 'phone'
        ? `Заказы клиента ${escapeHtml(query.phone)}`
        : `Найдено по запросу «${escapeHtml(truncate(query.text, 40))}»`;
    return fitText(
      (f) =>
        `<b>🔍 ${title}</b> · ${p.total} · стр. ${p.page + 1}/${p.pages}\n\n${rows.map((r) => listRow(r, now, f)).join('\n\n')}`,
    );
  },

  filtersTitle: (f: FilterSummary) => {
    const lines = filterLines(f);
    const now = lines.length > 0 ? `Сейчас:\n${lines.join('\n')}` : 'Сейчас фильтров нет.';
    return `<b>🔧 Фильтры</b>\n\nФильтры применяются ко всем спискам и счётчикам.\n\n${now}`;
  },
  filterCitiesTitle: '🏙 Выберите город:',
  filterStatusesTitle: '📊 Выберите статус:',
  filterCategoriesTitle: '🛠 Выберите категорию:',
  filterDatePrompt:
    '📅 Отправьте дату в формате <code>ДД.ММ</code> или <code>ДД.ММ.ГГГГ</code> (дата визита по времени города заказа). Отмена: /cancel',
  filterDateBad: '⚠️ Неверная дата. Пример: <code>25.11</code> или <code>25.11.2026</code>. Отмена: /cancel',
  filterMasterPrompt: '👷 Отправьте ID мастера, часть имени или телефон. Отмена: /cancel',
  filterMasterBad: '⚠️ Введите хотя бы 2 символа: ID, часть имени или телефон мастера. Отмена: /cancel',
  filterMasterNotFound: '❌ Мастер не найден среди мастеров ваших городов. Попробуйте ещё раз или /cancel.',
  filterMasterPick: '👷 Выберите мастера:',
  filterSaved: '✅ Фильтр обновлён',
  filtersReset: '🔄 Фильтры сброшены',

  card,
  addressLine,

  candidatesTitle: (orderId: number, eligible: number, total: number, page: number, pages: number) =>
    [
      `<b>👤 Выбор мастера для заказа #${orderId}</b>`,
      '',
      `Подходят: ${eligible} из ${total} мастеров города (тот же подбор, что у автораспределения).`,
      '✅ — подходит (по рейтингу подбора), ⛔️ — не подходит (причина на кнопке).',
      pages > 1 ? `Стр. ${page + 1}/${pages}` : '',
    ]
      .filter((l, i) => l !== '' || i === 1)
      .join('\n'),
  candidatesEmpty: (orderId: number) =>
    `<b>👤 Выбор мастера для заказа #${orderId}</b>\n\nВ городе заказа нет мастеров.`,
  candidateButton: (c: CandidateLineData) =>
    c.eligible
      ? `✅ ${c.rank}. ${truncate(c.fullName || `#${c.masterId}`, 28)} ⭐${c.rating.toFixed(1)} ${c.activeOrders}/${c.orderLimit}`
      : `⛔️ ${truncate(c.fullName || `#${c.masterId}`, 24)} — ${c.why[0] ?? ''}`,
  candidateCard: (orderId: number, c: CandidateLineData, hard: boolean) =>
    [
      `<b>👷 ${escapeHtml(c.fullName || 'Мастер')} (#${c.masterId})</b> для заказа #${orderId}`,
      '',
      `⭐ Рейтинг: ${c.rating.toFixed(1)} · 📦 Активных заказов: ${c.activeOrders}/${c.orderLimit} · ${c.hasVehicle ? '🚗 с машиной' : '🚶 без машины'}`,
      c.eligible
        ? `✅ Подходит для автораспределения (место в подборе: ${c.rank}).`
        : `⛔️ Не подходит:\n${c.why.map((w) => `• ${escapeHtml(w)}`).join('\n')}`,
      '',
      hard
        ? 'Этому мастеру нельзя предложить или назначить заказ.'
        : c.eligible
          ? '📨 Предложить — мастер получит предложение и сам примет его.\n✅ Назначить — заказ сразу станет его.'
          : 'Вы можете всё равно предложить или назначить заказ — решение за вами.',
    ].join('\n'),

  distributed: '⚡️ Заказ отправлен на автораспределение.',
  offered: (name: string) => `📨 Предложение отправлено мастеру ${truncate(name, 40)}.`,
  assigned: (name: string) => `✅ Заказ назначен мастеру ${truncate(name, 40)}.`,
  alreadyOffered: 'У мастера уже есть предложение по этому заказу.',
  masterNotFound: 'Мастер не найден в городе заказа.',
  masterUnfit: (why: string[]) => `Нельзя: ${why.join(', ')}.`,
  wrongState: 'Действие недоступно: статус заказа уже изменился. Карточка обновлена.',

  returnConfirm: (orderId: number, master: string | null) =>
    `🔁 <b>Вернуть заказ #${orderId} в поиск?</b>\n\nМастер ${escapeHtml(master ?? '')} будет снят с заказа и получит уведомление, заказ снова пойдёт на распределение.`,
  returnReason: 'возвращён в поиск',
  returned: '🔁 Заказ возвращён в поиск.',

  cancelPrompt: (orderId: number) =>
    `✖️ <b>Отмена заказа #${orderId}</b>\n\nНапишите причину отмены (3–200 символов). Мастер, если он назначен, получит её.\n\nПередумали: /cancel`,
  cancelReasonBad: '⚠️ Причина должна быть текстом от 3 до 200 символов. Попробуйте ещё раз или /cancel.',
  pinPrompt: (orderId: number) =>
    `📍 <b>Точка заказа #${orderId}</b>\n\nОтправьте геопозицию заказа: 📎 → Геопозиция (точку можно выбрать на карте). Она заменит найденную по адресу, и распределение учтёт её сразу.\n\n/cancel — отмена.`,
  pinNeedLocation: '⚠️ Нужна геопозиция: 📎 → Геопозиция. Или /cancel.',
  pinBadPoint: '⚠️ Не удалось распознать геопозицию. Отправьте её ещё раз или /cancel.',
  pinned: '📍 Точка заказа обновлена.',
  canceled: (orderId: number) => `✅ Заказ #${orderId} отменён.`,

  rescheduleTitle: (orderId: number, current: string, city: string) =>
    `🔁 <b>Новое время для заказа #${orderId}</b>\n\nСейчас: ${current}\nВыберите слот (время ${escapeHtml(city)}):`,
  rescheduleDateTitle: (orderId: number, date: string, city: string) =>
    `🔁 <b>Заказ #${orderId}: слоты на ${date}</b> (время ${escapeHtml(city)})`,
  rescheduleNoSlots: 'На этот день свободных слотов нет. Выберите другую дату.',
  rescheduleDatePrompt: (orderId: number) =>
    `📅 Заказ #${orderId}: отправьте дату визита в формате <code>ДД.ММ</code> (не дальше 60 дней). Отмена: /cancel`,
  rescheduleDateBad: {
    format: '⚠️ Неверная дата. Пример: <code>25.11</code>. Попробуйте ещё раз или /cancel.',
    past: '⚠️ Эта дата уже прошла. Отправьте другую или /cancel.',
    too_far: '⚠️ Слишком далеко: не больше 60 дней вперёд. Отправьте другую дату или /cancel.',
  },
  rescheduleSlotGone: 'Этот слот уже прошёл. Выберите другой.',
  rescheduled: (slot: string) => `🔁 Новое время: ${slot}.`,
  rescheduleUnchanged: 'Это время уже стоит в заказе.',

  guaranteeConfirm: (orderId: number, master: string | null) =>
    `🛡 <b>Создать гарантийный заказ по заказу #${orderId}?</b>\n\nАдрес, клиент и категория будут скопированы; первым заказ получит мастер ${escapeHtml(master ?? '')}.`,
  guaranteeDescription: (orderId: number, description: string) =>
    truncate(`Гарантия по заказу #${orderId}. ${description}`, 500),
  guaranteeCreated: (id: number, deferred: boolean) =>
    `🛡 Гарантийный заказ #${id} создан${deferred ? ' и отложен до начала рабочего дня' : ' и направлен в работу'}.`,
  guaranteeRefusal: {
    not_closed: 'Гарантия доступна только для закрытых заказов.',
    is_guarantee: 'Этот заказ уже гарантийный.',
    no_master: 'У заказа не было мастера.',
    warranty_over: 'Гарантийный срок этого заказа истёк.',
    exists: (id: number) => `Гарантийный заказ уже создан: #${id}.`,
  },

  clientLink: (orderId: number, link: string, expires: string, opened: string | null) =>
    [
      `🔗 <b>Ссылка для клиента — заказ #${orderId}</b>`,
      '',
      `<code>${escapeHtml(link)}</code>`,
      '',
      'Отправьте её клиенту: в боте он увидит заказ, мастера и статус, а после закрытия оценит работу.',
      `⏳ Действует до ${expires}.`,
      opened
        ? `👀 Клиент уже открыл её (${opened}): ссылка работает только в его чате.`
        : 'Открыть её можно в одном чате — первый, кто откроет, получит заказ.',
    ].join('\n'),
  clientLinkRefusal: {
    not_shareable: 'Ссылка появится, когда мастер примет заказ (и пока заказ не отменён).',
    no_bot: 'Бот для клиентов не настроен (CLIENT_BOT_USERNAME).',
  },

  actNone: 'У заказа нет акта.',
  actCaption: (orderId: number, i: number, n: number) =>
    `📎 Акт по заказу #${orderId}${n > 1 ? ` (${i + 1}/${n})` : ''}`,
  actFailed: (n: number) =>
    `⚠️ ${n} ${pluralRu(n, 'файл', 'файла', 'файлов')} акта не удалось отправить: Telegram не отдал файл (удалён или недоступен).`,

  buttons: {
    queue: (n: number) => `📋 Очередь (${n})`,
    warranty: (n: number) => `🛡 На гарантии (${n})`,
    closed: (n: number) => `✅ Закрытые (${n})`,
    search: '🔍 Поиск',
    filters: '🔧 Фильтры',
    openOrder: (id: number) => `#${id}`,
    toOrders: '📦 К заявкам',
    toList: '⬅️ К списку',
    toCard: '⬅️ К заказу',
    refresh: '🔄 Обновить',
    copyPhone: '📋 Телефон клиента',
    copyAddress: '📋 Адрес',
    distribute: '⚡️ Автораспределение',
    pickMaster: '👤 Выбрать мастера',
    offer: '📨 Предложить',
    assign: '✅ Назначить',
    reschedule: '🔁 Перезапланировать',
    cancel: '✖️ Отменить',
    returnToSearch: '🔁 Вернуть в поиск',
    returnYes: '✅ Да, вернуть в поиск',
    guarantee: '🛡 Гарантия',
    guaranteeYes: '✅ Создать гарантийный заказ',
    act: '📎 Акт',
    pin: '📍 Уточнить точку',
    onMap: '🗺 На карте',
    clientLink: '🔗 Ссылка для клиента',
    copyLink: '📋 Скопировать ссылку',
    back: '⬅️ Назад',
    toCandidates: '⬅️ К списку мастеров',
    asap: '⚡ Как можно скорее',
    otherDate: '📅 Другая дата',
    today: 'Сегодня',
    tomorrow: 'Завтра',
    slot: (label: string) => label,
    filterCity: (v: string | null) => `🏙 Город: ${v ?? 'все'}`,
    filterStatus: (v: OrderStatus | null) => `📊 Статус: ${v ? ORDER_STATUS_LABELS[v] : 'все'}`,
    filterCategory: (v: Category | null) => `🛠 Категория: ${v ? CATEGORY_LABELS[v] : 'все'}`,
    filterDate: (v: string | null) => `📅 Дата: ${v ? v.split('-').reverse().join('.') : 'любая'}`,
    filterMaster: (v: string | null) => `👷 Мастер: ${v ? truncate(v, 30) : 'любой'}`,
    clearDate: '✖️ Сбросить дату',
    clearMaster: '✖️ Сбросить мастера',
    any: 'Все',
    resetFilters: '🔄 Сбросить всё',
    showQueue: '📋 Показать очередь',
    selected: (label: string) => `✅ ${label}`,
  },
} as const;
