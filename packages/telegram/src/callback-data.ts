/**
 * The one codec for inline-button callback data. Each bot defines its own actions (its
 * `src/callbacks/`) and gets a codec for them from `callbackCodec`; this package knows no
 * bot's actions.
 *
 * Format: `<bot>:<action>[:<arg>…]`, e.g. `m:oa:123`. The bot prefix (`m:` master, `a:` admin,
 * `c:` client)
 * is the version: an incompatible change of an action gets a new action code (or a new prefix
 * such as `m2:`), so buttons of old messages decode to `null` and get "button is outdated"
 * instead of being misread. Telegram limits callback data to 64 bytes.
 */

import type { Context, MiddlewareFn } from 'telegraf';
import type { InlineKeyboardButton } from 'telegraf/types';
import { type ActionDef, type ArgSpec, MAX_CALLBACK_BYTES } from './callback-args';

export * from './callback-args';

export type Actions = Record<string, ActionDef>;

export type CallbackBot = 'master' | 'admin' | 'client';
const PREFIX: Record<CallbackBot, string> = { master: 'm:', admin: 'a:', client: 'c:' };

type ArgValues<S> = { [K in keyof S]: S[K] extends ArgSpec<infer T> ? T : never };
/** The typed arguments of action `N`. */
export type ArgsOf<D extends Actions, N extends keyof D> = ArgValues<D[N]['args']>;

/** The action names of a bot's codec (`typeof cb`). */
export type CallbackNameOf<C extends { actions: Actions }> = keyof C['actions'] & string;
/** The typed arguments of action `N` of a bot's codec. */
export type CallbackArgsOf<C extends { actions: Actions }, N extends CallbackNameOf<C>> = ArgsOf<
  C['actions'],
  N
>;

export type Decoded<D extends Actions> = {
  [N in keyof D & string]: { name: N; bot: CallbackBot; args: ArgsOf<D, N> };
}[keyof D & string];

/** A bot's actions with their encoder, decoder, button builder and router. */
export interface CallbackCodec<D extends Actions> {
  readonly actions: D;
  /** Builds callback data; throws on an out-of-range argument or data longer than 64 bytes. */
  encode<N extends keyof D & string>(name: N, args: ArgsOf<D, N>): string;
  /** Parses callback data; `null` for anything malformed, unknown or out of range. Never throws. */
  decode(data: unknown): Decoded<D> | null;
  /** An inline button whose callback data goes through the codec (never a hand-built string). */
  button<N extends keyof D & string>(
    text: string,
    name: N,
    args: ArgsOf<D, N>,
  ): InlineKeyboardButton.CallbackButton;
  /** The update's callback data decoded (`null` when absent or malformed); decoded once per update. */
  of(ctx: Context): Decoded<D> | null;
  /** Routes one action to its handler; other updates pass through. */
  on<N extends keyof D & string, C extends Context>(
    name: N,
    handler: (ctx: C, args: ArgsOf<D, N>) => Promise<unknown> | unknown,
  ): MiddlewareFn<C>;
}

/** The actions of every part, merged (a bot lists its actions in one file per screen family). */
type Merged<P extends readonly Actions[]> = P extends readonly [
  infer H extends Actions,
  ...infer R extends readonly Actions[],
]
  ? H & Merged<R>
  : Record<never, never>;

/**
 * The codec of one bot's actions, given as one part per screen family: checks that no two parts
 * define the same name (a merge would drop one) and that every code carries the bot's prefix
 * and is unique.
 */
export function callbackCodec<const P extends readonly Actions[]>(
  bot: CallbackBot,
  ...parts: P
): CallbackCodec<Extract<Merged<P>, Actions>> {
  const names = parts.flatMap((part) => Object.keys(part));
  const dup = names.find((n, i) => names.indexOf(n) !== i);
  if (dup) throw new Error(`duplicate callback action name ${dup}`);
  return codecOf(bot, Object.assign({}, ...parts) as Extract<Merged<P>, Actions>);
}

function codecOf<D extends Actions>(bot: CallbackBot, actions: D): CallbackCodec<D> {
  const prefix = PREFIX[bot];
  const byCode = new Map<string, keyof D & string>();
  for (const [name, def] of Object.entries(actions)) {
    if (!def.code.startsWith(prefix)) throw new Error(`callback ${name}: code ${def.code} is not ${prefix}…`);
    if (byCode.has(def.code)) throw new Error(`duplicate callback action code ${def.code}`);
    byCode.set(def.code, name);
  }
  const cache = new WeakMap<Context, Decoded<D> | null>();

  const encode = <N extends keyof D & string>(name: N, args: ArgsOf<D, N>): string => {
    const def: ActionDef = actions[name]!;
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
  };

  const decode = (data: unknown): Decoded<D> | null => {
    if (typeof data !== 'string' || data.length === 0) return null;
    if (Buffer.byteLength(data, 'utf8') > MAX_CALLBACK_BYTES) return null;
    const parts = data.split(':');
    if (parts.length < 2) return null;
    const name = byCode.get(`${parts[0]}:${parts[1]}`);
    if (!name) return null;
    const specs = Object.entries(actions[name]!.args);
    const raw = parts.slice(2);
    if (raw.length !== specs.length) return null;
    const args: Record<string, unknown> = {};
    for (let i = 0; i < specs.length; i++) {
      const [key, spec] = specs[i]!;
      const value = spec.parse(raw[i]!);
      if (value === null) return null;
      args[key] = value;
    }
    return { name, bot, args } as Decoded<D>;
  };

  const of = (ctx: Context): Decoded<D> | null => {
    if (cache.has(ctx)) return cache.get(ctx) ?? null;
    const cq = ctx.callbackQuery;
    const decoded = cq && 'data' in cq ? decode(cq.data) : null;
    cache.set(ctx, decoded);
    return decoded;
  };

  return {
    actions,
    encode,
    decode,
    of,
    button: (text, name, args) => ({ text, callback_data: encode(name, args) }),
    on(name, handler) {
      return async (ctx, next) => {
        const cb = of(ctx);
        if (cb?.name !== name) return next();
        await handler(ctx, cb.args as ArgsOf<D, typeof name>);
      };
    },
  };
}
