import { parseArgs } from 'node:util';
import type { Integration } from '../lib/registry/integration-schema.ts';
import { addIntegration, integrationView, removeIntegration } from '../lib/registry/integrations.ts';
import { loadRegistry, saveRegistry } from '../lib/registry/store.ts';

export const INTEGRATION_USAGE = `Usage: npm run devices -- integration <command> [options]

Commands:
  add <name> [--publish P]... [--subscribe S]... [--deny D]... [--read-devices]
                     an account for a third-party system with its own topics; prints its secret once.
                     Patterns are MQTT filters; a deny wins over publish and subscribe. Never $SYS;
                     never publishing under sensors/, readings/, ingest/, alerts/ or cmd/ (the
                     pipeline's); subscribing to devices' own topics (sensors/, cmd/) needs --read-devices
  list               list integration accounts and their patterns (never secrets)
  remove <name>      delete the account; its live session is closed at once

Options:
  --registry <path>  registry file (default: $REGISTRY_PATH or state/registry.json)
  --json             machine-readable output
`;

const describe = (i: Omit<Integration, 'secret_hash'>) =>
  [
    i.username,
    `publish ${i.publish.join(' ') || '-'}`,
    `subscribe ${i.subscribe.join(' ') || '-'}`,
    `deny ${i.deny.join(' ') || '-'}`,
    i.read_devices ? 'reads devices' : 'no device topics',
    i.revoked ? 'revoked' : 'active',
  ].join('\t');

/** `npm run devices -- integration ...`: returns the exit code (0 done, 1 refused, 2 usage). */
export async function integrationCli(
  argv: string[],
  env: NodeJS.ProcessEnv = process.env,
  stdout: NodeJS.WritableStream = process.stdout,
  stderr: NodeJS.WritableStream = process.stderr,
): Promise<number> {
  try {
    const { values, positionals } = parseArgs({
      args: argv,
      allowPositionals: true,
      options: {
        registry: { type: 'string' },
        publish: { type: 'string', multiple: true, default: [] },
        subscribe: { type: 'string', multiple: true, default: [] },
        deny: { type: 'string', multiple: true, default: [] },
        'read-devices': { type: 'boolean', default: false },
        json: { type: 'boolean', default: false },
        help: { type: 'boolean', short: 'h', default: false },
      },
    });
    const [command, name] = positionals;
    const path = values.registry ?? env.REGISTRY_PATH ?? 'state/registry.json';
    const out = (text: string, json: unknown) =>
      stdout.write(values.json ? `${JSON.stringify(json)}\n` : `${text}\n`);
    if (values.help) {
      stdout.write(INTEGRATION_USAGE);
      return 0;
    }
    const registry = await loadRegistry(path);
    if (command === 'list') {
      const all = (registry.integrations ?? []).map(integrationView);
      out(all.length ? all.map(describe).join('\n') : 'no integration accounts', all);
    } else if (command === 'add' && name) {
      const added = await addIntegration(registry, {
        username: name,
        publish: values.publish,
        subscribe: values.subscribe,
        deny: values.deny,
        read_devices: values['read-devices'],
      });
      await saveRegistry(path, added.registry);
      out(`added integration ${describe(added.integration)}\nsecret (shown once): ${added.secret}`, {
        ...added.integration,
        secret: added.secret,
      });
    } else if (command === 'remove' && name) {
      await saveRegistry(path, removeIntegration(registry, name));
      out(`removed integration ${name}`, { username: name, removed: true });
    } else {
      stderr.write(INTEGRATION_USAGE);
      return 2;
    }
    return 0;
  } catch (err) {
    stderr.write(`devices integration: ${(err as Error).message}\n`);
    return 1;
  }
}
