/**
 * Starts the real server as a child process on loopback (port 0, media on 127.0.0.1) and collects
 * its log lines, so tests can also check what the server logged.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createInterface } from 'node:readline';

export interface RunningServer {
  url: string;
  port: number;
  pid: number;
  dataDir: string;
  /** The host link printed at first start (undefined when the data dir already had a host key). */
  hostLink: string | undefined;
  /** The host key from that link, for API calls. */
  hostKey: string | undefined;
  /** Every stdout/stderr line so far. */
  logs: string[];
  /** Only the structured (JSON) log lines, i.e. what a log collector would keep. */
  jsonLogs(): string[];
  stop(): Promise<void>;
}

/** A fresh data directory (SQLite file) for one test server. */
export function freshDataDir(): string {
  return mkdtempSync(join(tmpdir(), 'confab-test-data-'));
}

/**
 * `env` overrides the test defaults; pass `CONFAB_DATA_DIR` to reuse a data directory (restart tests).
 * `nodeArgs`: extra Node.js flags for the server process, e.g. `--cpu-prof` for a profile.
 */
export async function startServer(env: Record<string, string> = {}, nodeArgs: string[] = []): Promise<RunningServer> {
  const dataDir = env.CONFAB_DATA_DIR ?? freshDataDir();
  const child: ChildProcess = spawn(process.execPath, [...nodeArgs, '--import', 'tsx', 'src/server/main.ts'], {
    env: {
      ...process.env,
      HOST: '127.0.0.1',
      PORT: '0',
      CONFAB_RTC_LISTEN_IPS: '127.0.0.1',
      LOG_LEVEL: 'info',
      CONFAB_DATA_DIR: dataDir,
      ...env,
    },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const logs: string[] = [];
  for (const stream of [child.stdout!, child.stderr!]) {
    createInterface({ input: stream }).on('line', (line) => logs.push(line));
  }
  const port = await new Promise<number>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`server did not start:\n${logs.join('\n')}`)), 30_000);
    child.once('exit', (code) => reject(new Error(`server exited with ${code}:\n${logs.join('\n')}`)));
    const check = setInterval(() => {
      for (const line of logs) {
        try {
          const entry = JSON.parse(line) as { msg?: string; port?: number };
          if (entry.msg === 'listening' && entry.port) {
            clearInterval(check);
            clearTimeout(timer);
            resolve(entry.port);
            return;
          }
        } catch {
          /* not JSON */
        }
      }
    }, 25);
  });
  // The host link line follows the listening line on stdout; wait for it on a fresh data dir.
  const hostLink = await new Promise<string | undefined>((resolve) => {
    const deadline = Date.now() + 1000;
    const look = () => {
      const line = logs.find((l) => l.includes('#hostkey='));
      if (line || Date.now() > deadline) return resolve(line?.trim());
      setTimeout(look, 10);
    };
    look();
  });
  return {
    url: `http://127.0.0.1:${port}`,
    port,
    pid: child.pid!,
    dataDir,
    hostLink,
    hostKey: hostLink?.split('#hostkey=')[1],
    logs,
    jsonLogs: () => logs.filter((l) => l.startsWith('{')),
    async stop() {
      if (child.exitCode !== null) return;
      child.kill('SIGTERM');
      await once(child, 'exit');
    },
  };
}
