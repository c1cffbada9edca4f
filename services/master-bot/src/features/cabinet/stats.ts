import { inlineKeyboard, safeEdit } from '@fs/telegram';
import { Composer } from 'telegraf';
import { cbButton } from '../../callbacks';
import type { MasterContext } from '../../context';
import { menuRow } from '../../keyboards/menu';
import { masterAction } from '../../middlewares/guard';
import { loadMasterStats, type StatsPeriod } from '../../queries/cabinet';
import { mt } from '../../texts';

/** 📈 Статистика for the last 7 days, 30 days or all time (the current period is marked). */
export const stats = new Composer<MasterContext>();

const PERIODS: readonly StatsPeriod[] = ['week', 'month', 'all'];

stats.use(
  masterAction('statsView', 'registered', async (ctx, { period }, master) => {
    await ctx.answerCbQuery();
    const figures = await loadMasterStats(ctx.deps.db, master.id, period, ctx.deps.now());
    await safeEdit(ctx, mt.cabinet.stats.view(period, figures), {
      parse_mode: 'HTML',
      reply_markup: inlineKeyboard([
        PERIODS.map((p) =>
          cbButton(`${p === period ? '• ' : ''}${mt.cabinet.buttons.period[p]}`, 'statsView', { period: p }),
        ),
        menuRow(),
      ]),
    });
  }),
);
