import { createLogger } from '../lib/log.ts';
import { runService } from '../lib/run-service.ts';
import { publicConfigFromEnv } from './config.ts';
import { startPublic } from './service.ts';

await runService('public', (log) => startPublic(publicConfigFromEnv(), log), createLogger('public'));
