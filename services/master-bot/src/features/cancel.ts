import { Composer } from 'telegraf';
import { onCallback } from '../callbacks';
import type { MasterContext } from '../context';
import { mt } from '../texts';
import { showMenu } from './start';

/**
 * /cancel and ❌ Отменить leave any wizard and return to the menu (a wizard with its own
 * ending handles its ❌ before this: the form, the closing wizard).
 */
export const cancel = new Composer<MasterContext>();

cancel.command('cancel', async (ctx) => {
  const had = ctx.wizard.isOpen;
  ctx.wizard.clear();
  await ctx.reply(had ? mt.input.canceled : mt.input.nothingToCancel);
  await showMenu(ctx, 'reply');
});

cancel.use(
  onCallback('wizardCancel', async (ctx: MasterContext) => {
    const had = ctx.wizard.isOpen;
    ctx.wizard.clear();
    await ctx.answerCbQuery(had ? mt.input.canceled : mt.input.nothingToCancel);
    await showMenu(ctx, 'edit');
  }),
);
