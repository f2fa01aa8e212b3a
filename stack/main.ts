import { terminalLogger } from '../lib/log.ts';
import { runService } from '../lib/run-service.ts';
import { stackBanner } from './banner.ts';
import { stackConfigFromEnv } from './config.ts';
import { startStack } from './start.ts';

await runService(
  'stack',
  async (log, signal) => {
    const stack = await startStack(stackConfigFromEnv(), log, process.env, signal);
    // A person at a terminal gets every URL and login at a glance; a pipe keeps the JSON line only.
    if (process.stdout.isTTY) process.stdout.write(stackBanner(stack.endpoints, process.cwd()));
    return stack;
  },
  terminalLogger('stack'),
);
