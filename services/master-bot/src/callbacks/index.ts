import { type ArgsOf, assertDistinctActions, callbackCodec } from '@fs/telegram';
import { MASTER_CABINET_CALLBACKS } from './cabinet';
import { MASTER_ONBOARDING_CALLBACKS } from './onboarding';
import { MASTER_CALLBACKS } from './work';

/**
 * Every inline-button action of the master bot (codes `m:…`), one file per screen family.
 * Adding an action is one line in its family's file; the codec is @fs/telegram's.
 */
const parts = [MASTER_CALLBACKS, MASTER_ONBOARDING_CALLBACKS, MASTER_CABINET_CALLBACKS] as const;
assertDistinctActions(parts);

export const cb = callbackCodec('master', {
  ...MASTER_CALLBACKS,
  ...MASTER_ONBOARDING_CALLBACKS,
  ...MASTER_CABINET_CALLBACKS,
});

export type MasterActions = typeof cb.actions;
export type CallbackName = keyof MasterActions & string;
export type CallbackArgs<N extends CallbackName> = ArgsOf<MasterActions, N>;

export const { encode, decode } = cb;
export const cbButton = cb.button;
export const onCallback = cb.on;
export const callbackOf = cb.of;
