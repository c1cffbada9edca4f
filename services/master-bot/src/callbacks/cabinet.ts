import { action, idArg, intArg, oneOfArg } from '@fs/telegram';

export const KNOWLEDGE_SECTIONS = ['offers', 'statuses', 'commission', 'blocking'] as const;

/**
 * Master bot: history, statistics, finance, requisites, referrals, knowledge base.
 * Codes start with `m:k`.
 */
export const MASTER_CABINET_CALLBACKS = {
  historyList: action('m:kh', { page: intArg(0, 999) }),
  historyCard: action('m:khc', { orderId: idArg, page: intArg(0, 999) }),
  statsView: action('m:ks', { period: oneOfArg(['week', 'month', 'all']) }),
  financeView: action('m:kf', {}),
  /** Unpaid commissions (waiting, on check, overdue), one page. */
  financePage: action('m:kfp', { page: intArg(0, 999) }),
  /** History of payments (approved commissions), one page. */
  financePaid: action('m:kfh', { page: intArg(0, 999) }),
  commissionCard: action('m:kfc', { commissionId: idArg }),
  /** 💸 Я оплатил: opens the receipt wizard. */
  commissionPay: action('m:kfi', { commissionId: idArg }),
  payReportDone: action('m:kfd', { commissionId: idArg }),
  payReportCancel: action('m:kfx', { commissionId: idArg }),
  requisitesView: action('m:kr', {}),
  referralView: action('m:kx', {}),
  knowledgeView: action('m:kb', {}),
  /** 📍 Моя точка: base point and live location status. */
  placeView: action('m:kp', {}),
  knowledgeSection: action('m:kbs', { section: oneOfArg(KNOWLEDGE_SECTIONS) }),
} as const;
