import type { StaffActor } from '@fs/dispatch';
import type { InlineKeyboardButton } from 'telegraf/types';
import { type CallbackArgs, type CallbackName, cbButton } from '../callbacks';
import type { AdminContext, AdminWizard } from '../context';
import { inScope } from '../scope';
import type { StaffMember } from '../staff';
import { texts } from '../texts';
import { currentWizard } from './wizard-session';

/** Helpers shared by the masters, moderation, finance and staff-access screens. */

export const T = texts.masters;

/** The dispatch operations' view of the acting staff member. */
export function actorOf(staff: StaffMember): StaffActor {
  return { staffId: staff.id, staffName: staff.fullName, inScope: (cityId) => inScope(staff, cityId) };
}

/** "◀️ / ▶️" around a page, only where there is somewhere to go. */
export function pagerRow<N extends CallbackName>(
  page: number,
  pages: number,
  name: N,
  argsFor: (page: number) => CallbackArgs<N>,
): InlineKeyboardButton[] {
  const row: InlineKeyboardButton[] = [];
  if (page > 0) row.push(cbButton(texts.buttons.prev, name, argsFor(page - 1)));
  if (page < pages - 1) row.push(cbButton(texts.buttons.next, name, argsFor(page + 1)));
  return row;
}

/** Answers a refused dispatch action (not found / other city / already changed) as a toast. */
export async function answerRefusal(
  ctx: AdminContext,
  kind: 'not_found' | 'not_in_scope' | 'wrong_state',
  wrongState: string,
): Promise<void> {
  const text =
    kind === 'not_found' ? texts.notFound : kind === 'not_in_scope' ? texts.notInScope : wrongState;
  if (ctx.callbackQuery) await ctx.answerCbQuery(text, { show_alert: kind !== 'wrong_state' });
  else await ctx.reply(text);
}

/**
 * The message handler's view of a wizard owned by one of `kinds`: the wizard, 'expired' (told
 * once here), or undefined when the staff member has no wizard of these kinds.
 */
export function ownWizard(ctx: AdminContext, kinds: readonly string[]): AdminWizard | 'expired' | undefined {
  const kind = ctx.session?.wizard?.kind;
  if (!kind || !kinds.includes(kind)) return undefined;
  return currentWizard(ctx, kind);
}

/** The message's text, or undefined for photos, stickers, voice… */
export function messageText(ctx: AdminContext): string | undefined {
  const msg = ctx.message;
  return msg && 'text' in msg ? msg.text : undefined;
}
