import type { MasterState } from '@fs/dispatch';
import { guardedButtons, type WizardDef } from '@fs/telegram';
import { cb } from '../callbacks';
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
async function allowed(ctx: MasterContext, access: Access): Promise<MasterState | undefined> {
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

/**
 * Master buttons, each for one `access` (@fs/telegram `guardedButtons`, refused as `allowed`
 * says): `masterAction(name, access, handler)`; `masterScreen` for a button that only shows a
 * screen; `masterPages(entry, list, …)` for a paged list with a menu entry.
 */
export const { action: masterAction, screen: masterScreen, pages: masterPages } = guardedButtons(cb, allowed);

/**
 * The answer to a button of wizard `def` when it is not open: "session expired" only when it
 * really idled out; "no longer relevant" when /start, a cancel or its end left it.
 */
export function closedWizardText<S>(ctx: MasterContext, def: WizardDef<S>): string {
  return ctx.wizard.whyClosed(def).why === 'expired' ? mt.input.sessionExpired : mt.input.staleAction;
}
