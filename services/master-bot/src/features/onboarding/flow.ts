import { randomBytes } from 'node:crypto';
import { ONBOARDING_STEPS, type OnboardingSection, type OnboardingStep, type WizardState } from './state';

/**
 * The order of the onboarding screens, which of them apply, where ⬅️ Назад leads and what is
 * still missing. Pure: the handlers in onboarding.ts apply it to the session.
 */

export type { WizardState };

/** The form's steps in order (consent and the summary frame them; ✏️ Изменить is off-flow). */
const FLOW: readonly OnboardingStep[] = ONBOARDING_STEPS.filter(
  (step) => step !== 'consent' && step !== 'summary' && step !== 'edit',
);

/** The steps each ✏️ Изменить section walks through before returning to the summary. */
export const SECTION_STEPS: Record<OnboardingSection, readonly OnboardingStep[]> = {
  name: ['name'],
  phone: ['phone'],
  city: ['city', 'districts'],
  districts: ['districts'],
  skills: ['skills'],
  vehicle: ['vehicle', 'plate'],
  base: ['base_point'],
  payout: ['payout', 'requisites', 'sbp_bank'],
  documents: ['passport', 'selfie'],
  referral: ['referral'],
};

/** Sections offered by ✏️ Изменить for this form. */
export function editableSections(s: WizardState, docsRequired: boolean): OnboardingSection[] {
  return (Object.keys(SECTION_STEPS) as OnboardingSection[]).filter((section) =>
    SECTION_STEPS[section].some((step) => applies(s, step, docsRequired)),
  );
}

/** A new form; `referralCode` comes from a deep link (`/start ref_<CODE>`). */
export function newOnboarding(referralCode: string | null): WizardState {
  return {
    step: 'consent',
    submissionId: randomBytes(6).toString('hex'),
    ...(referralCode ? { referralCode } : {}),
  };
}

/** Whether a step is part of this form (districts only for cities with districts, etc.). */
export function applies(s: WizardState, step: OnboardingStep, docsRequired: boolean): boolean {
  switch (step) {
    case 'districts':
      return s.cityHasDistricts !== false;
    case 'plate':
      return s.hasVehicle === true;
    case 'sbp_bank':
      return s.payoutMethod === 'sbp';
    case 'passport':
    case 'selfie':
      return docsRequired;
    default:
      return true;
  }
}

/** The first step whose answer is missing, or undefined when the form is complete. */
export function firstMissing(s: WizardState, docsRequired: boolean): OnboardingStep | undefined {
  if (!s.fullName) return 'name';
  if (!s.phone) return 'phone';
  if (!s.cityId || s.cityHasDistricts === undefined) return 'city';
  if (s.cityHasDistricts && !s.districtIds?.length) return 'districts';
  if (!s.skills?.length) return 'skills';
  if (s.hasVehicle === undefined) return 'vehicle';
  if (s.hasVehicle && !s.vehiclePlate) return 'plate';
  if (!s.payoutMethod) return 'payout';
  if (!s.payout || s.payout.method !== s.payoutMethod) {
    return s.payoutMethod === 'sbp' && s.sbpPhone ? 'sbp_bank' : 'requisites';
  }
  if (docsRequired && !s.passport) return 'passport';
  if (docsRequired && !s.selfie) return 'selfie';
  return undefined;
}

/** Where the form goes after `from` was answered. */
export function nextStep(s: WizardState, from: OnboardingStep, docsRequired: boolean): OnboardingStep {
  const steps = s.editing ? SECTION_STEPS[s.editing] : FLOW;
  const i = steps.indexOf(from);
  for (let j = i + 1; j < steps.length; j++) {
    if (applies(s, steps[j]!, docsRequired)) return steps[j]!;
  }
  return 'summary';
}

/** Where ⬅️ Назад leads from `from` (within an edited section: back to the summary at its start). */
export function previousStep(s: WizardState, from: OnboardingStep, docsRequired: boolean): OnboardingStep {
  if (from === 'edit') return 'summary';
  if (from === 'summary') return lastApplicable(FLOW, s, docsRequired) ?? 'consent';
  const steps = s.editing ? SECTION_STEPS[s.editing] : FLOW;
  const i = steps.indexOf(from);
  for (let j = i - 1; j >= 0; j--) {
    if (applies(s, steps[j]!, docsRequired)) return steps[j]!;
  }
  return s.editing ? 'summary' : 'consent';
}

function lastApplicable(
  steps: readonly OnboardingStep[],
  s: WizardState,
  docsRequired: boolean,
): OnboardingStep | undefined {
  for (let j = steps.length - 1; j >= 0; j--) {
    if (applies(s, steps[j]!, docsRequired)) return steps[j]!;
  }
  return undefined;
}

/**
 * The state to show: the summary only for a complete form (otherwise the first missing step,
 * outside any edited section); leaving an edit ends it.
 */
export function settle(s: WizardState, docsRequired: boolean): WizardState {
  if (s.step !== 'summary' && s.step !== 'edit') return s;
  const { editing: _editing, ...rest } = s;
  const missing = firstMissing(rest, docsRequired);
  return missing ? { ...rest, step: missing } : rest;
}
