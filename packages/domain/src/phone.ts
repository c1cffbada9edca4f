/**
 * Russian phone numbers, the one rule for masters, clients and SBP: 11 digits starting with
 * 7 or 8, or 10 digits (the leading 7 omitted), any spaces, dashes, dots or brackets, an
 * optional leading "+". Normalised to `+7XXXXXXXXXX`; `null` for anything else.
 */
export function normalizeRuPhone(input: string): string | null {
  const trimmed = input.trim();
  if (trimmed.length === 0 || trimmed.length > 32) return null;
  if (!/^\+?[0-9\s\-().]+$/.test(trimmed)) return null;
  const digits = trimmed.replace(/\D/g, '');
  if (digits.length === 10) return `+7${digits}`;
  if (digits.length === 11 && (digits[0] === '7' || digits[0] === '8')) return `+7${digits.slice(1)}`;
  return null;
}

/** `+7*** *** ** NN`: a phone shown where the full number is not needed. */
export function maskPhone(phone: string): string {
  const digits = phone.replace(/\D/g, '');
  return `+7*** *** ** ${digits.slice(-2)}`;
}

/**
 * `+7 916 555-44-33`: a normalised phone written so that Telegram recognises it as a phone
 * number (tap to call) when it stands in plain text, not inside `<code>`.
 */
export function formatPhoneForCall(phone: string): string {
  const d = phone.replace(/\D/g, '');
  if (d.length !== 11 || d[0] !== '7') return phone;
  return `+7 ${d.slice(1, 4)} ${d.slice(4, 7)}-${d.slice(7, 9)}-${d.slice(9)}`;
}
