import { SBP_BANKS } from '@fs/dispatch';
import { CATEGORIES, PAYOUT_METHODS } from '@fs/domain';
import { defineWizard, messageFileSchema } from '@fs/telegram';
import { z } from 'zod';
import { ONBOARDING_EDIT_FIELDS } from '../../callbacks/onboarding';

/** Screens of the onboarding wizard, in flow order (some are skipped, see flow.ts). */
export const ONBOARDING_STEPS = [
  'consent',
  'name',
  'phone',
  'city',
  'districts',
  'skills',
  'vehicle',
  'plate',
  /** Optional: where the master usually starts from (a Telegram location), or ⏭ skip. */
  'base_point',
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
export type OnboardingSection = (typeof ONBOARDING_EDIT_FIELDS)[number];

const payoutSchema = z.discriminatedUnion('method', [
  z.object({ method: z.literal('card'), card_number: z.string() }),
  z.object({ method: z.literal('sbp'), sbp_phone: z.string(), sbp_bank: z.enum(SBP_BANKS) }),
  z.object({ method: z.literal('yoomoney'), account: z.string() }),
  z.object({ method: z.literal('bank_account'), account_number: z.string() }),
]);

/**
 * The onboarding form: everything typed so far, so a restart or another replica continues it.
 * Values are checked when typed and again on submit.
 */
const onboardingSchema = z.object({
  step: z.enum(ONBOARDING_STEPS),
  /** One id per form: submitting it twice notifies staff once. */
  submissionId: z.string(),
  /** Personal-data consent time (ISO), set by ✅ Согласен or taken from the stored profile. */
  pdnAcceptedAt: z.string().optional(),
  /** Fixing a rejected profile (the form was pre-filled from it). */
  fixing: z.boolean().optional(),
  /** ✏️ Изменить: the section being edited; its last step returns to the summary. */
  editing: z.enum(ONBOARDING_EDIT_FIELDS).optional(),
  fullName: z.string().optional(),
  phone: z.string().optional(),
  cityId: z.number().int().optional(),
  /** Whether the chosen city has districts (the districts step is skipped when it has none). */
  cityHasDistricts: z.boolean().optional(),
  /** The typed city search (the list shows its matches), or undefined for the full list. */
  citySearch: z.string().optional(),
  districtIds: z.array(z.number().int()).optional(),
  skills: z.array(z.enum(CATEGORIES)).optional(),
  hasVehicle: z.boolean().optional(),
  vehiclePlate: z.string().optional(),
  basePoint: z.object({ lat: z.number(), lon: z.number() }).optional(),
  payoutMethod: z.enum(PAYOUT_METHODS).optional(),
  /** Complete payout details (after the requisites, and the bank for SBP). */
  payout: payoutSchema.optional(),
  /** SBP phone typed, waiting for the bank. */
  sbpPhone: z.string().optional(),
  passport: messageFileSchema.optional(),
  selfie: messageFileSchema.optional(),
  referralCode: z.string().optional(),
});

export type WizardState = z.infer<typeof onboardingSchema>;

export const onboardingWizard = defineWizard('onboarding', onboardingSchema);
