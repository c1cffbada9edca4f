import { normalizeRuPhone } from '@fs/domain';

/**
 * The rules for what a master types during registration: full name, vehicle plate and payout
 * requisites. The bot validates each answer with these; the registration re-checks them.
 */

export type Parsed<T, E extends string> = { ok: true; value: T } | { ok: false; error: E };

const NAME_WORD = /^\p{L}+(?:-\p{L}+)*$/u;

/** "иванов иван" → "Иванов Иван": 2–3 words of letters (hyphens inside a word), each 2–30 long. */
export function parseFullName(input: string): Parsed<string, 'format'> {
  const words = input.trim().split(/\s+/u);
  if (input.length > 200 || words.length < 2 || words.length > 3) return { ok: false, error: 'format' };
  for (const w of words) {
    if (!NAME_WORD.test(w) || w.length < 2 || w.length > 30) return { ok: false, error: 'format' };
  }
  const capitalised = words.map((w) =>
    w
      .split('-')
      .map((part) => part.charAt(0).toLocaleUpperCase('ru-RU') + part.slice(1))
      .join('-'),
  );
  return { ok: true, value: capitalised.join(' ') };
}

// Cyrillic letters used on Russian plates and their Latin look-alikes (typed on a Latin keyboard).
const LATIN_TO_CYRILLIC: Record<string, string> = {
  A: 'А',
  B: 'В',
  E: 'Е',
  K: 'К',
  M: 'М',
  H: 'Н',
  O: 'О',
  P: 'Р',
  C: 'С',
  T: 'Т',
  Y: 'У',
  X: 'Х',
};

/**
 * A vehicle plate: spaces and dashes dropped, upper-cased, Latin look-alikes turned into the
 * Cyrillic letters Russian plates use. Any 4–12 letters and digits with at least one of each
 * (foreign and special plates are allowed).
 */
export function parseVehiclePlate(input: string): Parsed<string, 'format'> {
  if (input.length > 40) return { ok: false, error: 'format' };
  const compact = input
    .replace(/[\s-]/g, '')
    .toLocaleUpperCase('ru-RU')
    .replace(/[A-Z]/g, (c) => LATIN_TO_CYRILLIC[c] ?? c);
  if (!/^[\p{L}0-9]{4,12}$/u.test(compact) || !/\d/.test(compact) || !/\p{L}/u.test(compact)) {
    return { ok: false, error: 'format' };
  }
  return { ok: true, value: compact };
}

/** The Luhn checksum every bank card number satisfies. */
export function luhnValid(digits: string): boolean {
  let sum = 0;
  for (let i = 0; i < digits.length; i++) {
    let d = Number(digits[digits.length - 1 - i]);
    if (i % 2 === 1) {
      d *= 2;
      if (d > 9) d -= 9;
    }
    sum += d;
  }
  return digits.length > 0 && sum % 10 === 0;
}

/** A card number: 16 digits (spaces/dashes allowed) passing Luhn, stored as "XXXX XXXX XXXX XXXX". */
export function parseCardNumber(input: string): Parsed<string, 'format' | 'checksum'> {
  const raw = input.trim();
  if (raw.length > 40 || !/^[0-9\s-]+$/.test(raw)) return { ok: false, error: 'format' };
  const digits = raw.replace(/\D/g, '');
  if (digits.length !== 16) return { ok: false, error: 'format' };
  if (!luhnValid(digits)) return { ok: false, error: 'checksum' };
  return { ok: true, value: digits.replace(/(\d{4})(?=\d)/g, '$1 ') };
}

/** A bank account number: exactly 20 digits (spaces allowed). */
export function parseBankAccount(input: string): Parsed<string, 'format'> {
  const raw = input.trim();
  if (raw.length > 40 || !/^[0-9\s]+$/.test(raw)) return { ok: false, error: 'format' };
  const digits = raw.replace(/\s/g, '');
  return digits.length === 20 ? { ok: true, value: digits } : { ok: false, error: 'format' };
}

/** A YooMoney wallet number or e-mail: one word of 8–64 characters. */
export function parseYoomoney(input: string): Parsed<string, 'format'> {
  const raw = input.trim();
  return /^\S{8,64}$/u.test(raw) ? { ok: true, value: raw } : { ok: false, error: 'format' };
}

/** The SBP phone: the platform's one Russian phone rule. */
export function parseSbpPhone(input: string): Parsed<string, 'format'> {
  const phone = normalizeRuPhone(input);
  return phone ? { ok: true, value: phone } : { ok: false, error: 'format' };
}

/** Banks a master can pick for SBP payouts (the stored value is the name). */
export const SBP_BANKS = [
  'Сбер',
  'Тинькофф',
  'ВТБ',
  'Альфа-Банк',
  'Райффайзен',
  'Газпромбанк',
  'Открытие',
  'ПСБ',
  'Совкомбанк',
  'МТС Банк',
  'Ак Барс',
  'Уралсиб',
  'МКБ',
  'РСБ',
  'Другое',
] as const;
export type SbpBank = (typeof SBP_BANKS)[number];

/**
 * `masters.payout_data` by method (the keys the previous system used):
 * card `{card_number}`, sbp `{sbp_phone, sbp_bank}`, yoomoney `{account}`,
 * bank_account `{account_number}`.
 */
export type PayoutDetails =
  | { method: 'card'; card_number: string }
  | { method: 'sbp'; sbp_phone: string; sbp_bank: SbpBank }
  | { method: 'yoomoney'; account: string }
  | { method: 'bank_account'; account_number: string };

/** Re-checks stored details (from a session) against the rules; null when anything is off. */
export function checkPayout(p: PayoutDetails): PayoutDetails | null {
  switch (p.method) {
    case 'card': {
      const r = parseCardNumber(p.card_number);
      return r.ok ? { method: 'card', card_number: r.value } : null;
    }
    case 'sbp': {
      const r = parseSbpPhone(p.sbp_phone);
      return r.ok && (SBP_BANKS as readonly string[]).includes(p.sbp_bank)
        ? { method: 'sbp', sbp_phone: r.value, sbp_bank: p.sbp_bank }
        : null;
    }
    case 'yoomoney': {
      const r = parseYoomoney(p.account);
      return r.ok ? { method: 'yoomoney', account: r.value } : null;
    }
    case 'bank_account': {
      const r = parseBankAccount(p.account_number);
      return r.ok ? { method: 'bank_account', account_number: r.value } : null;
    }
    default:
      return null;
  }
}

/** The jsonb stored in `masters.payout_data` (everything but the method). */
export function payoutData(p: PayoutDetails): Record<string, string> {
  const { method: _method, ...data } = p;
  return data;
}
