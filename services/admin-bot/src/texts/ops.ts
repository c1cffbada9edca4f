/** Admin bot texts: reports, settings, logs (part of the bot's one texts module). */
export const opsTexts = {} as const;
