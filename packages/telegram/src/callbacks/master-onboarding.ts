// biome-ignore lint/correctness/noUnusedImports: filled in by the onboarding feature
import { action, idArg, intArg, oneOfArg } from '../callback-args';

/** Master bot: onboarding wizard and profile fixes. Codes start with `m:g`. */
export const MASTER_ONBOARDING_CALLBACKS = {
  onboardingStart: action('m:g', {}),
} as const;
