import { adminBotSchema, loadConfigOrExit } from '@fs/config';
import { runMain } from '@fs/observability';
import { startAdminBot } from './app';

runMain('admin-bot', loadConfigOrExit('admin-bot', adminBotSchema), startAdminBot);
