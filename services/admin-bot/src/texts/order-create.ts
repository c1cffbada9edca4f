/** Admin bot texts: order creation wizard (part of the bot's one texts module). */
export const orderCreateTexts = {} as const;
