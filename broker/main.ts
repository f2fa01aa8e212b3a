import { createLogger } from '../lib/log.ts';
import { runService } from '../lib/run-service.ts';
import { brokerConfigFromEnv } from './config.ts';
import { startBroker } from './service.ts';

await runService('broker', (log) => startBroker(brokerConfigFromEnv(), log), createLogger('broker'));
