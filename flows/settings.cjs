// Node-RED settings for the Depok alert flows. A .cjs file because the project is ESM.
// Every host, port and secret comes from the environment that flows/service.ts builds for the child
// (flows/README.md "Configuration" and "Security").
const guard = require('./editor-guard.ts');

const env = process.env;
const adminHash = env.FLOWS_ADMIN_PASSWORD_HASH;

/** Set by startFlows (flows/service.ts); Node-RED started any other way would miss its state folder. */
function required(name) {
  const value = env[name];
  if (!value) throw new Error(`${name} is not set: start Node-RED with startFlows (flows/service.ts)`);
  return value;
}

// Nodes that run a shell command or JavaScript, read or write files, or open raw TCP/UDP sockets: a
// stolen editor login would be a shell on the host. File names as Node-RED's registry matches them
// (node_modules/@node-red/nodes/core/*/). The template node stays: it renders mustache, runs no code and
// reads nothing a change node could not.
const DANGEROUS_NODE_FILES = [
  '90-exec.js',
  '10-function.js',
  '10-file.js',
  '23-watch.js',
  '31-tcpin.js',
  '32-udp.js',
];

module.exports = {
  // The state folder's copy (seeded from flows/flows.json): a deploy never writes the tracked file.
  flowFile: required('FLOWS_FLOW_FILE'),
  flowFilePretty: true,
  // Generated into the state folder: credentials typed in the editor are encrypted at rest.
  credentialSecret: required('FLOWS_CREDENTIAL_SECRET'),
  uiHost: env.FLOWS_HOST || '127.0.0.1',
  uiPort: Number(env.FLOWS_PORT || 1880),
  nodesDir: [`${__dirname}/nodes`],
  nodesExcludes: env.FLOWS_ALLOW_DANGEROUS_NODES === 'true' ? [] : DANGEROUS_NODE_FILES,
  httpAdminRoot: '/',
  httpNodeRoot: '/',
  // Headers on the editor and admin API, and the login guard (per-client failure limits).
  httpAdminMiddleware: guard.adminMiddleware(
    adminHash ? { username: env.FLOWS_ADMIN_USER || 'admin', passwordHash: adminHash } : undefined,
  ),
  httpNodeMiddleware: guard.nodeMiddleware,
  // No editor without a login: without a bcrypt hash the editor and admin API are switched off.
  disableEditor: !adminHash,
  adminAuth: adminHash
    ? {
        type: 'credentials',
        users: [{ username: env.FLOWS_ADMIN_USER || 'admin', password: adminHash, permissions: '*' }],
      }
    : undefined,
  externalModules: { autoInstall: false, palette: { allowInstall: false }, modules: { allowInstall: false } },
  editorTheme: { projects: { enabled: false }, tours: false },
  diagnostics: { enabled: false, ui: false },
  telemetry: { enabled: false },
  logging: { console: { level: env.FLOWS_LOG_LEVEL || 'info', metrics: false, audit: false } },
  functionExternalModules: false,
  exportGlobalContextKeys: false,
};
