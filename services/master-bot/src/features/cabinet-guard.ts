import type { MasterBotDeps, MasterContext } from '../context';
import { loadMasterState, type MasterState } from '../master-queries';
import { mt } from '../texts';

/**
 * The master acting on a cabinet button (history, statistics, finance, requisites, referrals,
 * knowledge base): any registered master, blocked or not — a master blocked for an overdue
 * commission must still reach Finance to pay. Otherwise the callback is answered and undefined
 * is returned. Object ids are re-checked against this master by the caller's queries.
 */
export async function cabinetMaster(
  ctx: MasterContext,
  deps: MasterBotDeps,
): Promise<MasterState | undefined> {
  const tgId = ctx.from?.id;
  const master = tgId ? await loadMasterState(deps.db, tgId) : undefined;
  if (!master) {
    await ctx.answerCbQuery(mt.cabinet.guard.notRegistered, { show_alert: true });
    return undefined;
  }
  return master;
}
