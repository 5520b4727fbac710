/**
 * One media worker process, seen from the server: spawns it (`entry.ts`, through tsx like the
 * server itself), calls it, hands its peer events on, and notices when it exits. A process rather
 * than a thread, so that a crash takes down only its own meetings, and each worker has a core.
 */
import { fork, type ChildProcess } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import type { PeerEvent, ServerToWorker, WorkerApi, WorkerSettings, WorkerStats, WorkerToServer } from './protocol.js';
import { RpcClient } from './rpc.js';

const ENTRY = fileURLToPath(new URL('./entry.ts', import.meta.url));
/** A worker that doesn't answer for counters this long is left out of that reading. */
const STATS_TIMEOUT_MS = 2000;

/** A call failed because the worker process is gone (its meetings are being moved). */
export class WorkerGone extends Error {
  constructor() {
    super('media worker exited');
  }
}

export interface WorkerEvents {
  peerEvent(event: PeerEvent): void;
  /** The process ended without `stop()`: a crash, a kill, or a failed start. */
  exited(code: number | null, signal: NodeJS.Signals | null): void;
}

export class MediaWorker {
  readonly pid: number;
  /** Resolves once the worker serves calls; rejects if it ends before that. */
  readonly ready: Promise<void>;
  private isReady = false;
  private readonly child: ChildProcess;
  private readonly rpc: RpcClient<WorkerApi>;
  /** Requests made before the worker listens: Node drops IPC messages that arrive before a listener. */
  private queued: ServerToWorker[] | undefined = [];
  private stopping = false;
  private readonly exit: Promise<void>;
  /** The latest counters read; kept when a reading fails, and after the process is gone. */
  lastStats: WorkerStats | undefined;

  constructor(
    readonly settings: WorkerSettings,
    events: WorkerEvents,
  ) {
    this.child = fork(ENTRY, [JSON.stringify(settings)], { execArgv: ['--import', 'tsx'], serialization: 'advanced' });
    this.pid = this.child.pid ?? -1;
    this.rpc = new RpcClient((request) => this.post(request));
    this.ready = new Promise((resolve, reject) => {
      this.child.on('message', (message: WorkerToServer) => {
        if (message.type === 'reply') this.rpc.settle(message);
        else if (message.type === 'peer-event') events.peerEvent(message);
        else {
          this.isReady = true;
          for (const request of this.queued ?? []) this.child.send(request);
          this.queued = undefined;
          resolve();
        }
      });
      this.child.once('exit', (code, signal) => reject(new Error(`media worker exited (${signal ?? code}) before it was ready`)));
    });
    this.ready.catch(() => {}); // reported through `exited`, too
    this.exit = new Promise((resolve) => {
      this.child.once('exit', (code, signal) => {
        this.rpc.close(new WorkerGone());
        if (!this.stopping) events.exited(code, signal);
        resolve();
      });
    });
    // A failed send means the process is gone, which 'exit' reports.
    this.child.on('error', () => {});
  }

  get started(): boolean {
    return this.isReady;
  }

  get alive(): boolean {
    return this.child.exitCode === null && this.child.signalCode === null;
  }

  call<K extends keyof WorkerApi & string>(method: K, ...args: Parameters<WorkerApi[K]>): Promise<Awaited<ReturnType<WorkerApi[K]>>> {
    return this.rpc.call(method, ...args);
  }

  /** Counters and resource use now; the last known ones if the worker doesn't answer soon. */
  async stats(): Promise<WorkerStats | undefined> {
    let timer: NodeJS.Timeout | undefined;
    const timeout = new Promise<undefined>((resolve) => {
      timer = setTimeout(() => resolve(undefined), STATS_TIMEOUT_MS);
    });
    const stats = await Promise.race([this.call('stats').catch(() => undefined), timeout]);
    clearTimeout(timer);
    if (stats) this.lastStats = stats;
    return this.lastStats;
  }

  /** Ends the process on purpose (not reported as `exited`): a disconnect, then a kill if it lingers. */
  async stop(): Promise<void> {
    this.stopping = true;
    if (this.child.connected) this.child.disconnect();
    const killer = setTimeout(() => this.child.kill('SIGKILL'), 5000);
    await this.exit;
    clearTimeout(killer);
  }

  private post(request: ServerToWorker): void {
    if (this.queued) this.queued.push(request);
    else if (this.child.connected) this.child.send(request);
  }
}
