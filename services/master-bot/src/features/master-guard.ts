import type { MasterBotDeps, MasterContext } from '../context';
import { loadMasterState, type MasterState } from '../master-queries';
import { mt, texts } from '../texts';

/**
 * The master acting on a work button (shift, offers, active orders): registered, not blocked,
 * approved. Otherwise the callback is answered with why not and undefined is returned.
 */
export async function workingMaster(
  ctx: MasterContext,
  deps: MasterBotDeps,
): Promise<MasterState | undefined> {
  const tgId = ctx.from?.id;
  const master = tgId ? await loadMasterState(deps.db, tgId) : undefined;
  if (!master) {
    await ctx.answerCbQuery(texts.notRegistered, { show_alert: true });
    return undefined;
  }
  if (master.is_blocked) {
    await ctx.answerCbQuery(mt.shift.blocked, { show_alert: true });
    return undefined;
  }
  if (master.moderation_status !== 'approved' || !master.verified) {
    await ctx.answerCbQuery(mt.shift.notApproved, { show_alert: true });
    return undefined;
  }
  return master;
}
