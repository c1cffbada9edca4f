import { approveMaster } from '@fs/dispatch';
import { inlineKeyboard } from '@fs/telegram';
import { Composer } from 'telegraf';
import type { InlineKeyboardButton } from 'telegraf/types';
import { cbButton } from '../../callbacks';
import type { AdminContext } from '../../context';
import { menuRow, pagerRow } from '../../keyboards/menu';
import { staffAction, staffPages } from '../../middlewares/guard';
import { listPendingMasters } from '../../queries/masters';
import type { StaffMember } from '../../queries/staff';
import { show } from '../../render';
import { actorOf } from '../../scope';
import { showMasterCard } from './card';
import { answerRefusal, T } from './common';

/**
 * 🛠 Модерация: pending masters of the staff member's cities, oldest first; the card shows the
 * profile, the documents button, ✅ Одобрить and ❌ Отклонить (reason wizard in edit.ts).
 */
export const moderation = new Composer<AdminContext>();

moderation.use(
  staffPages('moderationMenu', 'moderationList', 'moderation', { page: 0 }, (ctx, { page }, staff) =>
    showQueue(ctx, staff, page),
  ),
);
moderation.use(
  staffAction('masterApprove', 'moderation', async (ctx, { masterId }, staff) => {
    const r = await approveMaster(ctx.deps.dispatch, actorOf(staff), masterId);
    if (r.kind !== 'ok') return answerRefusal(ctx, r.kind, T.notPending);
    await showMasterCard(ctx, staff, masterId, T.approved);
  }),
);

async function showQueue(ctx: AdminContext, staff: StaffMember, page: number): Promise<void> {
  const list = await listPendingMasters(ctx.deps.db, staff, page);
  const rows: InlineKeyboardButton[][] = list.rows.map((r) => [
    cbButton(T.buttons.open(r.id, r.full_name || '—'), 'adminMasterOpen', { masterId: r.id }),
  ]);
  const pager = pagerRow(list.page, list.pages, 'moderationList', (p) => ({ page: p }));
  if (pager.length > 0) rows.push(pager);
  rows.push(menuRow());
  const text =
    list.total === 0
      ? T.moderationEmpty
      : `${T.moderationTitle(list.total, list.page, list.pages)}\n\n${list.rows.map(T.listRow).join('\n')}`;
  await show(ctx, text, inlineKeyboard(rows));
}
