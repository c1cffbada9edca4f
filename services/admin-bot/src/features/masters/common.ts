import type { AdminContext } from '../../context';
import { texts } from '../../texts';

/** What the masters, moderation, finance and staff screens share. */

export const T = texts.masters;

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
