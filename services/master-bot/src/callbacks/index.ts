import { type CallbackArgsOf, type CallbackNameOf, callbackCodec } from '@fs/telegram';
import { MASTER_CABINET_CALLBACKS } from './cabinet';
import { MASTER_ONBOARDING_CALLBACKS } from './onboarding';
import { MASTER_CALLBACKS } from './work';

/**
 * Every inline-button action of the master bot (codes `m:…`), one file per screen family.
 * Adding an action is one line in its family's file; the codec is @fs/telegram's.
 */
export const cb = callbackCodec(
  'master',
  MASTER_CALLBACKS,
  MASTER_ONBOARDING_CALLBACKS,
  MASTER_CABINET_CALLBACKS,
);

export type CallbackName = CallbackNameOf<typeof cb>;
export type CallbackArgs<N extends CallbackName> = CallbackArgsOf<typeof cb, N>;
export const { encode, decode, button: cbButton, on: onCallback, of: callbackOf } = cb;
