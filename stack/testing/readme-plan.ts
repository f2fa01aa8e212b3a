import { globSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Block } from './readme-commands.ts';
import { REPO_ROOT } from './shell-job.ts';

// What stack/readme-commands.integration.test.ts runs: every README of the tree and every docs/*.md
// with a shell block, grouped in sessions so that `npm start` starts as few times as practical.

/** Every README.md (a new one is covered the day it is written) and docs/*.md with a shell block. */
export const FILES = [
  ...globSync('**/README.md', {
    cwd: REPO_ROOT,
    exclude: (name) => name === 'node_modules' || name === 'state' || name === '.git',
  }),
  ...globSync('docs/*.md', { cwd: REPO_ROOT }).filter((f) =>
    /^```(sh|bash)$/m.test(readFileSync(join(REPO_ROOT, f), 'utf8')),
  ),
].sort();

export const PRINTED_PORTS = [8086, 1883, 1884, 1880, 8080, 8081, 9101, 9102, 6379];

/** Not run, each for a reason naming what runs that behaviour instead. */
export const EXEMPT: { file: string; command: string; reason: string }[] = [
  {
    file: 'README.md',
    command: 'git clone <this repository> depok-env && cd depok-env',
    reason: 'what CI does before the tests; these run in a folder laid out like that clone',
  },
  { file: 'README.md', command: 'npm ci', reason: 'CI runs it before the tests; node_modules is shared' },
  { file: 'README.md', command: 'npm test ', reason: 'the suite this test is part of' },
  {
    file: 'broker/README.md',
    command: 'BROKER_TLS_PORT=8883 BROKER_TLS_CERT=/etc/depok/',
    reason:
      'placeholders of a deployment (certificates in /etc/depok); broker/listeners.integration.test.ts runs TLS',
  },
  {
    file: 'broker/README.md',
    command: 'mosquitto_pub -h broker.example ',
    reason:
      'a placeholder host, not loopback; broker/mosquitto-clients.integration.test.ts runs mosquitto_pub',
  },
  {
    file: 'deploy/tls/README.md',
    command: 'sudo chown 1000 deploy/tls/server.key',
    reason:
      "hands the key to the container's uid 1000, which this test's user namespace cannot map; the modes make-dev-ca.sh sets are checked by deploy/make-dev-ca.integration.test.ts",
  },
  {
    file: 'deploy/tls/README.md',
    command: 'mosquitto_pub -h broker.depok.example ',
    reason:
      'a placeholder host and ids; broker/mosquitto-clients.integration.test.ts runs mosquitto_pub over TLS',
  },
  {
    file: 'ingest/README.md',
    command: 'npm run ingest ',
    reason:
      'alone it needs a broker account and InfluxDB logins (its settings table); npm start runs the same worker with them, and testkit/ingest-process.ts runs ingest/main.ts for the ingest integration tests',
  },
  {
    file: 'ingest/README.md',
    command: 'MQTT_PROTOCOL_VERSION=5 INGEST_SUBSCRIPTION=',
    reason:
      'a deployment behind Mosquitto 2 (mqtt://mosquitto, /var/lib/depok); ingest/shared-subscription.integration.test.ts runs workers sharing a subscription',
  },
  {
    file: 'public/page/README.md',
    command: 'open ',
    reason:
      'opens a browser; public/page.integration.test.ts loads both languages in Chromium over a real stack',
  },
  {
    file: 'public/page/README.md',
    command: 'npx vitest run public/page.integration.test.ts',
    reason: 'a test of the suite this test is part of',
  },
  {
    file: 'reports/README.md',
    command: 'REPORTS_RECIPIENTS=kepala@dlhk.depok.go.id',
    reason:
      'a deployment mail server (mail.depok.go.id); reports/service.integration.test.ts mails a run to an in-process smtp-server',
  },
  {
    file: 'simulators/README.md',
    command: 'npm run simulate -- --scale 10000 ',
    reason:
      "10,000 connections from one address are over npm start's broker limit; the simulators bench (session below) runs scale mode against a broker child made for it",
  },
];

/** Commands that keep running: started, waited for (a line of their output), stopped with Ctrl-C at the end. */
export const LONG_RUNNING: { match: RegExp; ready: RegExp; sameStack?: boolean }[] = [
  // A second `npm start` in a session (another README's quick start) is the stack already running.
  { match: /^npm start\b/, ready: /stack running/, sameStack: true },
  { match: /(^|\s)npm run broker(\s|$)/, ready: /broker listening/ },
  { match: /^redis-server\b/, ready: /Ready to accept connections/ },
  { match: /^npm run simulate -- --scenario /, ready: /simulator running/ },
];

export type Part = { file: string; blocks: (block: Block) => boolean };

export type Session = {
  name: string;
  /** The blocks run, in this order: several READMEs' blocks may share one `npm start`. */
  parts: Part[];
  /** Commands of a README to run first: what these blocks assume was done or is running. */
  first?: { file: string; match: RegExp }[];
  env?: NodeJS.ProcessEnv;
  timeoutMs?: number;
};

export const has = (re: RegExp) => (block: Block) => block.commands.some((c) => re.test(c));
export const all = () => true;

/** Which session's part runs `block`, if any. */
export const sessionOf = (sessions: Session[], block: Block) =>
  sessions.find((s) => s.parts.some((p) => p.file === block.file && p.blocks(block)));

export const exemptReason = (file: string, command: string) =>
  EXEMPT.find((e) => e.file === file && command.startsWith(e.command))?.reason;
