import { CATEGORIES, PAYOUT_METHODS } from '@fs/domain';
import { action, idArg, intArg, oneOfArg } from '@fs/telegram';

/** Sections of the profile the summary's ✏️ Изменить can jump back to. */
export const ONBOARDING_EDIT_FIELDS = [
  'name',
  'phone',
  'city',
  'districts',
  'skills',
  'vehicle',
  'base',
  'payout',
  'documents',
  'referral',
] as const;

/** Master bot: onboarding wizard and profile fixes. Codes start with `m:g`. */
export const MASTER_ONBOARDING_CALLBACKS = {
  /** ✏️ Исправить анкету (rejected profile): the wizard pre-filled from the stored profile. */
  onboardingStart: action('m:g', {}),
  /** /start found a half-filled form: continue it, or start over. */
  onboardingResume: action('m:gres', {}),
  onboardingRestart: action('m:grst', {}),
  onboardingConsent: action('m:gpdn', { answer: oneOfArg(['yes', 'no']) }),
  onboardingBack: action('m:gback', {}),
  onboardingCityPage: action('m:gcp', { page: intArg(0, 999) }),
  onboardingCity: action('m:gc', { cityId: idArg }),
  onboardingDistrictPage: action('m:gdp', { page: intArg(0, 999) }),
  onboardingDistrict: action('m:gd', { districtId: idArg, page: intArg(0, 999) }),
  onboardingDistrictsAll: action('m:gda', { page: intArg(0, 999) }),
  onboardingDistrictsDone: action('m:gdok', {}),
  onboardingSkill: action('m:gs', { skill: oneOfArg(CATEGORIES) }),
  onboardingSkillsDone: action('m:gsok', {}),
  onboardingVehicle: action('m:gv', { has: oneOfArg(['yes', 'no']) }),
  onboardingPayout: action('m:gp', { method: oneOfArg(PAYOUT_METHODS) }),
  /** Index into SBP_BANKS (@fs/dispatch). */
  onboardingSbpBank: action('m:gb', { bank: intArg(0, 14) }),
  onboardingReferral: action('m:gr', { keep: oneOfArg(['yes', 'no']) }),
  /** ⏭ Пропустить the base point step. */
  onboardingBaseSkip: action('m:gbs', {}),
  onboardingSubmit: action('m:gok', {}),
  onboardingEditMenu: action('m:ge', {}),
  onboardingEdit: action('m:gef', { field: oneOfArg(ONBOARDING_EDIT_FIELDS) }),
} as const;
