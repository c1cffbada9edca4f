import { loadMasterState } from '@fs/dispatch';
import type { MiddlewareFn } from 'telegraf';
import type { MasterContext } from '../context';

/**
 * Loads the acting master (and what the menu needs about them) once per update: every handler
 * reads `ctx.master`, nobody looks the user up again. Deleted masters count as unknown.
 */
export const identify: MiddlewareFn<MasterContext> = async (ctx, next) => {
  if (ctx.from && !ctx.from.is_bot) ctx.master = await loadMasterState(ctx.deps.db, ctx.from.id);
  return next();
};

/** Reads the acting master again after this update changed them (shift, registration). */
export async function reloadMaster(ctx: MasterContext): Promise<MasterContext['master']> {
  ctx.master = ctx.from ? await loadMasterState(ctx.deps.db, ctx.from.id) : undefined;
  return ctx.master;
}
