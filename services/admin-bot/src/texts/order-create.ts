import { escapeHtml } from '@fs/domain';

/** Admin bot texts: order creation wizard (part of the bot's one texts module). */

export const MAX_ORDER_FILES = 10;

export const orderCreateTexts = {
  modeTitle:
    '➕ <b>Новый заказ</b>\n\n' +
    '⚡ <b>Быстрое создание</b> — для повторного клиента: по телефону подставим адрес и имя из его последнего заказа.\n' +
    '📝 <b>Полное создание</b> — все данные заказа по шагам.',
  noCities: '⛔️ У вас нет доступных городов. Обратитесь к глобальному администратору.',
  canceled: '↩️ Создание заказа отменено.',
  staleStep: 'Этот шаг уже пройден. Пользуйтесь последним сообщением.',
  cityNotFound: 'Город не найден.',
  districtNotInCity: '⛔️ Этот район не относится к выбранному городу.',
  streetNotInCity: '⛔️ Эта улица не относится к выбранному городу.',
  useButtons: '⚠️ Выберите вариант кнопкой.',
  needText: '⚠️ Здесь нужен текст.',
  alreadyCreating: '⏳ Заказ уже создаётся.',
  draftPending: (what: string | null) =>
    `📝 У вас есть незаконченный заказ${what ? ` (${escapeHtml(what)})` : ''}. Продолжить его или удалить черновик?`,
  draftDiscarded: '🗑 Черновик заказа удалён.',
  alreadyCreated: (orderId: number) => `✅ Заказ #${orderId} уже создан.`,

  buttons: {
    quick: '⚡ Быстрое создание',
    full: '📝 Полное создание',
    search: '🔍 Поиск',
    districtNone: '🚫 Без района',
    streetManual: '✏️ Ввести вручную',
    streetNone: '🚫 Без улицы',
    skip: '⏭ Пропустить',
    asap: '⚡ Как можно скорее',
    otherDate: '📅 Другая дата',
    todayTomorrow: '⬅️ Сегодня / завтра',
    lateOk: '✅ Да, на завтра',
    lateOther: '🔁 Выбрать другое время',
    normal: '📝 Обычный',
    guarantee: '🛡 Гарантийный',
    filesAdd: '📎 Добавить',
    filesDone: '✅ Готово',
    filesClear: '🧹 Очистить',
    create: '✅ Создать',
    edit: '✏️ Изменить',
    cancel: '❌ Отменить',
    resume: '▶️ Продолжить заказ',
    discard: '🗑 Удалить черновик',
    back: '⬅️ Назад',
    toCard: '⬅️ К карточке',
    openOrder: (id: number) => `📄 Открыть заказ #${id}`,
    another: '➕ Ещё заказ',
  },

  /** Labels of the fields in the "✏️ Изменить" menu. */
  fields: {
    city: '🏙 Город',
    district: '🗺 Район',
    street: '🛣 Улица',
    house: '🏠 Дом',
    apartment: '🚪 Квартира',
    comment: '💬 Комментарий',
    name: '👤 Имя клиента',
    phone: '📞 Телефон',
    category: '🔧 Категория',
    description: '📝 Описание',
    slot: '🕐 Время визита',
    type: '📋 Тип заказа',
    files: '📎 Вложения',
  },

  prompt: {
    quickPhone:
      '⚡ <b>Быстрое создание</b>\n\n📞 Введите телефон клиента (+7XXXXXXXXXX или 8XXXXXXXXXX). Если у клиента уже были заказы, подставим адрес и имя из последнего.',
    city: (page: number, pages: number) =>
      `🏙 Выберите город${pages > 1 ? ` (стр. ${page + 1}/${pages})` : ''} или введите часть названия для поиска:`,
    citySearch: (query: string) => `🏙 Города по запросу «${escapeHtml(query)}»:`,
    district: (city: string, page: number, pages: number) =>
      `🗺 ${escapeHtml(city)}: выберите район${pages > 1 ? ` (стр. ${page + 1}/${pages})` : ''} или введите часть названия.\nБез района мастер ищется по всему городу.`,
    districtSearch: (query: string) => `🗺 Районы по запросу «${escapeHtml(query)}»:`,
    noDistricts: (city: string) => `🗺 В городе ${escapeHtml(city)} нет районов в справочнике.`,
    street: '🛣 Введите название улицы для поиска (минимум 2 символа), или выберите вариант ниже:',
    streetResults: (query: string) =>
      `🛣 Улицы по запросу «${escapeHtml(query)}». Выберите улицу, введите другой запрос или укажите улицу вручную:`,
    streetManual: '✍️ Введите название улицы (от 2 до 200 символов):',
    house: '🏠 Введите номер дома (от 1 до 10 символов):',
    apartment: '🚪 Введите номер квартиры или офиса (до 10 символов) или нажмите «Пропустить»:',
    comment:
      '💬 Введите комментарий к адресу (подъезд, этаж, ориентир; до 250 символов) или нажмите «Пропустить»:',
    name: '👤 Введите имя клиента (буквы, пробелы, дефисы, точки; например «Иванова А.П.»):',
    phone: '📞 Введите телефон клиента (+7XXXXXXXXXX или 8XXXXXXXXXX):',
    category: '🔧 Выберите категорию работ:',
    description: '📝 Опишите проблему (от 10 до 500 символов):',
    slot: (cityTime: string) =>
      `🕐 Выберите время визита (время города, сейчас ${cityTime}). Другую дату можно ввести в формате ДД.ММ.`,
    slotDate: '📅 Введите дату визита в формате ДД.ММ (например 05.12):',
    slotsOfDate: (date: string) => `🕐 Интервалы на ${date} (время города):`,
    noSlotsOfDate: (date: string) => `🕐 На ${date} свободных интервалов не осталось. Выберите другую дату.`,
    late: (threshold: string, slot: string) =>
      `⚠️ Сейчас позже ${threshold} по времени города: «как можно скорее» уже не получится.\nМастер сможет приехать ${slot}. Создать заказ на это время?`,
    type: '📋 Выберите тип заказа:',
    files: (n: number) =>
      `📎 Пришлите фото или документы к заказу (до ${MAX_ORDER_FILES}). Сейчас приложено: ${n}.\nКогда закончите, нажмите «✅ Готово».`,
    filesSend: `📎 Отправьте фото или документ (можно несколько, до ${MAX_ORDER_FILES}).`,
    editMenu: '✏️ Что изменить?',
  },

  quickFound: (address: string) =>
    `✅ Нашли прошлый заказ клиента. Адрес и имя подставлены:\n📍 <code>${escapeHtml(address)}</code>`,
  quickNotFound:
    '🔎 Заказов с этим телефоном в ваших городах нет — заполним заказ полностью. Телефон уже указан.',

  error: {
    searchTooShort: '⚠️ Введите минимум 2 символа для поиска.',
    queryTooLong: '⚠️ Слишком длинный запрос.',
    noCityMatch: '🏙 Ничего не найдено. Попробуйте другой запрос или выберите город из списка.',
    noDistrictMatch:
      '🗺 Район не найден. Попробуйте другой запрос, выберите из списка или нажмите «Без района».',
    noStreetMatch: '🛣 Улица не найдена. Попробуйте другой запрос или введите название вручную.',
    street: '⚠️ Название улицы — от 2 до 200 символов.',
    house: '⚠️ Номер дома — от 1 до 10 символов.',
    apartment: '⚠️ Номер квартиры — не больше 10 символов.',
    comment: '⚠️ Комментарий — не больше 250 символов.',
    name: '⚠️ Имя клиента — от 2 до 60 символов: буквы, пробелы, дефисы, точки.',
    phone: '⚠️ Некорректный телефон. Введите номер в формате +7XXXXXXXXXX или 8XXXXXXXXXX.',
    description: (n: number) => `⚠️ Описание — от 10 до 500 символов (сейчас ${n}).`,
    date: '⚠️ Не понял дату. Введите её в формате ДД.ММ, например 05.12.',
    datePast: '⚠️ Эта дата уже прошла. Введите сегодняшнюю или будущую дату.',
    dateTooFar: '⚠️ Можно выбрать дату не дальше чем на 60 дней вперёд.',
    slotOver: '⏰ Выбранный интервал уже закончился. Выберите актуальное время:',
    slotOverAlert: '⚠️ Интервал уже закончился.',
    slotTooSoon: (lead: number) =>
      `⏰ До конца выбранного интервала меньше ${lead} мин — мастер не успеет. Выберите актуальное время:`,
    slotTooSoonAlert: (lead: number) => `⚠️ До конца интервала меньше ${lead} мин.`,
    tooManyFiles: `⚠️ Можно приложить не больше ${MAX_ORDER_FILES} файлов.`,
    fileExpected: '⚠️ Пришлите фото или документ, либо нажмите «✅ Готово».',
    outOfScope: '⛔️ Город заказа больше не в вашей зоне. Заказ не создан.',
  },

  fileAdded: (kind: 'photo' | 'document', n: number) =>
    `${kind === 'photo' ? '✅ Фото добавлено' : '✅ Документ добавлен'} (${n}/${MAX_ORDER_FILES}).`,
  filesCleared: '🧹 Вложения удалены.',

  card: {
    title: '📋 <b>Новый заказ — проверьте данные</b>',
    city: (v: string) => `🏙 Город: ${escapeHtml(v)}`,
    district: (v: string | null) => `🗺 Район: ${v ? escapeHtml(v) : 'не указан'}`,
    street: (v: string | null) => `🛣 Улица: ${v ? escapeHtml(v) : 'не указана'}`,
    house: (v: string) => `🏠 Дом: ${escapeHtml(v)}`,
    apartment: (v: string) => `🚪 Квартира: ${escapeHtml(v)}`,
    comment: (v: string) => `💬 Комментарий: ${escapeHtml(v)}`,
    client: (name: string) => `👤 Клиент: ${name ? escapeHtml(name) : 'не указан'}`,
    phone: (v: string) => `📞 Телефон: <code>${escapeHtml(v)}</code>`,
    category: (v: string) => `🔧 Категория: ${v}`,
    description: (v: string) => `📝 Описание: ${escapeHtml(v)}`,
    slot: (v: string) => `🕐 Время визита: ${v}`,
    type: (guarantee: boolean) => `📋 Тип: ${guarantee ? '🛡 Гарантийный' : 'Обычный'}`,
    files: (n: number) => `📎 Вложений: ${n}`,
    noDistrict: '⚠️ Район не указан: мастер будет искаться по всему городу.',
    outsideHours: (start: string, end: string) =>
      `⚠️ Сейчас в городе нерабочее время (${start}–${end}): заказ будет создан отложенным, распределение начнётся в рабочее время.`,
  },

  asapLabel: 'как можно скорее',
  slotButton: (day: string, start: string, end: string) => `${day} ${start}–${end}`,
  today: 'Сегодня',
  tomorrow: 'Завтра',

  created: {
    title: (id: number) => `✅ Заказ #${id} создан.`,
    searching: '🔎 Статус: идёт поиск мастера.',
    guarantee: '🛡 Статус: гарантийный визит, идёт поиск мастера.',
    deferred: (until: string) =>
      `⏸ Статус: отложен — сейчас в городе нерабочее время.\n📅 Распределение начнётся автоматически: ${until} (время города).`,
    noDistrict: '⚠️ Район не указан: мастер ищется по всему городу.',
  },
} as const;
