import { watch } from 'node:fs';
import type { Logger } from '../log.ts';
import type { Integration } from './integration-schema.ts';
import type { Device, Registry, ServiceAccount } from './schema.ts';
import { loadRegistry } from './store.ts';

export type Account =
  | { type: 'device'; device: Device }
  | { type: 'service'; service: ServiceAccount }
  | { type: 'integration'; integration: Integration };

/**
 * The registry as the broker sees it: indexed by username, reloaded when the file changes. After a
 * reload `onChange` gets the accounts added, removed, or whose secret or status changed, so their
 * sessions can be closed.
 */
export class LiveRegistry {
  #accounts = new Map<string, Account>();
  #watcher: ReturnType<typeof watch> | undefined;
  #timer: NodeJS.Timeout | undefined;
  readonly #path: string;
  readonly #log: Logger;

  constructor(path: string, log: Logger) {
    this.#path = path;
    this.#log = log;
  }

  get size(): number {
    return this.#accounts.size;
  }

  lookup(username: string): Account | undefined {
    return this.#accounts.get(username);
  }

  devices(): Device[] {
    return [...this.#accounts.values()].flatMap((a) => (a.type === 'device' ? [a.device] : []));
  }

  async load(): Promise<string[]> {
    const registry = await loadRegistry(this.#path);
    return this.#replace(registry);
  }

  /** Watches the file's folder (editors and our CLI replace the file, which a file watch would miss). */
  watch(onChange: (changed: string[]) => void): void {
    const reload = () => {
      this.load().then(
        (changed) => {
          if (changed.length > 0) onChange(changed);
        },
        (err: Error) => this.#log.error({ err }, 'registry reload failed; keeping the previous registry'),
      );
    };
    const dir = this.#path.includes('/') ? this.#path.slice(0, this.#path.lastIndexOf('/')) : '.';
    const base = this.#path.slice(this.#path.lastIndexOf('/') + 1);
    this.#watcher = watch(dir, (_event, file) => {
      if (file !== base) return;
      clearTimeout(this.#timer);
      this.#timer = setTimeout(reload, 50);
    });
  }

  close(): void {
    clearTimeout(this.#timer);
    this.#watcher?.close();
  }

  #replace(registry: Registry): string[] {
    const next = new Map<string, Account>();
    for (const device of registry.devices) next.set(device.id, { type: 'device', device });
    for (const service of registry.services) next.set(service.username, { type: 'service', service });
    for (const integration of registry.integrations ?? [])
      next.set(integration.username, { type: 'integration', integration });
    const changed: string[] = [];
    for (const [name, before] of this.#accounts) {
      const after = next.get(name);
      if (!after || fingerprint(after) !== fingerprint(before)) changed.push(name);
    }
    // Added accounts too: the alert flows start watching a newly provisioned station.
    for (const name of next.keys()) if (!this.#accounts.has(name)) changed.push(name);
    this.#accounts = next;
    return changed;
  }
}

function fingerprint(account: Account): string {
  if (account.type === 'integration') {
    // Changed rules close the session too: the ACL of a live session is the one it connected with.
    const { secret_hash, revoked, publish, subscribe, deny, read_devices } = account.integration;
    return `${secret_hash}|${revoked}|${JSON.stringify([publish, subscribe, deny, read_devices])}`;
  }
  const a = account.type === 'device' ? account.device : account.service;
  const kind = account.type === 'device' ? account.device.kind : account.service.role;
  return `${a.secret_hash}|${a.revoked}|${kind}`;
}
