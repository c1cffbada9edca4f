import { loadConfigOrExit, senderSchema } from '@fs/config';
import { runMain } from '@fs/observability';
import { SERVICE_NAME, startSender } from './sender';

runMain(SERVICE_NAME, loadConfigOrExit(SERVICE_NAME, senderSchema), startSender);
