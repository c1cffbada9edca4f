export type { BotState } from './bot-state';
export { ApiError, DESCRIPTIONS } from './errors';
export { FakeTelegram, type FakeTelegramOptions, TINY_JPEG, TINY_WEBP } from './fake-telegram';
export { parseHtml } from './html';
export type { MethodContext, MethodHandler } from './methods';
export type * from './types';
