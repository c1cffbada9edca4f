/**
 * Master bot texts: history, statistics, finance, requisites, referrals, knowledge base
 * (part of the bot's one texts module).
 */
export const cabinetTexts = {} as const;
