import { parseArgs } from 'node:util';
import {
  addDevices,
  restoreDevice,
  revokeDevice,
  rotateDevice,
  setServiceAccount,
} from '../lib/registry/provision.ts';
import { type ServiceRole, ServiceRoles } from '../lib/registry/schema.ts';
import { loadRegistry, saveRegistry } from '../lib/registry/store.ts';
import { integrationCli } from './integrations-cli.ts';

const USAGE = `Usage: npm run devices -- <command> [options]

Commands:
  add <id> --kind <kind> [--name N] [--district D] [--operator O] [--lat X] [--lon Y]
                     register a device; prints its secret once (only a hash is stored)
  list               list devices, service and integration accounts (never secrets)
  rotate <id>        issue a new secret; the device's live session is closed at once
                     (a revoked device stays revoked: rotate refuses, use restore)
  revoke <id>        refuse the device from now on; its live session is closed at once
  restore <id>       re-enable a revoked device with a new secret; prints it once
  service <username> --role <${ServiceRoles.join('|')}>
                     add or re-key a service account; prints its secret once
  integration add|list|remove ...
                     accounts for third-party systems with their own topics (integration --help)

Options:
  --registry <path>  registry file (default: $REGISTRY_PATH or state/registry.json)
  --json             machine-readable output
`;

// Integration accounts have options of their own (integrations-cli.ts).
if (process.argv[2] === 'integration') process.exit(await integrationCli(process.argv.slice(3)));

// parseArgs takes the "-6.37" of `--lat -6.37` for an option, not a value
// (ERR_PARSE_ARGS_INVALID_OPTION_VALUE), and every Depok latitude is negative: join it as `--lat=-6.37`.
const args = process.argv.slice(2).reduce<string[]>((out, arg) => {
  const last = out.at(-1);
  if ((last === '--lat' || last === '--lon') && /^-\d/.test(arg)) out[out.length - 1] = `${last}=${arg}`;
  else out.push(arg);
  return out;
}, []);

const { values, positionals } = parseArgs({
  args,
  allowPositionals: true,
  options: {
    registry: { type: 'string' },
    kind: { type: 'string' },
    role: { type: 'string' },
    name: { type: 'string' },
    district: { type: 'string' },
    operator: { type: 'string' },
    lat: { type: 'string' },
    lon: { type: 'string' },
    json: { type: 'boolean', default: false },
    help: { type: 'boolean', short: 'h', default: false },
  },
});

const [command, target] = positionals;
const path = values.registry ?? process.env.REGISTRY_PATH ?? 'state/registry.json';
const out = (text: string, json: unknown) =>
  process.stdout.write(values.json ? `${JSON.stringify(json)}\n` : `${text}\n`);

try {
  if (values.help || !command) {
    process.stdout.write(USAGE);
    process.exit(command || values.help ? 0 : 2);
  }
  const registry = await loadRegistry(path);
  if (command === 'list') {
    const rows = registry.devices.map(
      (d) => `${d.id}\t${d.kind}\t${d.district ?? '-'}\t${d.revoked ? 'revoked' : 'active'}`,
    );
    const services = registry.services.map(
      (s) => `${s.username}\t(service: ${s.role})\t-\t${s.revoked ? 'revoked' : 'active'}`,
    );
    const integrations = (registry.integrations ?? []).map(
      (i) => `${i.username}\t(integration)\t-\t${i.revoked ? 'revoked' : 'active'}`,
    );
    out(['id\tkind\tdistrict\tstatus', ...rows, ...services, ...integrations].join('\n'), {
      devices: registry.devices.map(({ secret_hash: _hash, ...d }) => d),
      services: registry.services.map(({ secret_hash: _hash, ...s }) => s),
      integrations: (registry.integrations ?? []).map(({ secret_hash: _hash, ...i }) => i),
    });
  } else if (command === 'add' && target) {
    if (!values.kind) throw new Error('--kind is required');
    const { registry: next, issued } = await addDevices(registry, [
      {
        id: target,
        kind: values.kind,
        name: values.name,
        district: values.district,
        operator: values.operator,
        lat: values.lat === undefined ? undefined : Number(values.lat),
        lon: values.lon === undefined ? undefined : Number(values.lon),
      },
    ]);
    await saveRegistry(path, next);
    out(`added ${target}; secret (shown once): ${issued[0]?.secret}`, issued[0]);
  } else if (command === 'rotate' && target) {
    const { registry: next, secret } = await rotateDevice(registry, target);
    await saveRegistry(path, next);
    out(`rotated ${target}; new secret (shown once): ${secret}`, { id: target, secret });
  } else if (command === 'restore' && target) {
    const { registry: next, secret } = await restoreDevice(registry, target);
    await saveRegistry(path, next);
    out(`restored ${target}; new secret (shown once): ${secret}`, { id: target, secret, revoked: false });
  } else if (command === 'revoke' && target) {
    await saveRegistry(path, revokeDevice(registry, target));
    out(`revoked ${target}`, { id: target, revoked: true });
  } else if (command === 'service' && target) {
    if (!ServiceRoles.includes(values.role as ServiceRole))
      throw new Error(`--role must be one of ${ServiceRoles.join(', ')}`);
    const { registry: next, secret } = await setServiceAccount(registry, target, values.role as ServiceRole);
    await saveRegistry(path, next);
    out(`service ${target} (${values.role}); secret (shown once): ${secret}`, { username: target, secret });
  } else {
    process.stderr.write(USAGE);
    process.exit(2);
  }
} catch (err) {
  process.stderr.write(`devices: ${(err as Error).message}\n`);
  process.exit(1);
}
