import type { MasterBotDeps, MasterContext } from '../context';
import { findMasterByTgId, type MasterRow } from '../queries';
import { texts } from '../texts';

/**
 * The master acting on a button, or undefined after telling the user why not (unknown or
 * blocked). Ownership of the offer or order is checked by the caller against this master.
 */
export async function actingMaster(ctx: MasterContext, deps: MasterBotDeps): Promise<MasterRow | undefined> {
  const tgId = ctx.from?.id;
  const master = tgId ? await findMasterByTgId(deps.db, tgId) : undefined;
  if (!master) {
    await ctx.answerCbQuery(texts.notRegistered, { show_alert: true });
    return undefined;
  }
  if (master.is_blocked) {
    await ctx.answerCbQuery(texts.blocked, { show_alert: true });
    return undefined;
  }
  return master;
}
