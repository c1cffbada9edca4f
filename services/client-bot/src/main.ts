import { clientBotSchema, loadConfigOrExit } from '@fs/config';
import { runMain } from '@fs/observability';
import { startClientBot } from './app';

runMain('client-bot', loadConfigOrExit('client-bot', clientBotSchema), startClientBot);
