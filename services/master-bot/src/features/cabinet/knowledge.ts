import { inlineKeyboard, safeEdit } from '@fs/telegram';
import type { Telegraf } from 'telegraf';
import { type CallbackArgs, cbButton, onCallback } from '../callbacks';
import type { MasterBotDeps, MasterContext } from '../context';
import { mt } from '../texts';
import { cabinetMaster } from './cabinet-guard';

const t = mt.cabinet.knowledge;
const SECTIONS: readonly CallbackArgs<'knowledgeSection'>['section'][] = [
  'offers',
  'statuses',
  'commission',
  'blocking',
];

/** 📚 База знаний: short sections (offers, statuses, commission, blocking) and the support contact. */
export function knowledgeFeature(bot: Telegraf<MasterContext>, deps: MasterBotDeps): void {
  bot.use(
    onCallback('knowledgeView', async (ctx: MasterContext) => {
      const master = await cabinetMaster(ctx, deps);
      if (!master) return;
      await ctx.answerCbQuery();
      const { support_contact } = await deps.dispatch.settings.get();
      await safeEdit(ctx, t.title(support_contact), {
        parse_mode: 'HTML',
        reply_markup: inlineKeyboard([
          ...SECTIONS.map((s) => [
            cbButton(mt.cabinet.buttons.knowledge[s]!, 'knowledgeSection', { section: s }),
          ]),
          [cbButton(mt.buttons.menu, 'masterMenu', {})],
        ]),
      });
    }),
  );

  bot.use(
    onCallback('knowledgeSection', async (ctx: MasterContext, { section }) => {
      const master = await cabinetMaster(ctx, deps);
      if (!master) return;
      await ctx.answerCbQuery();
      const { support_contact } = await deps.dispatch.settings.get();
      await safeEdit(ctx, t.sections[section]! + t.support(support_contact), {
        parse_mode: 'HTML',
        reply_markup: inlineKeyboard([
          [cbButton(mt.buttons.back, 'knowledgeView', {})],
          [cbButton(mt.buttons.menu, 'masterMenu', {})],
        ]),
      });
    }),
  );
}
