/** Argument specs and the action builder of the callback-data codec (see callback-data.ts). */

export const MAX_CALLBACK_BYTES = 64;
/** Postgres `integer` ids (serial) never exceed this. */
const MAX_ID = 2_147_483_647;

export interface ArgSpec<T> {
  parse(raw: string): T | null;
  format(value: T): string;
}

const DIGITS = /^[1-9][0-9]{0,9}$/;

/** A bounded integer written in canonical decimal (no sign, no leading zeros except `0` itself). */
export function intArg(min: number, max: number): ArgSpec<number> {
  const inRange = (n: number) => Number.isSafeInteger(n) && n >= min && n <= max;
  return {
    parse(raw) {
      if (raw !== '0' && !DIGITS.test(raw)) return null;
      const n = Number(raw);
      return inRange(n) ? n : null;
    },
    format(n) {
      if (!inRange(n)) throw new RangeError(`callback arg ${n} is outside ${min}..${max}`);
      return String(n);
    },
  };
}

/** A database id: positive integer that fits Postgres `integer`. */
export const idArg = intArg(1, MAX_ID);

/** One of a fixed set of short tokens (e.g. a filter or a period). */
export function oneOfArg<const V extends string>(values: readonly V[]): ArgSpec<V> {
  for (const v of values) {
    if (!/^[A-Za-z0-9_-]{1,16}$/.test(v)) throw new Error(`oneOf token ${JSON.stringify(v)} is not allowed`);
  }
  const set = new Set<string>(values);
  return {
    parse: (raw) => (set.has(raw) ? (raw as V) : null),
    format(v) {
      if (!set.has(v))
        throw new RangeError(`callback arg ${JSON.stringify(v)} is not one of ${values.join(',')}`);
      return v;
    },
  };
}

type Specs = Record<string, ArgSpec<unknown>>;

export interface ActionDef<S extends Specs = Specs> {
  code: string;
  args: S;
}

export function action<const S extends Specs>(code: string, args: S): ActionDef<S> {
  if (!/^[mac]:[a-z0-9]{1,8}$/.test(code)) throw new Error(`bad callback action code ${code}`);
  return { code, args };
}
