import { createLogger } from '../lib/log.ts';
import { runService } from '../lib/run-service.ts';
import { consoleConfigFromEnv } from './config.ts';
import { startConsole } from './service.ts';

await runService('console', (log) => startConsole(consoleConfigFromEnv(), log), createLogger('console'));
