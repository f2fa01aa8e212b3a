/**
 * Bench helper, run as a child process: opens one idle authenticated MQTT connection per device listed
 * in the credentials file (raw CONNECT packets, so the client side costs little), prints "ready <n>"
 * once every CONNACK is in, and holds them until stdin closes.
 * Usage: node stack/bench/broker/idle-clients.ts <port> <credentials.json>
 */
import { readFile } from 'node:fs/promises';
import { createConnection, type Socket } from 'node:net';
import { connectPacket } from '../../../testkit/broker.ts';

const [port, file] = process.argv.slice(2);
const credentials = JSON.parse(await readFile(file as string, 'utf8')) as [string, string][];
const sockets: Socket[] = [];
let accepted = 0;
let refused = 0;

function open(id: string, secret: string): Promise<void> {
  return new Promise((resolve) => {
    const socket = createConnection({ host: '127.0.0.1', port: Number(port) }, () =>
      socket.write(
        connectPacket({ clientId: id, username: id, password: secret, clean: true, keepalive: 300 }),
      ),
    );
    socket.once('data', (data) => {
      if (data[0] === 0x20 && data[3] === 0) accepted++;
      else refused++;
      resolve();
    });
    socket.once('error', () => {
      refused++;
      resolve();
    });
    sockets.push(socket);
  });
}

// A few hundred CONNECTs in flight at a time: a city's devices reconnecting after an outage, not all at once.
const inFlight = 200;
for (let i = 0; i < credentials.length; i += inFlight)
  await Promise.all(credentials.slice(i, i + inFlight).map(([id, secret]) => open(id, secret)));
process.stdout.write(`ready ${accepted} ${refused}\n`);
process.stdin.resume();
process.stdin.on('end', () => {
  for (const s of sockets) s.destroy();
  process.exit(0);
});
