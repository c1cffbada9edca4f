import {
  type BreakDuration,
  endBreak,
  endShift,
  extendBreak,
  type ShiftChangeResult,
  startBreak,
  startShift,
} from '@fs/dispatch';
import { inlineKeyboard, safeEdit } from '@fs/telegram';
import { Composer } from 'telegraf';
import { cbButton } from '../callbacks';
import type { MasterContext } from '../context';
import { masterAction } from '../middlewares/guard';
import { mt } from '../texts';
import { showMenu } from './start';

/**
 * 🟢 Включить смену, ☕ Перерыв (15 мин / 1 ч / 2 ч), 🟢 Вернуться на смену, ⏱️ Продлить
 * перерыв (from the reminder), 🔴 Выключить смену. The state change is in @fs/dispatch; here
 * the answer and the refreshed menu.
 */
export const shift = new Composer<MasterContext>();

const DURATIONS: readonly BreakDuration[] = ['15m', '1h', '2h'];

function durationsKeyboard(action: 'breakStart' | 'breakExtend') {
  return inlineKeyboard([
    ...DURATIONS.map((d) => [cbButton(mt.buttons.duration[d]!, action, { d })]),
    [cbButton(mt.buttons.cancel, 'masterMenu', {})],
  ]);
}

/** Runs one shift change, answers its outcome and shows the menu as it is now. */
async function apply(
  ctx: MasterContext,
  result: ShiftChangeResult,
  done: string,
  wrongState: string,
): Promise<void> {
  switch (result.kind) {
    case 'ok':
      await ctx.answerCbQuery(done);
      break;
    case 'wrong_state':
      await ctx.answerCbQuery(wrongState, { show_alert: true });
      break;
    case 'blocked':
      await ctx.answerCbQuery(mt.shift.blocked, { show_alert: true });
      break;
    case 'not_approved':
    case 'not_found':
      await ctx.answerCbQuery(mt.shift.notApproved, { show_alert: true });
      break;
  }
  await showMenu(ctx, 'edit', true);
}

shift.use(
  masterAction('shiftOn', 'approved', async (ctx, _args, master) =>
    apply(ctx, await startShift(ctx.deps.dispatch, master.id), mt.shift.started, mt.shift.alreadyOn),
  ),
);
shift.use(
  masterAction('shiftOff', 'approved', async (ctx, _args, master) =>
    apply(ctx, await endShift(ctx.deps.dispatch, master.id), mt.shift.ended, mt.shift.alreadyOff),
  ),
);
shift.use(
  masterAction('breakEnd', 'approved', async (ctx, _args, master) =>
    apply(ctx, await endBreak(ctx.deps.dispatch, master.id), mt.shift.backOnShift, mt.shift.notOnBreak),
  ),
);
shift.use(
  masterAction('breakStart', 'approved', async (ctx, { d }, master) =>
    apply(ctx, await startBreak(ctx.deps.dispatch, master.id, d), mt.shift.breakStarted, mt.shift.notOnShift),
  ),
);
shift.use(
  masterAction('breakExtend', 'approved', async (ctx, { d }, master) =>
    apply(
      ctx,
      await extendBreak(ctx.deps.dispatch, master.id, d),
      mt.shift.breakExtended,
      mt.shift.notOnShift,
    ),
  ),
);

shift.use(
  masterAction('breakMenu', 'approved', async (ctx, _args, master) => {
    if (master.shift_status !== 'on') {
      await ctx.answerCbQuery(mt.shift.notOnShift, { show_alert: true });
      await showMenu(ctx, 'edit');
      return;
    }
    await ctx.answerCbQuery();
    await safeEdit(ctx, mt.shift.breakAsk, { reply_markup: durationsKeyboard('breakStart') });
  }),
);

shift.use(
  masterAction('breakExtendMenu', 'approved', async (ctx, _args, master) => {
    if (master.shift_status === 'off') {
      await ctx.answerCbQuery(mt.shift.notOnShift, { show_alert: true });
      await showMenu(ctx, 'edit');
      return;
    }
    await ctx.answerCbQuery();
    await safeEdit(ctx, mt.shift.breakExtendAsk, { reply_markup: durationsKeyboard('breakExtend') });
  }),
);
