import type { Registry } from './schema.ts';
import { loadRegistry, saveRegistry } from './store.ts';

/**
 * Read-modify-write of the registry file, one edit at a time within this process (the admin API can
 * get concurrent requests). The CLI is another process: an edit from both in the same millisecond
 * can still lose one; broker/README.md "Limits".
 */
export class RegistryEditor {
  #queue: Promise<unknown> = Promise.resolve();
  readonly #path: string;
  readonly #afterSave: () => Promise<void>;

  /** `afterSave` applies the change to the running broker at once (reload, close changed sessions). */
  constructor(path: string, afterSave: () => Promise<void>) {
    this.#path = path;
    this.#afterSave = afterSave;
  }

  read(): Promise<Registry> {
    return loadRegistry(this.#path);
  }

  edit<T>(change: (registry: Registry) => Promise<{ registry: Registry; result: T }>): Promise<T> {
    const run = this.#queue.then(async () => {
      const { registry, result } = await change(await loadRegistry(this.#path));
      await saveRegistry(this.#path, registry);
      await this.#afterSave();
      return result;
    });
    this.#queue = run.catch(() => undefined);
    return run;
  }
}
