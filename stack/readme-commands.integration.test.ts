import { execFile } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { existsSync, readFileSync } from 'node:fs';
import { mkdir, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { waitFor } from '../lib/process/ports.ts';
import { loopbackNetwork, type Network } from './testing/loopback-namespace.ts';
import { type Block, onlyAssigns, queryCounts, shellBlocks } from './testing/readme-commands.ts';
import {
  cloneLikeFolder,
  type Job,
  REPO_ROOT,
  startJob,
  untilNothingLeft,
  userEnv,
} from './testing/shell-job.ts';

// The READMEs' commands, run exactly as printed: the text goes to `bash -c` unchanged, in a folder
// laid out like a fresh clone, in a network of its own where the printed ports (8086, 1883, 9101...)
// are free. Only the environment is set (a token the README says to export, curl's --fail-with-body).

const FILES = ['README.md', 'broker/README.md'];
const PRINTED_PORTS = [8086, 1883, 1884, 1880, 8080, 8081, 9101, 9102, 6379];

/** Not run, each for a reason. A command in no session and not here fails the coverage test. */
const EXEMPT: { file: string; command: string; reason: string }[] = [
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
];

/** Commands that keep running: started, waited for (a line of their output), stopped with Ctrl-C at the end. */
const LONG_RUNNING = [
  { match: /^npm start\b/, ready: /stack running/ },
  { match: /(^|\s)npm run broker(\s|$)/, ready: /broker listening/ },
  { match: /^redis-server\b/, ready: /Ready to accept connections/ },
];

/** What some commands must print, beyond exiting 0; `untilMs`: asked again until it does. */
const CHECKS: { match: RegExp; untilMs?: number; check(stdout: string): void }[] = [
  {
    match: /\/query\b[\s\S]*SELECT COUNT/,
    untilMs: 60_000,
    check: (out) =>
      expect(
        queryCounts(out).every((n) => n > 0),
        out,
      ).toBe(true),
  },
  {
    match: /^curl -s http:\/\/127\.0\.0\.1:8081\/open\/v1\/ispu\/latest$/,
    check: (out) => expect(JSON.parse(out)).toHaveProperty('data'),
  },
  {
    match: /^npm run report -- air-monthly /,
    check: (out) => expect(out.match(/\.(pdf|csv|xlsx) .* sha256 [0-9a-f]{64}$/gm)?.length, out).toBe(3),
  },
  { match: /^npm run devices -- (add|rotate|service) /, check: (out) => expect(out).toMatch(/shown once/) },
  { match: /^npm run devices -- list/, check: (out) => expect(out).toMatch(/^aq-beji-02\s/m) },
  { match: /-X POST \$B\/admin\/devices /, check: (out) => expect(JSON.parse(out)).toHaveProperty('secret') },
];

type Session = {
  name: string;
  file: string;
  blocks: (block: Block) => boolean;
  /** Commands of the same README to run first: what these blocks assume was done or is running. */
  first?: RegExp[];
  env?: NodeJS.ProcessEnv;
};

const has = (re: RegExp) => (block: Block) => block.commands.some((c) => re.test(c));
const SESSIONS: Session[] = [
  { name: 'README: quick start, query, provisioning', file: 'README.md', blocks: () => true },
  { name: 'broker README: run, add a device', file: 'broker/README.md', blocks: has(/^npm run devices/) },
  {
    name: 'broker README: cluster',
    file: 'broker/README.md',
    blocks: has(/^redis-server/),
    // "Every node needs the same registry": provisioned first, as that README shows.
    first: [/^npm run devices -- add /],
  },
  {
    name: 'broker README: admin API',
    file: 'broker/README.md',
    blocks: has(/\/admin\/devices/),
    first: [/^npm run broker\b/],
    // The block reads $BROKER_ADMIN_TOKEN: the operator exports it, so does the test.
    env: { BROKER_ADMIN_TOKEN: randomBytes(24).toString('base64url') },
  },
  {
    name: 'broker README: the auth-flood benchmark, in its short form',
    file: 'broker/README.md',
    blocks: has(/BENCH_BROKER_ONLY=auth-flood/),
    // The printed command, with the flood shortened through the variable the README names (60 s by default).
    env: { BENCH_AUTH_FLOOD_S: '3' },
  },
];

const exemptReason = (file: string, command: string) =>
  EXEMPT.find((e) => e.file === file && command.startsWith(e.command))?.reason;

describe('README commands', () => {
  let net: Network;
  beforeAll(async () => {
    net = await loopbackNetwork(PRINTED_PORTS);
  });
  afterAll(() => net?.close());

  it('every command is run by a session below or exempt, and every exemption is used', () => {
    const uncovered: string[] = [];
    for (const file of FILES)
      for (const block of shellBlocks(file)) {
        const inSession = SESSIONS.some((s) => s.file === file && s.blocks(block));
        for (const command of block.commands)
          if (!inSession && !exemptReason(file, command)) uncovered.push(`${file}: ${command}`);
      }
    expect(uncovered, 'add them to a session of this test, or to EXEMPT with a reason').toEqual([]);
    const all = FILES.flatMap((file) => shellBlocks(file).flatMap((b) => b.commands.map((c) => [file, c])));
    for (const e of EXEMPT)
      expect(
        all.some(([file, c]) => file === e.file && c?.startsWith(e.command)),
        e.command,
      ).toBe(true);
  });

  for (const session of SESSIONS)
    it(session.name, async () => {
      const blocks = shellBlocks(session.file).filter(session.blocks);
      expect(blocks.length, 'the blocks this session runs').toBeGreaterThan(0);
      const printed = shellBlocks(session.file).flatMap((b) => b.commands);
      const first = (session.first ?? []).map((re) => {
        const command = printed.find((c) => re.test(c));
        if (!command) throw new Error(`${session.file} no longer prints a command matching ${re}`);
        return command;
      });
      const before: Block[] = first.length ? [{ file: session.file, index: -1, commands: first }] : [];
      await runSession(net, session, [...before, ...blocks]);
    }, 180_000);
});

async function runSession(net: Network, session: Session, blocks: Block[]): Promise<void> {
  const folder = await cloneLikeFolder();
  const curlHome = join(folder, '.curl-home');
  await mkdir(curlHome);
  // An HTTP error status fails the command (curl's own exit code 22), as a person reading it would see.
  await writeFile(join(curlHome, '.curlrc'), 'fail-with-body\n');
  const env = userEnv({ CURL_HOME: curlHome, ...session.env });
  const jobs: { command: string; job: Job }[] = [];
  let failure: Error | undefined;
  try {
    for (const block of blocks) {
      const context: string[] = [];
      for (const command of block.commands) {
        if (exemptReason(block.file, command)) continue;
        const long = LONG_RUNNING.find((l) => l.match.test(command));
        if (long) {
          const job = startJob(...net.wrap('bash', ['-c', command]), folder, env);
          jobs.push({ command, job });
          await waitFor(() => long.ready.test(job.output()), 60_000, command).catch((err: Error) => {
            throw new Error(`${err.message}\n--- its output ---\n${job.output()}`);
          });
          if (command.startsWith('npm start')) await readmeTableHolds(net, folder);
          continue;
        }
        await runShort(net, [...context, command].join('\n'), command, folder, env);
        if (onlyAssigns(command)) context.push(command);
      }
    }
  } catch (err) {
    failure = err as Error;
  }
  // Ctrl-C each long-running command, the last started first (the brokers before their Redis).
  const problems: string[] = [];
  for (const { command, job } of [...jobs].reverse()) {
    job.ctrlC();
    const exit = await Promise.race([
      job.exited,
      new Promise((r) => setTimeout(() => r('not stopped'), 30_000)),
    ]);
    if (JSON.stringify(exit) !== JSON.stringify({ code: 0, signal: null }))
      problems.push(`${command}: Ctrl-C ended it with ${JSON.stringify(exit)}\n${job.output().slice(-2000)}`);
  }
  await untilNothingLeft(
    jobs.map((j) => j.job),
    folder,
    10_000,
  ).catch((err: Error) => problems.push(err.message));
  await rm(folder, { recursive: true, force: true });
  if (failure) throw new Error(`${failure.message}\n${problems.join('\n')}`, { cause: failure });
  expect(problems, 'long-running commands stop cleanly on Ctrl-C').toEqual([]);
}

/** Runs one command (after the block's variable lines) to exit 0, and its check if it has one. */
async function runShort(net: Network, script: string, command: string, cwd: string, env: NodeJS.ProcessEnv) {
  const check = CHECKS.find((c) => c.match.test(command));
  const deadline = Date.now() + (check?.untilMs ?? 0);
  for (;;) {
    const [cmd, args] = net.wrap('bash', ['-c', script]);
    const result = await new Promise<{ code: number; stdout: string; stderr: string }>((resolve) =>
      execFile(cmd, args, { cwd, env, timeout: 60_000 }, (err, stdout, stderr) =>
        resolve({ code: err ? Number((err as { code?: number }).code ?? 1) : 0, stdout, stderr }),
      ),
    );
    try {
      expect(result.code, `${command}\n${result.stdout}\n${result.stderr}`).toBe(0);
      check?.check(result.stdout);
      return;
    } catch (err) {
      if (Date.now() > deadline) throw err;
      await new Promise((r) => setTimeout(r, 1000));
    }
  }
}

/** The README's "what / where / login" table: each URL answers, each file it names exists. */
async function readmeTableHolds(net: Network, folder: string): Promise<void> {
  const readme = readFileSync(join(REPO_ROOT, 'README.md'), 'utf8');
  const rows = readme.split('\n').filter((l) => /^\| .* \| .*http:\/\/127\.0\.0\.1:\d+.* \|/.test(l));
  expect(rows.length).toBeGreaterThanOrEqual(4);
  for (const row of rows) {
    for (const path of row.matchAll(/`(state\/[^`]+)`/g))
      expect(existsSync(join(folder, path[1] ?? '')), `${path[1]} (${row})`).toBe(true);
    for (const url of row.matchAll(/http:\/\/127\.0\.0\.1:\d+/g)) {
      // -q: without the .curlrc; any HTTP answer will do (401 included), only "nothing there" fails.
      const [cmd, args] = net.wrap('curl', ['-q', '-s', '-o', '/dev/null', '-w', '%{http_code}', url[0]]);
      const code = await new Promise<string>((resolve) => execFile(cmd, args, (_e, out) => resolve(out)));
      expect(code, `${url[0]} answers (${row})`).toMatch(/^[1-5]\d\d$/);
    }
  }
}
