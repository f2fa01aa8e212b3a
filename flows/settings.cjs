// Node-RED settings for the Depok alert flows. A .cjs file because the project is ESM.
// Every host, port and secret comes from the environment (flows/README.md "Configuration").
const path = require('node:path');

const env = process.env;
const adminHash = env.FLOWS_ADMIN_PASSWORD_HASH;

module.exports = {
  flowFile: env.FLOWS_FLOW_FILE || path.join(__dirname, 'flows.json'),
  flowFilePretty: true,
  // flows_cred.json holds only ${ENV} placeholders, never a secret, so it needs no encryption key.
  credentialSecret: false,
  uiHost: env.FLOWS_HOST || '127.0.0.1',
  uiPort: Number(env.FLOWS_PORT || 1880),
  nodesDir: [path.join(__dirname, 'nodes')],
  httpAdminRoot: '/',
  httpNodeRoot: '/',
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
