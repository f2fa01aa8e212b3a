import { createLogger } from '../lib/log.ts';
import { runService } from '../lib/run-service.ts';
import { reportsConfigFromEnv } from './config.ts';
import { startReports } from './service.ts';

await runService('reports', (log) => startReports(reportsConfigFromEnv(), log), createLogger('reports'));
