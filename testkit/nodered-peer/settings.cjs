// Node-RED settings for the benchmark's peer flow: no editor, no credentials, quiet logs.
module.exports = {
  uiHost: '127.0.0.1',
  uiPort: Number(process.env.BENCH_NODERED_PORT || 1881),
  httpAdminRoot: false,
  httpNodeRoot: false,
  flowFile: 'flows.json',
  credentialSecret: false,
  logging: { console: { level: 'warn', metrics: false, audit: false } },
  editorTheme: { projects: { enabled: false } },
};
