import { createLogger } from '../../lib/log.ts';
import { LiveRegistry } from '../../lib/registry/live-registry.ts';
import type { Device } from '../../lib/registry/schema.ts';
import type { NodeInstance } from './red-types.ts';

export type RegistryWatch = { devices: Device[]; close(): void };

/**
 * The broker's registry file for the alert engine, as the ingest reads it (lib/registry): loaded once,
 * then again on every change (the devices CLI and the admin API replace the file), so a device
 * provisioned, revoked or removed is seen without restarting Node-RED. A file that cannot be read
 * at start is reported on the node and leaves the engine without a registry (it then watches the
 * stations it hears from); a bad edit later keeps the previous registry.
 */
export async function watchRegistry(
  path: string,
  node: Pick<NodeInstance, 'warn' | 'error'>,
  onChange: (devices: Device[]) => void,
): Promise<RegistryWatch | undefined> {
  // LiveRegistry logs with pino; its lines go to the node's log, where the editor and the service see them.
  const log = createLogger('flows-registry', 'warn', {
    write(line: string) {
      const entry = JSON.parse(line) as { msg?: string; err?: { message?: string } };
      node.warn(`${entry.msg ?? 'registry'}${entry.err?.message ? `: ${entry.err.message}` : ''}`);
    },
  });
  const registry = new LiveRegistry(path, log);
  try {
    await registry.load();
  } catch (err) {
    node.error(
      `registry ${path} unreadable, stale sensors are watched only once heard: ${(err as Error).message}`,
    );
    return undefined;
  }
  registry.watch(() => onChange(registry.devices()));
  return { devices: registry.devices(), close: () => registry.close() };
}
