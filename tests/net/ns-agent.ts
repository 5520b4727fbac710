/**
 * Runs inside the emulated link's namespace for tests/net/link-emulator.test.ts: a UDP echo and a
 * TCP echo server, and on request (JSON lines on stdin) a TCP download from or upload to the host.
 */
import { createSocket } from 'node:dgram';
import { once } from 'node:events';
import { connect, createServer, type AddressInfo } from 'node:net';
import { createInterface } from 'node:readline';
import { receiveRate, sendFor } from './transfer.js';

const udp = createSocket('udp4');
udp.on('message', (msg, from) => udp.send(msg, from.port, from.address));
udp.bind(0);
const tcp = createServer((socket) => socket.pipe(socket));
tcp.listen(0);
await Promise.all([once(udp, 'listening'), once(tcp, 'listening')]);

const answer = (msg: Record<string, unknown>): void => void process.stdout.write(`${JSON.stringify(msg)}\n`);
answer({ event: 'ready', udpPort: udp.address().port, tcpPort: (tcp.address() as AddressInfo).port });

interface Request {
  id: number;
  cmd: 'download' | 'upload';
  host: string;
  port: number;
  warmupMs: number;
  windowMs: number;
  ms: number;
}

createInterface({ input: process.stdin })
  .on('line', (line) => {
    const req = JSON.parse(line) as Request;
    const socket = connect(req.port, req.host);
    const done = req.cmd === 'download' ? receiveRate(socket, req.warmupMs, req.windowMs) : once(socket, 'connect').then(() => sendFor(socket, req.ms));
    done.then(
      (result) => answer({ id: req.id, ok: true, ...result }),
      (err: Error) => answer({ id: req.id, ok: false, error: err.message }),
    );
  })
  .on('close', () => process.exit(0)); // the test ended
