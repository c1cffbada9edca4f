import { fileOfMessage } from '@fs/telegram';
import { Composer } from 'telegraf';
import type { MasterContext } from '../context';
import { mt } from '../texts';

/**
 * Anything no feature took (text outside a wizard, stickers, voice…): a short hint; nothing
 * changes. A file only makes sense inside a wizard: "session expired" when the last wizard
 * idled out, otherwise (e.g. right after /start) "choose an action in the menu first".
 */
export const fallback = new Composer<MasterContext>();

fallback.on('message', async (ctx) => {
  if (!fileOfMessage(ctx.message)) return void (await ctx.reply(mt.input.useButtons));
  await ctx.reply(ctx.wizard.lastEnd?.expired ? mt.input.sessionExpired : mt.input.chooseFirst);
});
