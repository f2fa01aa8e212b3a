import { execFile } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { existsSync, readFileSync } from 'node:fs';
import { mkdir, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { waitFor } from '../lib/process/ports.ts';
import { loopbackNetwork, type Network } from './testing/loopback-namespace.ts';
import { CHECKS } from './testing/readme-checks.ts';
import { assignedNames, type Block, onlyAssigns, shellBlocks } from './testing/readme-commands.ts';
import {
  all,
  EXEMPT,
  exemptReason,
  FILES,
  has,
  LONG_RUNNING,
  PRINTED_PORTS,
  type Session,
  sessionOf,
} from './testing/readme-plan.ts';
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
// A line that only sets variables (`TOKEN=$(npm run -s users -- add-token ...)`) runs once; what it set is
// in the environment of the session's later commands, as in the reader's terminal. Files, exemptions and
// long-running commands: ./testing/readme-plan.ts.

/** Which blocks of each README a session runs: a block in no session, and not exempt, fails coverage. */
const SESSIONS: Session[] = [
  {
    name: 'the stack: README quick start, then the component READMEs against the one npm start',
    parts: [
      { file: 'README.md', blocks: all },
      // The open-data API, and a citizen report the console moderates below.
      { file: 'public/README.md', blocks: all },
      { file: 'public/page/README.md', blocks: all },
      { file: 'flows/README.md', blocks: all },
      { file: 'dashboards/README.md', blocks: all },
      { file: 'lib/records/README.md', blocks: all },
      { file: 'reports/README.md', blocks: all },
      { file: 'ingest/README.md', blocks: has(/\/v1\/readings\//) },
      { file: 'simulators/README.md', blocks: has(/^npm run simulate -- --help/) },
    ],
    // `npm run users -- add-user` reads the password from stdin or this variable, as the README says.
    env: { CONSOLE_NEW_PASSWORD: randomBytes(12).toString('base64url') },
    timeoutMs: 300_000,
  },
  {
    name: 'broker README: run, add a device',
    parts: [{ file: 'broker/README.md', blocks: has(/^npm run devices/) }],
  },
  {
    name: 'broker README: cluster',
    parts: [{ file: 'broker/README.md', blocks: has(/^redis-server/) }],
    // "Every node needs the same registry": provisioned first, as that README shows.
    first: [{ file: 'broker/README.md', match: /^npm run devices -- add / }],
  },
  {
    name: 'broker README: admin API',
    parts: [{ file: 'broker/README.md', blocks: has(/\/admin\/devices/) }],
    first: [{ file: 'broker/README.md', match: /^npm run broker\b/ }],
    // The block reads $BROKER_ADMIN_TOKEN: the operator exports it, so does the test.
    env: { BROKER_ADMIN_TOKEN: randomBytes(24).toString('base64url') },
  },
  {
    name: 'broker README: the auth-flood benchmark, in its short form',
    parts: [{ file: 'broker/README.md', blocks: has(/BENCH_BROKER_ONLY=auth-flood/) }],
    // The printed command, with the flood shortened through the variable the README names (60 s by default).
    env: { BENCH_AUTH_FLOOD_S: '3' },
  },
  { name: 'deploy/tls README: a development CA', parts: [{ file: 'deploy/tls/README.md', blocks: all }] },
  {
    name: 'simulators README: the scale bench, in its short form',
    parts: [{ file: 'simulators/README.md', blocks: has(/^npm run bench -- --only simulators/) }],
    // The printed command, smaller through the variables the README names (10,000 devices for 20 s by default).
    env: { BENCH_SIM_DEVICES: '300', BENCH_SIM_RATE: '300', BENCH_SIM_SECONDS: '3' },
  },
];

describe('README commands', () => {
  let net: Network;
  beforeAll(async () => {
    net = await loopbackNetwork(PRINTED_PORTS);
  });
  afterAll(() => net?.close());

  it('every command is run by a session below or exempt, and every exemption and check is used', () => {
    expect(FILES, 'the READMEs found').toEqual(expect.arrayContaining(['README.md', 'dashboards/README.md']));
    const uncovered: string[] = [];
    for (const file of FILES)
      for (const block of shellBlocks(file)) {
        const inSession = sessionOf(SESSIONS, block) !== undefined;
        for (const command of block.commands)
          if (!inSession && !exemptReason(file, command)) uncovered.push(`${file}: ${command}`);
      }
    expect(uncovered, 'add them to a session of this test, or to EXEMPT with a reason').toEqual([]);
    const printed = FILES.flatMap((file) =>
      shellBlocks(file).flatMap((b) => b.commands.map((c) => [file, c])),
    );
    for (const e of EXEMPT)
      expect(
        printed.some(([file, c]) => file === e.file && c?.startsWith(e.command)),
        e.command,
      ).toBe(true);
    // A check whose command was reworded would otherwise stop checking without a word.
    for (const c of CHECKS)
      expect(
        printed.some(([, command]) => c.match.test(command ?? '')),
        `a printed command for the check ${c.match}`,
      ).toBe(true);
  });

  for (const session of SESSIONS)
    it(
      session.name,
      async () => {
        const blocks = session.parts.flatMap((part) => {
          const found = shellBlocks(part.file).filter(part.blocks);
          expect(found.length, `the blocks of ${part.file} this session runs`).toBeGreaterThan(0);
          return found;
        });
        const before: Block[] = (session.first ?? []).map(({ file, match }) => {
          const command = shellBlocks(file)
            .flatMap((b) => b.commands)
            .find((c) => match.test(c));
          if (!command) throw new Error(`${file} no longer prints a command matching ${match}`);
          return { file, index: -1, commands: [command] };
        });
        await runSession(net, session, [...before, ...blocks]);
      },
      session.timeoutMs ?? 180_000,
    );
});

async function runSession(net: Network, session: Session, blocks: Block[]): Promise<void> {
  const folder = await cloneLikeFolder();
  const curlHome = join(folder, '.curl-home');
  await mkdir(curlHome);
  // An HTTP error status fails the command (curl's own exit code 22), as a person reading it would see.
  await writeFile(join(curlHome, '.curlrc'), 'fail-with-body\n');
  const env = userEnv({ CURL_HOME: curlHome, ...session.env });
  const jobs: { command: string; job: Job; long: (typeof LONG_RUNNING)[number] }[] = [];
  let failure: Error | undefined;
  try {
    for (const block of blocks)
      for (const command of block.commands) {
        if (exemptReason(block.file, command)) continue;
        const long = LONG_RUNNING.find((l) => l.match.test(command));
        if (long?.sameStack && jobs.some((j) => j.long === long)) continue;
        if (long) {
          const job = startJob(...net.wrap('bash', ['-c', command]), folder, env);
          jobs.push({ command, job, long });
          await waitFor(() => long.ready.test(job.output()), 60_000, command).catch((err: Error) => {
            throw new Error(`${err.message}\n--- its output ---\n${job.output()}`);
          });
          if (command.startsWith('npm start')) await readmeTableHolds(net, folder);
          continue;
        }
        const names = onlyAssigns(command) ? assignedNames(command) : [];
        const set = await runShort(net, command, names, folder, env);
        Object.assign(env, set);
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
  if (failure) {
    // What the services logged last often says why a command failed (a refusal, a crash).
    const logs = jobs.map((j) => `--- ${j.command} (last output) ---\n${j.job.output().slice(-4000)}`);
    throw new Error([failure.message, ...problems, ...logs].join('\n'), { cause: failure });
  }
  expect(problems, 'long-running commands stop cleanly on Ctrl-C').toEqual([]);
}

/**
 * Runs one command to its expected exit status (0 unless CHECKS says), and its check if it has one.
 * For a line that assigns `names`, the values it set are printed after it (NUL-separated, the line
 * itself prints nothing) and returned.
 */
async function runShort(
  net: Network,
  command: string,
  names: string[],
  cwd: string,
  env: NodeJS.ProcessEnv,
): Promise<Record<string, string>> {
  const check = CHECKS.find((c) => c.match.test(command));
  const deadline = Date.now() + (check?.untilMs ?? 0);
  const script = names.length
    ? `${command}\n__status=$?; printf '%s\\0' ${names.map((n) => `"$${n}"`).join(' ')}; exit $__status`
    : command;
  for (;;) {
    const [cmd, args] = net.wrap('bash', ['-c', script]);
    const result = await new Promise<{ code: number; stdout: string; stderr: string }>((resolve) =>
      execFile(cmd, args, { cwd, env, timeout: 120_000 }, (err, stdout, stderr) =>
        resolve({ code: err ? Number((err as { code?: number }).code ?? 1) : 0, stdout, stderr }),
      ),
    );
    const values = names.length ? result.stdout.split('\0').slice(0, names.length) : [];
    try {
      expect(result.code, `${command}\n${result.stdout}\n${result.stderr}`).toBe(check?.exit ?? 0);
      try {
        check?.check?.(names.length ? values.join('\n') : result.stdout);
      } catch (err) {
        (err as Error).message = `${command}\n--- stderr ---\n${result.stderr}\n${(err as Error).message}`;
        throw err;
      }
      return Object.fromEntries(names.map((n, i) => [n, values[i] ?? '']));
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
