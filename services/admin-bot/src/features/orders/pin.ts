import { canPinLocation, pinOrderLocation } from '@fs/dispatch';
import { isValidPoint } from '@fs/domain';
import { Composer } from 'telegraf';
import type { AdminContext } from '../../context';
import { capable, wizardInput } from '../../middlewares/guard';
import { actorOf } from '../../scope';
import { askForText, finish } from './actions';
import { pinWizard, T } from './common';

/**
 * 📍 Уточнить точку: staff correct an open order's point with a Telegram location (📎 →
 * Геопозиция); the point becomes exact (`pin`) and a waiting order is distributed again.
 */
export const orderPin = new Composer<AdminContext>();

orderPin.use(askForText('ordersPin', canPinLocation, pinWizard, T.pinPrompt));

orderPin.use(
  wizardInput(pinWizard, capable('orders'), async (ctx, { orderId }, _text, staff) => {
    const msg = ctx.message;
    const loc = msg && 'location' in msg ? msg.location : undefined;
    if (!loc) {
      await ctx.reply(T.pinNeedLocation);
      return;
    }
    if (!isValidPoint(loc.latitude, loc.longitude)) {
      await ctx.reply(T.pinBadPoint);
      return;
    }
    ctx.wizard.clear();
    const result = await pinOrderLocation(ctx.deps.dispatch, actorOf(staff), orderId, {
      lat: loc.latitude,
      lon: loc.longitude,
    });
    if (result.kind === 'invalid_point') {
      await ctx.reply(T.pinBadPoint);
      return;
    }
    await finish(ctx, staff, orderId, result, T.pinned);
  }),
);
