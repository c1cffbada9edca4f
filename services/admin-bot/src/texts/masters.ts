/** Admin bot texts: masters, moderation, finance, staff and access (part of the bot's one texts module). */
export const mastersTexts = {} as const;
