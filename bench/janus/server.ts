/** Janus as a child process (`janus -F <config dir>`), ready once its WebSocket API answers; stopped by PID. */
import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { rmSync } from 'node:fs';
import { createInterface } from 'node:readline';
import { JanusConnection } from './api.js';
import { writeJanusConfig } from './config.js';
import { JANUS_BIN } from './install.js';
import { delay } from './meeting.js';

export interface RunningJanus {
  pid: number;
  wsUrl: string;
  roomAdminKey: string;
  stop(): Promise<void>;
}

const START_TIMEOUT_MS = 20_000;
const STOP_TIMEOUT_MS = 5_000;
const LOG_LINES_KEPT = 50;

export async function startJanus(): Promise<RunningJanus> {
  const config = await writeJanusConfig();
  const child = spawn(JANUS_BIN, ['-F', config.dir, '--disable-colors'], { stdio: ['ignore', 'pipe', 'pipe'] });
  const pid = child.pid;
  if (pid === undefined) throw new Error('Janus did not start');
  const log: string[] = [];
  for (const stream of [child.stdout, child.stderr]) {
    createInterface({ input: stream }).on('line', (line) => {
      log.push(line);
      if (log.length > LOG_LINES_KEPT) log.shift();
    });
  }
  const exited = once(child, 'exit');
  const stop = async () => {
    if (child.exitCode === null && child.signalCode === null) {
      process.kill(pid, 'SIGTERM');
      const timer = setTimeout(() => child.exitCode === null && process.kill(pid, 'SIGKILL'), STOP_TIMEOUT_MS);
      await exited;
      clearTimeout(timer);
    }
    rmSync(config.dir, { recursive: true, force: true });
  };
  const wsUrl = `ws://127.0.0.1:${config.wsPort}`;
  const deadline = Date.now() + START_TIMEOUT_MS;
  for (;;) {
    const connection = await JanusConnection.open(wsUrl).catch(() => undefined); // not listening yet
    const info = await connection?.request({ janus: 'info' }).catch(() => undefined);
    connection?.close();
    if (info?.janus === 'server_info') break;
    if (child.exitCode !== null || Date.now() > deadline) {
      await stop();
      throw new Error(`Janus did not answer on ${wsUrl}:\n${log.join('\n')}`);
    }
    await delay(100);
  }
  return { pid, wsUrl, roomAdminKey: config.roomAdminKey, stop };
}
