// A service for lib/run-service.integration.test.ts and lib/process/owned-process.integration.test.ts:
// it launches `sleep` in a process group of its own (as influxd and Node-RED are) and prints its pid.
//   node stop-fixture.ts bare          no signal handler at all (a script, a benchmark)
//   node stop-fixture.ts slow-start    runService; the start ignores the abort and takes 1.5 s
//   node stop-fixture.ts stuck-close   runService; the start is quick, close never finishes
import { silentLogger } from '../log.ts';
import { launch } from '../process/launcher.ts';
import { runService } from '../run-service.ts';

const mode = process.argv[2];
const sleeper = () => launch({ name: 'sleeper', command: 'sleep', args: ['300'], group: true });

if (mode === 'bare') {
  const child = await sleeper();
  process.stdout.write(`child ${child.pid}\n`);
  setInterval(() => {}, 1000);
} else {
  await runService(
    'fixture',
    async () => {
      const child = await sleeper();
      process.stdout.write(`child ${child.pid}\n`);
      if (mode === 'slow-start') await new Promise((resolve) => setTimeout(resolve, 1500));
      process.stdout.write('started\n');
      return {
        close: async () => {
          if (mode === 'stuck-close') await new Promise(() => {});
          await child.stop();
          process.stdout.write('closed\n');
        },
      };
    },
    silentLogger(),
    { repeatMs: 500 },
  );
}
