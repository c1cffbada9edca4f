/**
 * Business settings staff change at run time (table `settings`). One definition per key:
 * default, description, validation. The seed writes the defaults; services read through a
 * short cache (see @fs/db settings reader) so a change reaches them within seconds.
 */
import { DEFAULT_ORDER_TIMESLOTS, timeslotsSettingError } from './timeslots-setting';

export type SettingKind = 'int' | 'time' | 'string' | 'bool';

export interface SettingDef {
  kind: SettingKind;
  default: number | string | boolean;
  description: string;
  min?: number;
  max?: number;
  /** Extra check of a 'string' value: a Russian error, or null when valid. */
  validate?: (value: string) => string | null;
}

/** A Telegram channel id (e.g. -1001234567890), or empty for "no channel". */
function channelIdError(value: string): string | null {
  return value === '' || /^-?\d{1,20}$/.test(value)
    ? null
    : 'Нужен числовой ID канала, например -1001234567890, или «-», чтобы отключить.';
}
/** A phone number shown to clients, or empty. */
function supportPhoneError(value: string): string | null {
  return value === '' || /^\+?[0-9\s\-()]{5,20}$/.test(value)
    ? null
    : 'Нужен номер телефона, например +7 800 555-35-35, или «-», чтобы не показывать.';
}

/**
 * "Far above usual" per category: a master closing an order with a larger total is asked once
 * more (typos like 35000 for 3500 go straight into the commission). Rubles.
 */
const AMOUNT_CHECK_SETTINGS = {
  amount_check_electrics_rub: amountCheck(15_000, 'Электрика'),
  amount_check_plumbing_rub: amountCheck(15_000, 'Сантехника'),
  amount_check_appliances_rub: amountCheck(20_000, 'Бытовая техника'),
  amount_check_windows_rub: amountCheck(40_000, 'Окна'),
  amount_check_handyman_rub: amountCheck(15_000, 'Мелкий ремонт'),
  amount_check_roadside_rub: amountCheck(10_000, 'Помощь на дороге'),
} as const;

export type AmountCheckKey = keyof typeof AMOUNT_CHECK_SETTINGS;

function amountCheck(rub: number, category: string) {
  return {
    kind: 'int',
    default: rub,
    min: 1,
    max: 10_000_000,
    description: `Сумма заказа выше этой переспрашивается у мастера (${category}), ₽`,
  } as const;
}

export const SETTINGS = {
  distribution_sla_seconds: {
    kind: 'int',
    default: 120,
    min: 15,
    max: 3600,
    description: 'Сколько секунд открыто одно предложение мастеру',
  },
  distribution_rounds: {
    kind: 'int',
    default: 2,
    min: 1,
    max: 20,
    description: 'Раундов автораспределения до эскалации логисту',
  },
  distribution_offers_per_round: {
    kind: 'int',
    default: 1,
    min: 1,
    max: 20,
    description: 'Мастеров в одном раунде',
  },
  distribution_tick_seconds: {
    kind: 'int',
    default: 15,
    min: 5,
    max: 600,
    description: 'Страховочный тик планировщика, секунд',
  },
  escalate_to_admin_after_min: {
    kind: 'int',
    default: 10,
    min: 1,
    max: 1440,
    description: 'Минут после эскалации логисту до эскалации админу',
  },
  max_active_orders: {
    kind: 'int',
    default: 1,
    min: 0,
    max: 50,
    description: 'Лимит активных заказов мастера по умолчанию',
  },
  distance_weight: {
    kind: 'int',
    default: 5,
    min: 0,
    max: 10,
    description: 'Вес расстояния при выборе мастера: 0 — только при равенстве, 10 — ближайший почти всегда',
  },
  distance_max_km: {
    kind: 'int',
    default: 50,
    min: 0,
    max: 1000,
    description: 'Не предлагать заказ мастеру дальше, км (0 — без ограничения)',
  },
  working_hours_start: { kind: 'time', default: '10:00', description: 'Начало рабочего дня (время города)' },
  working_hours_end: { kind: 'time', default: '20:00', description: 'Конец рабочего дня (время города)' },
  asap_late_threshold: {
    kind: 'time',
    default: '19:30',
    description: '«Как можно скорее» после этого времени переносится на завтра',
  },
  slot_lead_minutes: {
    kind: 'int',
    default: 60,
    min: 0,
    max: 720,
    description: 'Не предлагать интервал визита, до конца которого осталось меньше, минут',
  },
  order_timeslots: {
    kind: 'string',
    default: DEFAULT_ORDER_TIMESLOTS,
    validate: timeslotsSettingError,
    description: 'Интервалы визита (время города), например 10-13,13-16,16-19',
  },
  commission_deadline_hours: {
    kind: 'int',
    default: 3,
    min: 1,
    max: 168,
    description: 'Срок оплаты комиссии, часов',
  },
  commission_rate_default_pct: {
    kind: 'int',
    default: 50,
    min: 0,
    max: 100,
    description: 'Ставка комиссии, %',
  },
  commission_rate_high_pct: {
    kind: 'int',
    default: 40,
    min: 0,
    max: 100,
    description: 'Ставка при высоком среднем чеке, %',
  },
  commission_high_avg_check_rub: {
    kind: 'int',
    default: 7000,
    min: 0,
    max: 10_000_000,
    description: 'Порог среднего чека за 7 дней, ₽',
  },
  ...AMOUNT_CHECK_SETTINGS,
  guarantee_payment_rub: {
    kind: 'int',
    default: 2500,
    min: 0,
    max: 1_000_000,
    description: 'Выплата мастеру за гарантийный заказ, ₽',
  },
  warranty_days: { kind: 'int', default: 30, min: 1, max: 365, description: 'Гарантийный срок, дней' },
  unassigned_digest_minutes: {
    kind: 'int',
    default: 10,
    min: 1,
    max: 1440,
    description: 'Заказ без мастера дольше — попадает в сводку',
  },
  notify_staff_on_assign: {
    kind: 'bool',
    default: false,
    description: 'Сообщать персоналу города о назначении мастера',
  },
  alerts_channel_id: {
    kind: 'string',
    default: '',
    validate: channelIdError,
    description: 'ID канала алертов (пусто — нет)',
  },
  logs_channel_id: {
    kind: 'string',
    default: '',
    validate: channelIdError,
    description: 'ID канала логов (пусто — нет)',
  },
  support_contact: { kind: 'string', default: '@support', description: 'Контакты поддержки для мастеров' },
  onboarding_require_documents: {
    kind: 'bool',
    default: false,
    description: 'Требовать фото паспорта и селфи при регистрации мастера',
  },
  referral_level1_pct: {
    kind: 'int',
    default: 10,
    min: 0,
    max: 100,
    description: 'Реферальный бонус 1-го уровня, % от комиссии',
  },
  client_sms_quiet_start: {
    kind: 'time',
    default: '21:00',
    description: 'SMS клиентам не отправляются с этого времени (время города; кроме «как можно скорее»)',
  },
  client_sms_quiet_end: {
    kind: 'time',
    default: '09:00',
    description: '…и до этого времени (время города)',
  },
  client_link_ttl_days: {
    kind: 'int',
    default: 14,
    min: 1,
    max: 90,
    description: 'Сколько дней действует ссылка клиента на бот заказа',
  },
  client_support_phone: {
    kind: 'string',
    default: '',
    validate: supportPhoneError,
    description: 'Телефон для клиентов в уведомлениях (пусто — не показывать)',
  },
  referral_level2_pct: {
    kind: 'int',
    default: 5,
    min: 0,
    max: 100,
    description: 'Реферальный бонус 2-го уровня, % от комиссии',
  },
} as const satisfies Record<string, SettingDef>;

