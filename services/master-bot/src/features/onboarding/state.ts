import type { ActFile, PayoutDetails } from '@fs/dispatch';
import type { Category, PayoutMethod } from '@fs/domain';

/** Screens of the onboarding wizard, in flow order (some are skipped, see onboarding-flow.ts). */
export const ONBOARDING_STEPS = [
  'consent',
  'name',
  'phone',
  'city',
  'districts',
  'skills',
  'vehicle',
  'plate',
  'payout',
  'requisites',
  'sbp_bank',
  'passport',
  'selfie',
  'referral',
  'summary',
  /** ✏️ Изменить: the list of sections. */
  'edit',
] as const;
export type OnboardingStep = (typeof ONBOARDING_STEPS)[number];

/** A section of the profile that ✏️ Изменить reopens (its steps, then back to the summary). */
export type OnboardingSection =
  | 'name'
  | 'phone'
  | 'city'
  | 'districts'
  | 'skills'
  | 'vehicle'
  | 'payout'
  | 'documents'
  | 'referral';

/**
 * The onboarding wizard's state in the Redis session: everything typed so far, so a restart or
 * another replica continues the form. Values are checked when typed and again on submit.
 */
export interface OnboardingWizard {
  step: OnboardingStep;
  /** Last activity (epoch ms): an idle wizard expires politely. */
  at: number;
  /** One id per form: submitting it twice notifies staff once. */
  submissionId: string;
  /** Personal-data consent time (ISO), set by ✅ Согласен or taken from the stored profile. */
  pdnAcceptedAt?: string;
  /** Fixing a rejected profile (the form was pre-filled from it). */
  fixing?: boolean;
  /** ✏️ Изменить: the section being edited; its last step returns to the summary. */
  editing?: OnboardingSection;
  fullName?: string;
  phone?: string;
  cityId?: number;
  /** Whether the chosen city has districts (the districts step is skipped when it has none). */
  cityHasDistricts?: boolean;
  /** The typed city search (the list shows its matches), or undefined for the full list. */
  citySearch?: string;
  districtIds?: number[];
  skills?: Category[];
  hasVehicle?: boolean;
  vehiclePlate?: string;
  payoutMethod?: PayoutMethod;
  /** Complete payout details (after the requisites, and the bank for SBP). */
  payout?: PayoutDetails;
  /** SBP phone typed, waiting for the bank. */
  sbpPhone?: string;
  passport?: ActFile;
  selfie?: ActFile;
  referralCode?: string;
}
