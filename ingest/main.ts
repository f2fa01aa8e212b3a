import { createLogger } from '../lib/log.ts';
import { runService } from '../lib/run-service.ts';
import { ingestConfigFromEnv } from './config.ts';
import { startIngest } from './service.ts';

await runService('ingest', (log) => startIngest(ingestConfigFromEnv(), log), createLogger('ingest'));
