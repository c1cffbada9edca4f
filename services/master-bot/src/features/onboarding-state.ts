/** The onboarding wizard's state in the Redis session (filled in by the onboarding feature). */
export interface OnboardingWizard {
  step: string;
  /** Last activity (epoch ms): an idle wizard expires politely. */
  at: number;
}
