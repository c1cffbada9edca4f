import type { ClientBotConfig } from '@fs/config';
import type { prom } from '@fs/observability';
import { assembleBot } from '@fs/telegram';
import type { Telegraf } from 'telegraf';
import type { ClientBotDeps, ClientContext } from './context';
import { contact } from './features/contact';
import { fallback } from './features/fallback';
import { feedback } from './features/feedback';
import { notices } from './features/notices';
import { start } from './features/start';
import { status } from './features/status';
import { identify } from './middlewares/identify';
import { texts } from './texts';

/**
 * The client bot: middlewares in order (private chats only, then who this chat is), then every
 * feature; the fallback hint is last.
 */
export function buildBot(
  config: ClientBotConfig,
  deps: ClientBotDeps,
  base: { registry: InstanceType<typeof prom.Registry> },
): Telegraf<ClientContext> {
  return assembleBot<ClientContext, ClientBotDeps>({
    token: config.CLIENT_BOT_TOKEN,
    apiRoot: config.TELEGRAM_API_ROOT,
    deps,
    texts,
    registry: base.registry,
    identify,
    features: [start, contact, feedback, notices, status, fallback],
  });
}
