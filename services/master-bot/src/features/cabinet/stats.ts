import { inlineKeyboard, safeEdit } from '@fs/telegram';
import type { Telegraf } from 'telegraf';
import { loadMasterStats, type StatsPeriod } from '../cabinet-queries';
import { cbButton, onCallback } from '../callbacks';
import type { MasterBotDeps, MasterContext } from '../context';
import { mt } from '../texts';
import { cabinetMaster } from './cabinet-guard';

const PERIODS: readonly StatsPeriod[] = ['week', 'month', 'all'];

/** 📈 Статистика for the last 7 days, 30 days or all time (the current period is marked). */
export function statsFeature(bot: Telegraf<MasterContext>, deps: MasterBotDeps): void {
  bot.use(
    onCallback('statsView', async (ctx: MasterContext, { period }) => {
      const master = await cabinetMaster(ctx, deps);
      if (!master) return;
      await ctx.answerCbQuery();
      const stats = await loadMasterStats(deps.db, master.id, period);
      await safeEdit(ctx, mt.cabinet.stats.view(period, stats), {
        parse_mode: 'HTML',
        reply_markup: inlineKeyboard([
          PERIODS.map((p) =>
            cbButton(`${p === period ? '• ' : ''}${mt.cabinet.buttons.period[p]}`, 'statsView', {
              period: p,
            }),
          ),
          [cbButton(mt.buttons.menu, 'masterMenu', {})],
        ]),
      });
    }),
  );
}
