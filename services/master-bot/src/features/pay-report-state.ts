import type { ReceiptFile } from '@fs/dispatch';

/**
 * The "💸 Я оплатил" wizard's state in the Redis session: the commission and the receipts sent
 * so far. Nothing is written to the database until ✅ Готово, so /cancel leaves no trace.
 */
export interface PayReportWizard {
  commissionId: number;
  files: ReceiptFile[];
  /** Last activity (epoch ms): an idle wizard expires politely. */
  at: number;
}
