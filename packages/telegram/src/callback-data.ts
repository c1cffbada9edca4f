/**
 * The one codec for inline-button callback data of both bots.
 *
 * Format: `<bot>:<action>[:<arg>…]`, e.g. `m:oa:123`. The bot prefix (`m:` master, `a:` admin)
 * is the version: an incompatible change of an action gets a new action code (or a new prefix
 * such as `m2:`), so buttons of old messages decode to `null` and get "button is outdated"
 * instead of being misread. Telegram limits callback data to 64 bytes.
 *
 * Adding an action is one line in the feature area's file under `callbacks/`.
 */

import { type ActionDef, type ArgSpec, MAX_CALLBACK_BYTES } from './callback-args';
import { ADMIN_CALLBACKS } from './callbacks/admin';
import { ADMIN_MASTERS_CALLBACKS } from './callbacks/admin-masters';
import { ADMIN_OPS_CALLBACKS } from './callbacks/admin-ops';
import { ADMIN_ORDER_CREATE_CALLBACKS } from './callbacks/admin-order-create';
import { ADMIN_ORDERS_CALLBACKS } from './callbacks/admin-orders';
import { MASTER_CALLBACKS } from './callbacks/master';
import { MASTER_CABINET_CALLBACKS } from './callbacks/master-cabinet';
import { MASTER_ONBOARDING_CALLBACKS } from './callbacks/master-onboarding';

export * from './callback-args';

/** Every callback action of both bots, one file per feature area under callbacks/. */
export const CALLBACKS = {
  ...MASTER_CALLBACKS,
  ...MASTER_ONBOARDING_CALLBACKS,
  ...MASTER_CABINET_CALLBACKS,
  ...ADMIN_CALLBACKS,
  ...ADMIN_ORDER_CREATE_CALLBACKS,
  ...ADMIN_ORDERS_CALLBACKS,
  ...ADMIN_MASTERS_CALLBACKS,
  ...ADMIN_OPS_CALLBACKS,
} as const;

export type CallbackName = keyof typeof CALLBACKS;

type ArgValues<S> = { [K in keyof S]: S[K] extends ArgSpec<infer T> ? T : never };
export type CallbackArgs<N extends CallbackName> = ArgValues<(typeof CALLBACKS)[N]['args']>;

export type DecodedCallback = {
  [N in CallbackName]: { name: N; bot: 'master' | 'admin'; args: CallbackArgs<N> };
}[CallbackName];

{
  const names = [
    MASTER_CALLBACKS,
    MASTER_ONBOARDING_CALLBACKS,
    MASTER_CABINET_CALLBACKS,
    ADMIN_CALLBACKS,
    ADMIN_ORDER_CREATE_CALLBACKS,
    ADMIN_ORDERS_CALLBACKS,
    ADMIN_MASTERS_CALLBACKS,
    ADMIN_OPS_CALLBACKS,
  ].flatMap((part) => Object.keys(part));
  const dup = names.find((n, i) => names.indexOf(n) !== i);
  if (dup) throw new Error(`duplicate callback action name ${dup}`);
}

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
