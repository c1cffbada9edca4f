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
import type { Telegraf } from 'telegraf';
import { cbButton, onCallback } from '../callbacks';
import type { MasterBotDeps, MasterContext } from '../context';
import { mt } from '../texts';
import { workingMaster } from './master-guard';
import { showMenu } from './start';

const DURATIONS: readonly BreakDuration[] = ['15m', '1h', '2h'];

function durationsKeyboard(action: 'breakStart' | 'breakExtend') {
  return inlineKeyboard([
    ...DURATIONS.map((d) => [cbButton(mt.buttons.duration[d]!, action, { d })]),
    [cbButton(mt.buttons.cancel, 'masterMenu', {})],
  ]);
}

/**
 * 🟢 Включить смену, ☕ Перерыв (15 мин / 1 ч / 2 ч), 🟢 Вернуться на смену, ⏱️ Продлить
 * перерыв (from the reminder), 🔴 Выключить смену. The state change is in @fs/dispatch; here
 * the answer and the refreshed menu.
 */
export function shiftFeature(bot: Telegraf<MasterContext>, deps: MasterBotDeps): void {
  const d = deps.dispatch;

  async function apply(
    ctx: MasterContext,
    run: (masterId: number) => Promise<ShiftChangeResult>,
    done: string,
    wrongState: string,
  ): Promise<void> {
    const master = await workingMaster(ctx, deps);
    if (!master) return;
    const result = await run(master.id);
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
    await showMenu(ctx, deps, 'edit');
  }

  bot.use(
    onCallback('shiftOn', (ctx: MasterContext) =>
      apply(ctx, (id) => startShift(d, id), mt.shift.started, mt.shift.alreadyOn),
    ),
  );
  bot.use(
    onCallback('shiftOff', (ctx: MasterContext) =>
      apply(ctx, (id) => endShift(d, id), mt.shift.ended, mt.shift.alreadyOff),
    ),
  );
  bot.use(
    onCallback('breakEnd', (ctx: MasterContext) =>
      apply(ctx, (id) => endBreak(d, id), mt.shift.backOnShift, mt.shift.notOnBreak),
    ),
  );
  bot.use(
    onCallback('breakStart', (ctx: MasterContext, { d: duration }) =>
      apply(ctx, (id) => startBreak(d, id, duration), mt.shift.breakStarted, mt.shift.notOnShift),
    ),
  );
  bot.use(
    onCallback('breakExtend', (ctx: MasterContext, { d: duration }) =>
      apply(ctx, (id) => extendBreak(d, id, duration), mt.shift.breakExtended, mt.shift.notOnShift),
    ),
  );

  bot.use(
    onCallback('breakMenu', async (ctx: MasterContext) => {
      const master = await workingMaster(ctx, deps);
      if (!master) return;
      if (master.shift_status !== 'on') {
        await ctx.answerCbQuery(mt.shift.notOnShift, { show_alert: true });
        await showMenu(ctx, deps, 'edit');
        return;
      }
      await ctx.answerCbQuery();
      await safeEdit(ctx, mt.shift.breakAsk, { reply_markup: durationsKeyboard('breakStart') });
    }),
  );

  bot.use(
    onCallback('breakExtendMenu', async (ctx: MasterContext) => {
      const master = await workingMaster(ctx, deps);
      if (!master) return;
      if (master.shift_status === 'off') {
        await ctx.answerCbQuery(mt.shift.notOnShift, { show_alert: true });
        await showMenu(ctx, deps, 'edit');
        return;
      }
      await ctx.answerCbQuery();
      await safeEdit(ctx, mt.shift.breakExtendAsk, { reply_markup: durationsKeyboard('breakExtend') });
    }),
  );
}
