/**
 * An impaired network link for tests: a fresh network namespace connected to the host only through
 * tests/net/link-emulator.py, which applies rate, delay, jitter, loss and cuts per direction (the
 * userspace stand-in for `tc netem`, which the test kernels lack). Chromium or any other command can
 * run inside the namespace; a server that the namespace should reach listens on `hostAddress`.
 *
 * Needs root, /dev/net/tun, `ip` and python3 (see netemUnavailable()).
 */
import { execFileSync, spawn, type ChildProcess, type SpawnOptions } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { once } from 'node:events';
import { accessSync, constants, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';
import type { Browser } from 'playwright-core';
import { CHROMIUM_PATH, launchBrowser } from './browser.js';

const EMULATOR = fileURLToPath(new URL('../net/link-emulator.py', import.meta.url));

/** One direction of the link. Left out: no rate limit, no delay, no loss. */
export interface DirectionParams {
  rateKbps?: number;
  delayMs?: number;
  /** Uniform ±jitterMs on top of delayMs; packets keep their order. */
  jitterMs?: number;
  lossPercent?: number;
  /** Token bucket size (at least one 1500-byte packet). */
  burstBytes?: number;
  /** Drop-tail queue bound, as the time it takes to drain at rateKbps (default 250 ms). */
  queueMs?: number;
}

export interface LinkParams {
  /** Host -> namespace. */
  down?: DirectionParams;
  /** Namespace -> host. */
  up?: DirectionParams;
}

export interface DirectionStats extends Required<DirectionParams> {
  /** IP packets that entered this direction, and what became of them. */
  received: number;
  delivered: number;
  deliveredBytes: number;
  lost: number;
  queueDropped: number;
  cutDropped: number;
  writeErrors: number;
  /** How far behind schedule the emulator delivered at worst: its own timing error. */
  lateMaxMs: number;
  /** Accepted but not delivered yet (waiting in the queue or the delay line). */
  inFlight: number;
}

export interface LinkStats {
  cut: boolean;
  down: DirectionStats;
  up: DirectionStats;
}

export interface EmulatedLink {
  namespace: string;
  /** The host's end of the link: where a server the namespace should reach listens. */
  hostAddress: string;
  namespaceAddress: string;
  /** Replaces the parameters of each direction given; the other direction is left as it is. */
  set(params: LinkParams): Promise<LinkStats>;
  /** Drops everything, both ways, including what is queued or in flight, until restore(). */
  cut(): Promise<LinkStats>;
  restore(): Promise<LinkStats>;
  stats(): Promise<LinkStats>;
  /** Runs a command inside the namespace; close() kills it if it is still running. */
  spawn(command: string, args: string[], options?: SpawnOptions): ChildProcess;
  /** Chromium (tests/helpers/browser.ts flags) inside the namespace. Close it before close(). */
  launchBrowser(extraArgs?: string[]): Promise<Browser>;
  /** Kills what still runs in the namespace, stops the emulator and deletes the namespace. */
  close(): Promise<void>;
}

/** Why links can't be made here (a reason to skip), or undefined when they can. */
export function netemUnavailable(): string | undefined {
  if (process.getuid?.() !== 0) return 'network namespaces need root';
  try {
    accessSync('/dev/net/tun', constants.R_OK | constants.W_OK);
    execFileSync('ip', ['-V'], { stdio: 'ignore' });
    execFileSync('python3', ['--version'], { stdio: 'ignore' });
  } catch (err) {
    return `no /dev/net/tun, ip or python3: ${String(err)}`;
  }
  return undefined;
}

/**
 * A child process speaking JSON lines: each request `{id, ...}` on stdin gets one answer line
 * `{id, ...}` on stdout; other lines (events) go to `onEvent`.
 */
export class JsonLineChild {
  private nextId = 1;
  private readonly waiting = new Map<number, { resolve: (v: Record<string, unknown>) => void; reject: (e: Error) => void }>();
  readonly stderr: string[] = [];
  private exited: Error | undefined;

  constructor(
    readonly child: ChildProcess,
    onEvent: (event: Record<string, unknown>) => void = () => {},
  ) {
    createInterface({ input: child.stdout! }).on('line', (line) => {
      let msg: Record<string, unknown>;
      try {
        msg = JSON.parse(line) as Record<string, unknown>;
      } catch {
        this.stderr.push(line); // stray output; keep it for error messages
        return;
      }
      const w = typeof msg.id === 'number' ? this.waiting.get(msg.id) : undefined;
      if (!w) return onEvent(msg);
      this.waiting.delete(msg.id as number);
      const { id: _id, ok, error, ...answer } = msg;
      if (ok === false) w.reject(new Error(String(error)));
      else w.resolve(answer);
    });
    createInterface({ input: child.stderr! }).on('line', (line) => this.stderr.push(line));
    child.once('exit', (code, signal) => {
      this.exited = new Error(`${child.spawnfile} exited (${code ?? signal}): ${this.stderr.join('\n')}`);
      for (const w of this.waiting.values()) w.reject(this.exited);
      this.waiting.clear();
    });
  }

  /** Wraps `child` and waits for its first event line (a ready report), or fails if it exits first. */
  static async start(child: ChildProcess): Promise<{ channel: JsonLineChild; first: Record<string, unknown> }> {
    let resolveFirst!: (e: Record<string, unknown>) => void;
    const first = new Promise<Record<string, unknown>>((resolve) => (resolveFirst = resolve));
    const channel = new JsonLineChild(child, (e) => resolveFirst(e));
    const exited = once(child, 'exit').then(() => {
      throw new Error(`${child.spawnfile} exited before it was ready: ${channel.stderr.join('\n')}`);
    });
    return { channel, first: await Promise.race([first, exited]) };
  }

  request<T>(msg: Record<string, unknown>): Promise<T> {
    if (this.exited) return Promise.reject(this.exited);
    const id = this.nextId++;
    return new Promise<T>((resolve, reject) => {
      this.waiting.set(id, { resolve: (v) => resolve(v as T), reject });
      this.child.stdin!.write(`${JSON.stringify({ ...msg, id })}\n`);
    });
  }
}

/** Links not closed yet; their emulators are told to clean up if this process exits regardless. */
const running = new Set<ChildProcess>();
process.once('exit', () => {
  for (const emulator of running) emulator.kill('SIGTERM'); // it deletes its namespace on SIGTERM
});

function namespaceExists(name: string): boolean {
  return execFileSync('ip', ['netns', 'list'], { encoding: 'utf8' }).split('\n').some((l) => l.split(' ')[0] === name);
}

export async function createEmulatedLink(params: LinkParams = {}): Promise<EmulatedLink> {
  const unavailable = netemUnavailable();
  if (unavailable) throw new Error(`cannot emulate a link: ${unavailable}`);
  const tag = randomBytes(4).toString('hex');
  const namespace = `confab-net-${tag}`;
  // Interface names are at most 15 characters.
  const emulator = spawn('python3', [EMULATOR, '--netns', namespace, '--host-dev', `cfh${tag}`, '--ns-dev', `cfn${tag}`], {
    stdio: ['pipe', 'pipe', 'pipe'],
  });
  running.add(emulator);
  const { channel, first: event } = await JsonLineChild.start(emulator).catch((err: Error) => {
    running.delete(emulator);
    throw err;
  });
  if (event.event !== 'ready') {
    running.delete(emulator);
    throw new Error(`link emulator failed: ${JSON.stringify(event)}`);
  }

  const children = new Set<ChildProcess>();
  let wrapperDir: string | undefined;
  let closed = false;
  const link: EmulatedLink = {
    namespace,
    hostAddress: String(event.hostAddress),
    namespaceAddress: String(event.namespaceAddress),
    set: (p) => channel.request<LinkStats>({ cmd: 'set', ...p }),
    cut: () => channel.request<LinkStats>({ cmd: 'cut' }),
    restore: () => channel.request<LinkStats>({ cmd: 'restore' }),
    stats: () => channel.request<LinkStats>({ cmd: 'stats' }),
    spawn(command, args, options = {}) {
      const child = spawn('ip', ['netns', 'exec', namespace, command, ...args], options);
      children.add(child);
      child.once('exit', () => children.delete(child));
      return child;
    },
    async launchBrowser(extraArgs = []) {
      if (!wrapperDir) {
        wrapperDir = mkdtempSync(join(tmpdir(), 'confab-netns-'));
        // Playwright drives Chromium over inherited pipes, which `ip netns exec` passes through; its
        // exec keeps the PID, so Playwright's own kill on browser.close() still reaches Chromium.
        const quoted = `'${CHROMIUM_PATH.replaceAll("'", `'\\''`)}'`;
        writeFileSync(join(wrapperDir, 'chromium'), `#!/bin/sh\nexec ip netns exec ${namespace} ${quoted} "$@"\n`, { mode: 0o755 });
      }
      return launchBrowser(extraArgs, join(wrapperDir, 'chromium'));
    },
    async close() {
      if (closed) return;
      closed = true;
      for (const child of children) child.kill('SIGKILL');
      // Whatever else still runs in the namespace (e.g. a Chromium helper of a test that failed
      // before closing its browser) was started by this link: the namespace is unique to it.
      const pids = namespaceExists(namespace) ? execFileSync('ip', ['netns', 'pids', namespace], { encoding: 'utf8' }).split('\n').filter(Boolean) : [];
      for (const pid of pids) {
        try {
          process.kill(Number(pid), 'SIGKILL');
        } catch {
          /* already gone */
        }
      }
      if (emulator.exitCode === null && emulator.signalCode === null) {
        const exited = once(emulator, 'exit');
        emulator.stdin!.end(); // the emulator deletes the namespace and exits on end of input
        const timer = setTimeout(() => emulator.kill('SIGKILL'), 5_000);
        await exited;
        clearTimeout(timer);
      }
      running.delete(emulator);
      // Only left over if the emulator had to be killed.
      if (namespaceExists(namespace)) execFileSync('ip', ['netns', 'del', namespace]);
      if (wrapperDir) rmSync(wrapperDir, { recursive: true, force: true });
    },
  };
  if (params.down || params.up) {
    await link.set(params).catch(async (err: Error) => {
      await link.close();
      throw err;
    });
  }
  return link;
}
