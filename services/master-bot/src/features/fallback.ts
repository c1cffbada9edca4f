import { fileOfMessage } from '@fs/telegram';
import { Composer } from 'telegraf';
import type { MasterContext } from '../context';
import { mt } from '../texts';

/**
 * Anything no feature took (text outside a wizard, stickers, voice…): a short hint; nothing
 * changes. A file only makes sense inside a wizard: the master's wizard expired with the session.
 */
export const fallback = new Composer<MasterContext>();

fallback.on('message', async (ctx) => {
  await ctx.reply(fileOfMessage(ctx.message) ? mt.input.sessionExpired : mt.input.useButtons);
});
