import type { Db } from '@fs/db';
import type { DispatchDeps } from '@fs/dispatch';
import type { Logger } from '@fs/observability';
import type { Context } from 'telegraf';
import type { OnboardingWizard } from './features/onboarding-state';
import type { PayReportWizard } from './features/pay-report-state';

/** The order-closing wizard: amount (normal orders), then the act. */
export interface CloseOrderWizard {
  orderId: number;
  step: 'amount' | 'act';
  amountKopecks?: number;
  /** Last activity (epoch ms): an idle wizard expires politely. */
  at: number;
}

/** Conversation state kept in Redis (the wizards of later issues add their fields here). */
export type MasterSession = Record<string, unknown> & {
  closeOrder?: CloseOrderWizard;
  onboarding?: OnboardingWizard;
  payReport?: PayReportWizard;
};

export interface MasterContext extends Context {
  session?: MasterSession;
}

export interface MasterBotDeps {
  db: Db;
  dispatch: DispatchDeps;
  logger: Logger;
}
