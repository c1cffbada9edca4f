import { action, idArg } from '@fs/telegram';

/**
 * Admin bot: the main menu and its entries (each entry is handled by its feature), and the
 * alerts' "open order" button.
 */
export const ADMIN_CALLBACKS = {
  adminMenu: action('a:menu', {}),
  /** Opens the order card (escalation and digest alerts carry it). Handled by the orders feature. */
  adminOrderOpen: action('a:o', { orderId: idArg }),
  /** Opens a master's card (moderation alerts carry it). Handled by the masters feature. */
  adminMasterOpen: action('a:mo', { masterId: idArg }),
  /** Opens a commission's card (payment-reported alerts carry it). Handled by the finance feature. */
  adminCommissionOpen: action('a:fo', { commissionId: idArg }),
  ordersMenu: action('a:q', {}),
  orderCreateMenu: action('a:n', {}),
  mastersMenu: action('a:m', {}),
  moderationMenu: action('a:md', {}),
  financeMenu: action('a:f', {}),
  reportsMenu: action('a:r', {}),
  settingsMenu: action('a:s', {}),
  staffMenu: action('a:p', {}),
  logsMenu: action('a:l', {}),
} as const;
