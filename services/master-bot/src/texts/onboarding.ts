/** Master bot texts: onboarding wizard and profile fixes (part of the bot's one texts module). */
export const onboardingTexts = {} as const;
