import { Composer } from 'telegraf';
import type { ClientContext } from '../context';
import { texts } from '../texts';

/** Anything no feature took: one short hint, nothing changes. */
export const fallback = new Composer<ClientContext>();

fallback.on('message', (ctx) => ctx.reply(texts.fallback));
