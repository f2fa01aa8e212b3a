import { z } from 'zod';
import { setting } from './declare.ts';

/** Read by lib/log.ts's createLogger in every service; listed in each service's table. */
export const LogLevelSetting = setting({
  env: 'LOG_LEVEL',
  schema: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace']),
  default: 'info',
  meaning: 'pino level; secrets are redacted from every log line',
  deploy: true,
});
