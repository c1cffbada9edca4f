import { inlineKeyboard, safeEdit } from '@fs/telegram';
import { Composer } from 'telegraf';
import { cbButton } from '../../callbacks';
import { KNOWLEDGE_SECTIONS } from '../../callbacks/cabinet';
import type { MasterContext } from '../../context';
import { menuRow } from '../../keyboards/menu';
import { masterAction } from '../../middlewares/guard';
import { mt } from '../../texts';

/** 📚 База знаний: short sections (offers, statuses, commission, blocking) and the support contact. */
export const knowledge = new Composer<MasterContext>();

const t = mt.cabinet.knowledge;

knowledge.use(
  masterAction('knowledgeView', 'registered', async (ctx) => {
    await ctx.answerCbQuery();
    const { support_contact } = await ctx.deps.dispatch.settings.get();
    await safeEdit(ctx, t.title(support_contact), {
      parse_mode: 'HTML',
      reply_markup: inlineKeyboard([
        ...KNOWLEDGE_SECTIONS.map((s) => [
          cbButton(mt.cabinet.buttons.knowledge[s]!, 'knowledgeSection', { section: s }),
        ]),
        menuRow(),
      ]),
    });
  }),
);

knowledge.use(
  masterAction('knowledgeSection', 'registered', async (ctx, { section }) => {
    await ctx.answerCbQuery();
    const { support_contact } = await ctx.deps.dispatch.settings.get();
    await safeEdit(ctx, t.sections[section]! + t.support(support_contact), {
      parse_mode: 'HTML',
      reply_markup: inlineKeyboard([[cbButton(mt.buttons.back, 'knowledgeView', {})], menuRow()]),
    });
  }),
);
