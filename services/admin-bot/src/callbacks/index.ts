import { type CallbackArgsOf, type CallbackNameOf, callbackCodec } from '@fs/telegram';
import { ADMIN_MASTERS_CALLBACKS } from './masters';
import { ADMIN_CALLBACKS } from './menu';
import { ADMIN_OPS_CALLBACKS } from './ops';
import { ADMIN_ORDER_CREATE_CALLBACKS } from './order-create';
import { ADMIN_ORDERS_CALLBACKS } from './orders';

/**
 * Every inline-button action of the admin bot (codes `a:…`), one file per section.
 * Adding an action is one line in its section's file; the codec is @fs/telegram's.
 */
export const cb = callbackCodec(
  'admin',
  ADMIN_CALLBACKS,
  ADMIN_ORDER_CREATE_CALLBACKS,
  ADMIN_ORDERS_CALLBACKS,
  ADMIN_MASTERS_CALLBACKS,
  ADMIN_OPS_CALLBACKS,
);

export type CallbackName = CallbackNameOf<typeof cb>;
export type CallbackArgs<N extends CallbackName> = CallbackArgsOf<typeof cb, N>;
export const { encode, decode, button: cbButton, on: onCallback, of: callbackOf } = cb;
