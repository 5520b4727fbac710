/** What the benchmark runs against either server: a workload, and the meeting that carries it. */
import type { ReceiveStats } from '../../src/loadgen/subscriber.js';

export interface Workload {
  /** Everyone publishes camera and microphone and receives everyone else. */
  participants: number;
  /** Which of the load generator's camera clips every publisher sends (0: 320×180, 1: 640×360, 2: 1280×720). */
  layer: number;
}

export interface MeetingUnderTest {
  server: 'Confab' | 'Janus';
  /** The server process (its descendants are measured too). */
  pid: number;
  /** Starts the subscribers' window for frames and freezes. */
  startWindow(): void;
  /** Per subscriber, since startWindow. */
  receiveStats(): Promise<ReceiveStats[]>;
  /** The server's own count of forwarded RTP packets, where it has one (a cross-check). */
  serverForwardedPackets?(): Promise<number>;
  close(): Promise<void>;
}

/** Fine enough for 30 fps video and 20 ms audio, as the load generator paces its participants. */
export const PACING_MS = 5;
/** Time between joins, as people arrive. */
export const JOIN_INTERVAL_MS = 100;
const JOIN_TIMEOUT_MS = 45_000;

export const delay = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** Fails a meeting's setup that takes longer than a phase may. */
export function withinJoinTimeout<T>(work: Promise<T>, what: string): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => (timer = setTimeout(() => reject(new Error(`${what} took over ${JOIN_TIMEOUT_MS / 1000} s`)), JOIN_TIMEOUT_MS)));
  return Promise.race([work, timeout]).finally(() => clearTimeout(timer));
}