export type SettingKey = keyof typeof SETTINGS;
export type SettingValue<K extends SettingKey> = (typeof SETTINGS)[K]['default'] extends number
  ? number
  : (typeof SETTINGS)[K]['default'] extends boolean
    ? boolean
    : string;
export type Settings = { [K in SettingKey]: SettingValue<K> };

export function defaultSettings(): Settings {
  const out: Record<string, unknown> = {};
  for (const [key, def] of Object.entries(SETTINGS)) out[key] = def.default;
  return out as Settings;
}

const TIME_RE = /^([01]?\d|2[0-3]):([0-5]\d)$/;

/** Parses staff input for a setting. Returns the value or a Russian error message. */
export function parseSettingInput(
  key: SettingKey,
  input: string,
): { ok: true; value: number | string | boolean } | { ok: false; error: string } {
  const def: SettingDef = SETTINGS[key];
  const raw = input.trim();
  switch (def.kind) {
    case 'int': {
      if (!/^-?\d+$/.test(raw)) return { ok: false, error: 'Введите целое число.' };
      const n = Number(raw);
      if ((def.min !== undefined && n < def.min) || (def.max !== undefined && n > def.max))
        return { ok: false, error: `Допустимо от ${def.min} до ${def.max}.` };
      return { ok: true, value: n };
    }
    case 'time': {
      const m = TIME_RE.exec(raw);
      if (!m) return { ok: false, error: 'Введите время в формате ЧЧ:ММ, например 09:30.' };
      return { ok: true, value: `${m[1]!.padStart(2, '0')}:${m[2]}` };
    }
    case 'bool': {
      const v = raw.toLowerCase();
      if (['да', 'yes', 'true', '1', 'on', 'вкл'].includes(v)) return { ok: true, value: true };
      if (['нет', 'no', 'false', '0', 'off', 'выкл'].includes(v)) return { ok: true, value: false };
      return { ok: false, error: 'Ответьте «да» или «нет».' };
    }
    default: {
      if (raw.length > 500) return { ok: false, error: 'Слишком длинное значение (до 500 символов).' };
      const value = raw === '-' ? '' : raw;
      const error = def.validate?.(value);
      return error ? { ok: false, error } : { ok: true, value };
    }
  }
}

/** Coerces a stored jsonb value to the setting's type, falling back to the default if malformed. */
export function coerceSetting(key: SettingKey, stored: unknown): number | string | boolean {
  const def: SettingDef = SETTINGS[key];
  if (def.kind === 'int' && typeof stored === 'number' && Number.isInteger(stored)) return stored;
  if (def.kind === 'bool' && typeof stored === 'boolean') return stored;
  if ((def.kind === 'string' || def.kind === 'time') && typeof stored === 'string') {
    if (def.kind === 'time' && !TIME_RE.test(stored)) return def.default;
    if (def.validate?.(stored)) return def.default;
    return stored;
  }
  if (def.kind === 'string' && typeof stored === 'number') return String(stored);
  return def.default;
}
