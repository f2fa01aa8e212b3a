import { createLogger } from '../lib/log.ts';
import { runService } from '../lib/run-service.ts';
import { stackConfigFromEnv } from './config.ts';
import { startStack } from './start.ts';

await runService('stack', (log) => startStack(stackConfigFromEnv(), log), createLogger('stack'));
