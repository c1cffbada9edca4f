import { randomInt } from 'node:crypto';

/**
 * Staff access codes: one-time, short-lived, typed by a person (so no 0/O or 1/I to confuse).
 * The one home of their shape: the admin bot issues them, the seed issues the first admin's,
 * and only text of this shape counts as an attempt against the five-attempt limit.
 */

export const ACCESS_CODE_ALPHABET = 'ABCDEFGHJKLMNPQRSTUVWXYZ23456789';
export const ACCESS_CODE_LENGTH = 8;
/** How long an access code (and an invitation by @username) stays valid. */
export const ACCESS_CODE_TTL_HOURS = 72;

/** A new random code (crypto-strength): 8 characters of the alphabet, about 40 bits. */
export function newAccessCode(): string {
  let code = '';
  for (let i = 0; i < ACCESS_CODE_LENGTH; i++) {
    code += ACCESS_CODE_ALPHABET[randomInt(ACCESS_CODE_ALPHABET.length)];
  }
  return code;
}

// The alphabet plus 0 and 1: first-admin codes printed by the seed before 2026-12 were hex.
const CODE_SHAPE = new RegExp(`^[${ACCESS_CODE_ALPHABET}01]{${ACCESS_CODE_LENGTH}}$`, 'i');

/** True when `text` could be an access code (case-insensitive); other text is not an attempt. */
export function looksLikeAccessCode(text: string): boolean {
  return CODE_SHAPE.test(text.trim());
}
