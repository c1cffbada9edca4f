import type { MasterState } from '@fs/dispatch';
import type { WizardDef } from '@fs/telegram';
import type { MiddlewareFn } from 'telegraf';
import { type CallbackArgs, type CallbackName, onCallback } from '../callbacks';
import type { MasterContext } from '../context';
import { mt, texts } from '../texts';

/**
 * Who may press a master-bot button:
 * - `registered`: any master, blocked or not (the cabinet: a master blocked for an overdue
 *   commission must still reach Finance to pay);
 * - `active`: not blocked (answering offers);
 * - `approved`: not blocked, approved and verified (shift, offers, active orders).
 * Ownership of the offer, order or commission is checked by the use case against this master.
 */
export type Access = 'registered' | 'active' | 'approved';

/** The acting master when they have `access`; otherwise the callback is answered with why not. */
export async function allowed(ctx: MasterContext, access: Access): Promise<MasterState | undefined> {
  const master = ctx.master;
  const g = texts.guard;
  let refusal: string | undefined;
  if (!master) refusal = g.notRegistered;
  else if (access !== 'registered' && master.is_blocked) refusal = g.blocked[access];
  else if (access === 'approved' && (master.moderation_status !== 'approved' || !master.verified)) {
    refusal = g.notApproved;
  }
  if (refusal === undefined) return master;
  await ctx.answerCbQuery(refusal, { show_alert: true });
  return undefined;
}

/**
 * Refuses a button about an offer, order or commission this master may not see (gone, not
 * theirs, moved on): logged with the master and the object, answered with an alert.
 */
export async function refuse(
  ctx: MasterContext,
  alert: string,
  fields: Record<string, unknown>,
  msg: string,
  level: 'info' | 'warn' = 'warn',
): Promise<void> {
  ctx.deps.logger[level]({ master_id: ctx.master?.id, ...fields }, msg);
  await ctx.answerCbQuery(alert, { show_alert: true });
}

/** Routes one button to its handler when the acting master has `access` (see `allowed`). */
export function masterAction<N extends CallbackName>(
  name: N,
  access: Access,
  handler: (ctx: MasterContext, args: CallbackArgs<N>, master: MasterState) => Promise<unknown> | unknown,
): MiddlewareFn<MasterContext> {
  return onCallback(name, async (ctx: MasterContext, args: CallbackArgs<N>) => {
    const master = await allowed(ctx, access);
    if (master) await handler(ctx, args, master);
  });
}

/**
 * The answer to a button of wizard `def` when it is not open: "session expired" only when it
 * really idled out; "no longer relevant" when /start, a cancel or its end left it.
 */
export function closedWizardText<S>(ctx: MasterContext, def: WizardDef<S>): string {
  return ctx.wizard.whyClosed(def).why === 'expired' ? mt.input.sessionExpired : mt.input.staleAction;
}
