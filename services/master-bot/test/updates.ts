import type { Update } from 'telegraf/types';

let seq = 1;

/** The push as the master's client holds it: text, bold title entity, offer buttons. */
export function pushMessage(orderId: number, offerId: number, messageId = 500) {
  const title = `🆕 Новый заказ #${orderId}`;
  return {
    message_id: messageId,
    date: Math.floor(Date.now() / 1000),
    text: `${title}\n\n📍 Москва, Центральный\n🛠 ⚡ Электрика\n\nПримите заказ кнопкой ниже или откройте бот.`,
    entities: [{ type: 'bold', offset: 0, length: title.length }],
    reply_markup: {
      inline_keyboard: [
        [
          { text: '✅ Принять', callback_data: `m:oa:${offerId}` },
          { text: '✖️ Отказаться', callback_data: `m:od:${offerId}` },
        ],
      ],
    },
  };
}

export function callbackUpdate(
  tgUserId: number,
  data: string,
  message: { message_id: number; text: string; entities?: unknown[] } = pushMessage(1, 1),
): Update {
  const chat = { id: tgUserId, type: 'private', first_name: 'M' };
  return {
    update_id: seq++,
    callback_query: {
      id: `cq-${seq}`,
      chat_instance: 'ci',
      from: { id: tgUserId, is_bot: false, first_name: 'M' },
      message: { date: 0, ...message, chat },
      data,
    },
  } as unknown as Update;
}

export function textUpdate(tgUserId: number, text: string): Update {
  return {
    update_id: seq++,
    message: {
      message_id: seq,
      date: Math.floor(Date.now() / 1000),
      chat: { id: tgUserId, type: 'private', first_name: 'M' },
      from: { id: tgUserId, is_bot: false, first_name: 'M', username: `u${tgUserId}` },
      text,
      ...(text.startsWith('/')
        ? { entities: [{ type: 'bot_command', offset: 0, length: text.split(' ')[0]!.length }] }
        : {}),
    },
  } as unknown as Update;
}
