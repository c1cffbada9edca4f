import { loadConfigOrExit, schedulerSchema } from '@fs/config';
import { runMain } from '@fs/observability';
import { SERVICE_NAME, startScheduler } from './scheduler';

runMain(SERVICE_NAME, loadConfigOrExit(SERVICE_NAME, schedulerSchema), startScheduler);
