import { type ArgsOf, assertDistinctActions, callbackCodec } from '@fs/telegram';
import { ADMIN_MASTERS_CALLBACKS } from './masters';
import { ADMIN_CALLBACKS } from './menu';
import { ADMIN_OPS_CALLBACKS } from './ops';
import { ADMIN_ORDER_CREATE_CALLBACKS } from './order-create';
import { ADMIN_ORDERS_CALLBACKS } from './orders';

/**
 * Every inline-button action of the admin bot (codes `a:…`), one file per section.
 * Adding an action is one line in its section's file; the codec is @fs/telegram's.
 */
const parts = [
  ADMIN_CALLBACKS,
  ADMIN_ORDER_CREATE_CALLBACKS,
  ADMIN_ORDERS_CALLBACKS,
  ADMIN_MASTERS_CALLBACKS,
  ADMIN_OPS_CALLBACKS,
] as const;
assertDistinctActions(parts);

export const cb = callbackCodec('admin', {
  ...ADMIN_CALLBACKS,
  ...ADMIN_ORDER_CREATE_CALLBACKS,
  ...ADMIN_ORDERS_CALLBACKS,
  ...ADMIN_MASTERS_CALLBACKS,
  ...ADMIN_OPS_CALLBACKS,
});

export type AdminActions = typeof cb.actions;
export type CallbackName = keyof AdminActions & string;
export type CallbackArgs<N extends CallbackName> = ArgsOf<AdminActions, N>;

export const { encode, decode } = cb;
export const cbButton = cb.button;
export const onCallback = cb.on;
export const callbackOf = cb.of;
