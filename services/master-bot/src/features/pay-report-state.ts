/** The "Я оплатил" wizard's state in the Redis session (filled in by the finance feature). */
export interface PayReportWizard {
  commissionId: number;
  /** Last activity (epoch ms): an idle wizard expires politely. */
  at: number;
}
