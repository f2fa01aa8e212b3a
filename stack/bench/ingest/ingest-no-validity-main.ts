import { ingestConfigFromEnv } from '../../../ingest/config.ts';
import { startIngest } from '../../../ingest/service.ts';
import { createLogger } from '../../../lib/log.ts';
import { runService } from '../../../lib/run-service.ts';

// ingest/main.ts with the validity stage left out: the benchmark's baseline for what the stage costs
// (e2e_no_validity_readings_per_s beside e2e_readings_per_s). Never deployed.
await runService(
  'ingest',
  (log) => startIngest(ingestConfigFromEnv(), log, { validity: false }),
  createLogger('ingest'),
);
