/** Admin bot texts: order queue, filters, search, order card and actions (part of the bot's one texts module). */
export const ordersTexts = {} as const;
