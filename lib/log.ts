import { type Logger, pino } from 'pino';

export type { Logger } from 'pino';

/**
 * One JSON logger for every service. Secrets are never logged: any field with one of these names is
 * censored wherever it appears, so a config object or a CONNECT packet can be logged safely.
 */
export const REDACTED_PATHS = [
  'password',
  'secret',
  'token',
  '*.password',
  '*.secret',
  '*.token',
  '*.secret_hash',
  '*.*.password',
  '*.*.token',
  'req.headers.authorization',
];

export function createLogger(name: string, level = process.env.LOG_LEVEL ?? 'info'): Logger {
  return pino({ name, level, redact: { paths: REDACTED_PATHS, censor: '[redacted]' } });
}

export function silentLogger(): Logger {
  return pino({ level: 'silent' });
}
