import { shareClientContact } from '@fs/dispatch';
import { Composer } from 'telegraf';
import { message } from 'telegraf/filters';
import type { ClientContext } from '../context';
import { texts } from '../texts';

/** 📱 Поделиться номером: this chat now stands for the client's own phone (later orders come here). */
export const contact = new Composer<ClientContext>();

contact.on(message('contact'), async (ctx) => {
  const c = ctx.message.contact;
  const result = await shareClientContact(ctx.deps.db, {
    chatId: ctx.chat.id,
    tgUserId: ctx.from.id,
    firstName: ctx.from.first_name,
    contactUserId: c.user_id,
    phoneNumber: c.phone_number,
  });
  ctx.deps.logger.info({ chat_id: ctx.chat.id, outcome: result.kind }, 'client shared a contact');
  if (result.kind === 'ok')
    return ctx.reply(texts.contact.saved(result.phone), { reply_markup: { remove_keyboard: true } });
  return ctx.reply(result.kind === 'not_own' ? texts.contact.notOwn : texts.contact.invalid);
});
