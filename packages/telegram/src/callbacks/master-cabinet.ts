// biome-ignore lint/correctness/noUnusedImports: filled in by the cabinet features
import { action, idArg, intArg, oneOfArg } from '../callback-args';

/**
 * Master bot: history, statistics, finance, requisites, referrals, knowledge base.
 * Codes start with `m:k`.
 */
export const MASTER_CABINET_CALLBACKS = {
  historyList: action('m:kh', { page: intArg(0, 999) }),
  statsView: action('m:ks', { period: oneOfArg(['week', 'month', 'all']) }),
  financeView: action('m:kf', {}),
  requisitesView: action('m:kr', {}),
  referralView: action('m:kx', {}),
  knowledgeView: action('m:kb', {}),
} as const;
