import { createLogger } from '../lib/log.ts';
import { runService } from '../lib/run-service.ts';
import { flowsConfigFromEnv } from './config.ts';
import { startFlows } from './service.ts';

await runService('flows', (log) => startFlows(flowsConfigFromEnv(), log), createLogger('flows'));
