/**
 * Russian texts that dispatch writes into rows and both bots show as they are. The bots' own
 * texts live in each bot's texts/; notification texts in notifications/templates.ts.
 */

/**
 * The block reason of an overdue commission (masters.blocked_reason). Approving the last
 * overdue commission lifts a block whose reason is exactly this text, and no other block.
 */
export const overdueBlockReason = (orderId: number) => `Просрочена оплата комиссии по заказу #${orderId}`;
