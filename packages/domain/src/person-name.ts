/**
 * The first name to show a client ("мастер Иван"). Masters type "Фамилия Имя Отчество"
 * (the onboarding asks for it in that order), so the second of three words is the first name;
 * with two words the one that does not look like a Russian surname wins (staff sometimes type
 * "Иван Петров"), else the second, as the onboarding asks.
 */
const STRONG_SURNAME = /(ов|ев|ёв|ова|ева|ёва|ский|цкий|ская|цкая|енко|швили|дзе)$/i;
const WEAK_SURNAME = /(ин|ын|ина|ына|ых|их|ук|юк|ич|ян)$/i;

function surnameScore(word: string): number {
  if (STRONG_SURNAME.test(word)) return 2;
  if (WEAK_SURNAME.test(word)) return 1;
  return 0;
}

export function firstNameOf(fullName: string | null | undefined): string {
  const words = (fullName ?? '').trim().split(/\s+/).filter(Boolean);
  if (words.length === 0) return '';
  if (words.length === 1) return words[0]!;
  if (words.length >= 3) return words[1]!;
  const [a, b] = words as [string, string];
  return surnameScore(b) > surnameScore(a) ? a : b;
}
