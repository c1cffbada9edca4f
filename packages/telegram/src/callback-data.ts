/**
 * The one codec for inline-button callback data of both bots.
 *
 * Format: `<bot>:<action>[:<arg>…]`, e.g. `m:oa:123`. The bot prefix (`m:` master, `a:` admin)
 * is the version: an incompatible change of an action gets a new action code (or a new prefix
 * such as `m2:`), so buttons of old messages decode to `null` and get "button is outdated"
 * instead of being misread. Telegram limits callback data to 64 bytes.
 *
 * Adding an action is one line in `CALLBACKS`.
 */

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

function action<const S extends Specs>(code: string, args: S): ActionDef<S> {
  if (!/^[ma]:[a-z0-9]{1,8}$/.test(code)) throw new Error(`bad callback action code ${code}`);
  return { code, args };
}

/** Every callback action of both bots. */
export const CALLBACKS = {
  // Master bot
  offerAccept: action('m:oa', { offerId: idArg }),
  offerDecline: action('m:od', { offerId: idArg }),
  offerDeclineConfirm: action('m:odc', { offerId: idArg }),
  offerDeclineCancel: action('m:odn', { offerId: idArg }),
  masterMenu: action('m:menu', {}),
  shiftOn: action('m:shon', {}),
  shiftOff: action('m:shoff', {}),
  breakMenu: action('m:brk', {}),
  breakStart: action('m:brks', { d: oneOfArg(['15m', '1h', '2h']) }),
  breakEnd: action('m:brkok', {}),
  breakExtendMenu: action('m:brkx', {}),
  breakExtend: action('m:brkxs', { d: oneOfArg(['15m', '1h', '2h']) }),
  offersList: action('m:new', { page: intArg(0, 999) }),
  offerCard: action('m:newc', { offerId: idArg, page: intArg(0, 999) }),
  activeList: action('m:act', {}),
  activeCard: action('m:actc', { orderId: idArg }),
  activeEnRoute: action('m:acte', { orderId: idArg }),
  activeWorking: action('m:actw', { orderId: idArg }),
  activeClose: action('m:actx', { orderId: idArg }),
  wizardCancel: action('m:cancel', {}),
  // Admin bot
  adminOrderOpen: action('a:o', { orderId: idArg }),
} as const;

export type CallbackName = keyof typeof CALLBACKS;

type ArgValues<S> = { [K in keyof S]: S[K] extends ArgSpec<infer T> ? T : never };
export type CallbackArgs<N extends CallbackName> = ArgValues<(typeof CALLBACKS)[N]['args']>;

export type DecodedCallback = {
  [N in CallbackName]: { name: N; bot: 'master' | 'admin'; args: CallbackArgs<N> };
}[CallbackName];

const BY_CODE = new Map<string, CallbackName>();
for (const [name, def] of Object.entries(CALLBACKS) as [CallbackName, ActionDef][]) {
  if (BY_CODE.has(def.code)) throw new Error(`duplicate callback action code ${def.code}`);
  BY_CODE.set(def.code, name);
}

/** Builds callback data; throws on an out-of-range argument or when the result exceeds 64 bytes. */
export function encode<N extends CallbackName>(name: N, args: CallbackArgs<N>): string {
  const def: ActionDef = CALLBACKS[name];
  const parts = [def.code];
  for (const [key, spec] of Object.entries(def.args)) {
    const value = (args as Record<string, unknown>)[key];
    if (value === undefined) throw new TypeError(`callback ${name}: missing arg ${key}`);
    parts.push(spec.format(value));
  }
  const data = parts.join(':');
  if (Buffer.byteLength(data, 'utf8') > MAX_CALLBACK_BYTES) {
    throw new RangeError(`callback data for ${name} is longer than ${MAX_CALLBACK_BYTES} bytes`);
  }
  return data;
}

/** Parses callback data; `null` for anything malformed, unknown or out of range. Never throws. */
export function decode(data: unknown): DecodedCallback | null {
  if (typeof data !== 'string' || data.length === 0 || Buffer.byteLength(data, 'utf8') > MAX_CALLBACK_BYTES) {
    return null;
  }
  const parts = data.split(':');
  if (parts.length < 2) return null;
  const code = `${parts[0]}:${parts[1]}`;
  const name = BY_CODE.get(code);
  if (!name) return null;
  const def: ActionDef = CALLBACKS[name];
  const specs = Object.entries(def.args);
  const raw = parts.slice(2);
  if (raw.length !== specs.length) return null;
  const args: Record<string, unknown> = {};
  for (let i = 0; i < specs.length; i++) {
    const [key, spec] = specs[i]!;
    const value = spec.parse(raw[i]!);
    if (value === null) return null;
    args[key] = value;
  }
  return { name, bot: parts[0] === 'm' ? 'master' : 'admin', args } as DecodedCallback;
}
