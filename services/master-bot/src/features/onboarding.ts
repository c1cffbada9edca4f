import type { Telegraf } from 'telegraf';
import type { MasterBotDeps, MasterContext } from '../context';

/** Onboarding: consent, the profile wizard, moderation states, fix and resubmit, referral deep link. */
export function onboardingFeature(_bot: Telegraf<MasterContext>, _deps: MasterBotDeps): void {}
