import { masterLocationInfo } from '@fs/dispatch';
import { inlineKeyboard, safeEdit } from '@fs/telegram';
import { Composer } from 'telegraf';
import { cbButton } from '../../callbacks';
import type { MasterContext } from '../../context';
import { menuRow } from '../../keyboards/menu';
import { masterAction } from '../../middlewares/guard';
import { mt } from '../../texts';

/**
 * 📍 Моя точка: whether the base point is set and the live location is on, and how to send
 * either (the location messages themselves are handled in features/location.ts).
 */
export const place = new Composer<MasterContext>();

place.use(
  masterAction('placeView', 'registered', async (ctx, _args, master) => {
    await ctx.answerCbQuery();
    const info = await masterLocationInfo(ctx.deps.db, master.id);
    await safeEdit(
      ctx,
      mt.place.screen(info ?? { base: null, live: null }, master.timezone, ctx.deps.now()),
      {
        parse_mode: 'HTML',
        reply_markup: inlineKeyboard([[cbButton(mt.buttons.refresh, 'placeView', {})], menuRow()]),
      },
    );
  }),
);
