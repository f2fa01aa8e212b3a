import { type DestinationStream, type Logger, type LoggerOptions, pino, stdSerializers } from 'pino';
import { prettyDestination } from './pretty-log.ts';
import { isSecretKey, maskCredentials, redactFields } from './redact.ts';

export type { Logger } from 'pino';

/**
 * Secrets are never logged. pino's `redact` paths name fixed depths and cannot look inside strings,
 * so instead every line that is written goes through two pure passes (lib/redact.ts): the object's
 * secret-bearing fields are censored at any depth (a config, a CONNECT packet or request headers can
 * be logged as they are), and credentials inside URLs or quoted headers are masked in the finished
 * line (message, child bindings and error stacks included). A call below the level builds no line,
 * so the debug calls on hot paths pay nothing.
 */
export const LOG_OPTIONS: LoggerOptions = {
  formatters: {
    bindings: (bindings) => redactFields(bindings),
    log: (object) => redactFields(object),
  },
  // formatters.log leaves an Error whole (pino's serializer recognises it by its prototype, and runs
  // afterwards): redact what that serializer makes of it, causes and custom fields included.
  serializers: { err: (err: Error) => redactFields(stdSerializers.err(err)) },
  hooks: { streamWrite: maskCredentials },
  onChild: redactChildBindings,
};

// pino applies `formatters.bindings` to the root's bindings only: child() swaps in an identity
// formatter (pino lib/proto.js, resetChildingsFormatter) and stores the bindings as a JSON fragment.
// So a child whose bindings name a secret gets that fragment rebuilt, redacted. Runs once per child.
const BINDING_KEY = /"((?:[^"\\]|\\.)*)":/g;
function redactChildBindings(child: Logger): void {
  const fragment = (child as unknown as Record<symbol, string>)[pino.symbols.chindingsSym];
  if (typeof fragment !== 'string') return;
  const keys = Array.from(fragment.matchAll(BINDING_KEY), (m) => m[1] ?? '');
  if (!keys.some(isSecretKey)) return;
  const parsed = JSON.parse(`{${fragment.slice(1)}}`) as Record<string, unknown>;
  (child as unknown as Record<symbol, string>)[pino.symbols.chindingsSym] =
    `,${JSON.stringify(redactFields(parsed)).slice(1, -1)}`;
}

export function createLogger(
  name: string,
  level = process.env.LOG_LEVEL ?? 'info',
  destination?: DestinationStream,
): Logger {
  const options = { ...LOG_OPTIONS, name, level };
  return destination ? pino(options, destination) : pino(options);
}

/**
 * For a command a person runs (`npm start`): readable lines when `out` is a terminal, JSON lines
 * otherwise (a pipe, a file, a log collector), as every service logs. Colour unless NO_COLOR is set.
 */
export function terminalLogger(
  name: string,
  out: NodeJS.WritableStream & { isTTY?: boolean } = process.stdout,
  level = process.env.LOG_LEVEL ?? 'info',
): Logger {
  if (!out.isTTY) return createLogger(name, level, out === process.stdout ? undefined : out);
  return createLogger(name, level, prettyDestination(out, { color: !process.env.NO_COLOR }));
}

export function silentLogger(): Logger {
  return pino({ level: 'silent' });
}
