import { loadConfigOrExit, masterBotSchema } from '@fs/config';
import { runMain } from '@fs/observability';
import { startMasterBot } from './app';

runMain('master-bot', loadConfigOrExit('master-bot', masterBotSchema), startMasterBot);
