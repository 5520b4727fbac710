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
  /** Strings (names, secrets) that must never appear in the log; checked by stop(). */
  mustNotLog(...values: string[]): void;
  /**
   * Stops the server, then fails if its structured log contains an IP address, the host key, or any
   * string given to mustNotLog: every test's server log is scanned this way.
   */
  stop(): Promise<void>;
}

const IP_ADDRESS = /\b\d{1,3}(?:\.\d{1,3}){3}\b|\b(?:[0-9a-f]{1,4}:){3,7}[0-9a-f]{1,4}\b/i;

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
  const forbidden: string[] = [];
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
  const hostKey = hostLink?.split('#hostkey=')[1];
  if (hostKey) forbidden.push(hostKey);
  return {
    url: `http://127.0.0.1:${port}`,
    port,
    pid: child.pid!,
    dataDir,
    hostLink,
    hostKey,
    logs,
    jsonLogs: () => logs.filter((l) => l.startsWith('{')),
    mustNotLog: (...values) => forbidden.push(...values.filter(Boolean)),
    async stop() {
      if (child.exitCode === null) {
        child.kill('SIGTERM');
        await once(child, 'exit');
      }
      const json = logs.filter((l) => l.startsWith('{'));
      for (const line of json) {
        if (IP_ADDRESS.test(line)) throw new Error(`server log contains an address: ${line}`);
        const leaked = forbidden.find((v) => line.includes(v));
        if (leaked) throw new Error(`server log contains "${leaked}": ${line}`);
      }
    },
  };
}
