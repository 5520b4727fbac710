/** The load run's result: one JSON-serialisable object, and its text form for the terminal. */
import type { PauseReason } from '../protocol/messages.js';
import type { ParticipantStats } from './participant.js';
import type { PoolStats } from './pool.js';
import type { ProcessUsage } from './proc-usage.js';

export interface LoadReport {
  participants: {
    requested: number;
    joined: number;
    failed: number;
    failures: Record<string, number>;
    /** Media connections replaced through `restart-ice` after they failed, by cause. */
    mediaRestarts: Record<string, number>;
  };
  /** How the cameras were sent: simulcast (three layers) or a single layer (no simulcast offered). */
  publishing: { simulcast: number; singleLayer: number };
  windowSeconds: number;
  video: {
    framesReceived: number;
    framesPerSubscriberPerSecond: number;
    freezes: number;
    /** Frozen time over watched time, all remote videos of all subscribers. */
    frozenShare: number;
    /** Remote videos watched for over 2 s in the window that never showed a frame. */
    streamsNeverShown: number;
    /** Share of remote-video time the SFU held videos back on purpose, by its reason. */
    heldBackShare: Partial<Record<PauseReason, number>>;
  };
  /** From the first join until every join was answered (or failed), and the server's CPU time in it. */
  joinPhase: { seconds: number; serverCpuSeconds: number | null };
  /** From `join` to the first remote frame shown, for those who joined while others were there. */
  joinToFirstFrameMs: { samples: number; p50: number | null; p95: number | null; max: number | null };
  audio: { packetsReceived: number; packetsPerSubscriberPerSecond: number };
  sent: { videoPackets: number; audioPackets: number };
  /** Recoverable errors the server sent, by code, and its messages that failed validation. */
  serverErrors: Record<string, number>;
  /** Warnings and errors in the server's own log over the whole run; null for a server at --url. */
  serverLog: Record<string, number> | null;
  /**
   * The server process and its children (media workers) over the window; null when it is not known
   * (--url without --server-pid).
   */
  server: { cpuSeconds: number; cpuPerSecond: number; rssMb: number; peakRssMb: number; processes: number } | null;
  /**
   * This process (all its threads) over the window. Its event loops' delay (the worst thread) is how
   * late packets were timestamped for congestion feedback: high values mean the generator, not the
   * SFU, added the delay the SFU's downlink estimate sees.
   */
  loadGenerator: { cpuSeconds: number; cpuPerSecond: number; workers: number; eventLoopDelayMs: { p99: number; max: number } };
  /** Other work on the machine skews every figure: its 1-minute load average at the window's start and end. */
  machine: { cpus: number; loadAverage: [number, number] };
  /** Problems outside the figures, e.g. with the server's log. */
  warnings: string[];
}

/** Nearest-rank percentile of sorted values. */
export function percentile(sorted: readonly number[], p: number): number | null {
  if (sorted.length === 0) return null;
  return sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1))]!;
}

export interface WindowMeasures {
  windowSeconds: number;
  requested: number;
  server: { before: ProcessUsage; after: ProcessUsage } | null;
  joinSeconds: number;
  joinServerCpuSeconds: number | null;
  loadCpuSeconds: number;
  workers: number;
  cpus: number;
  loadAverage: [number, number];
  serverLogProblems: Record<string, number> | null;
}

const MB = 1024 * 1024;
const round = (n: number, digits = 3) => Number(n.toFixed(digits));

export function buildReport(pools: readonly PoolStats[], m: WindowMeasures): LoadReport {
  const stats = pools.flatMap((p) => p.participants);
  const joined = stats.filter((s) => s.joined && s.failure === null);
  const failures: Record<string, number> = {};
  const serverErrors: Record<string, number> = {};
  const mediaRestarts: Record<string, number> = {};
  for (const s of stats) {
    if (s.failure !== null) failures[s.failure] = (failures[s.failure] ?? 0) + 1;
    addCounts(serverErrors, s.errors);
    addCounts(mediaRestarts, s.mediaRestarts);
  }
  const sum = (f: (s: ParticipantStats) => number) => joined.reduce((a, s) => a + f(s), 0);
  const frames = sum((s) => s.receive.frames);
  const observed = sum((s) => s.receive.observedMs);
  const held: Partial<Record<PauseReason, number>> = {};
  for (const s of joined) for (const [reason, ms] of Object.entries(s.receive.heldBackMs) as [PauseReason, number][]) held[reason] = (held[reason] ?? 0) + ms;
  const heldTotal = Object.values(held).reduce((a, b) => a + b, 0);
  const heldBackShare = Object.fromEntries(Object.entries(held).map(([reason, ms]) => [reason, round(ms / (observed + heldTotal), 4)]));
  const audio = sum((s) => s.receive.audioPackets);
  const perSubscriberSecond = (n: number) => (joined.length === 0 ? 0 : round(n / joined.length / m.windowSeconds, 2));
  const firstFrames = stats.map((s) => s.joinToFirstFrameMs).filter((v): v is number => v !== null).sort((a, b) => a - b);
  const server = m.server && {
    cpuSeconds: round(m.server.after.cpuSeconds - m.server.before.cpuSeconds, 2),
    cpuPerSecond: round((m.server.after.cpuSeconds - m.server.before.cpuSeconds) / m.windowSeconds),
    rssMb: round(m.server.after.rssBytes / MB, 1),
    peakRssMb: round(m.server.after.peakRssBytes / MB, 1),
    processes: m.server.after.processes,
  };
  return {
    participants: { requested: m.requested, joined: joined.length, failed: m.requested - joined.length, failures, mediaRestarts },
    publishing: { simulcast: stats.filter((s) => s.simulcast === true).length, singleLayer: stats.filter((s) => s.simulcast === false).length },
    windowSeconds: round(m.windowSeconds, 2),
    video: {
      framesReceived: frames,
      framesPerSubscriberPerSecond: perSubscriberSecond(frames),
      freezes: sum((s) => s.receive.freezes),
      frozenShare: observed === 0 ? 0 : round(sum((s) => s.receive.frozenMs) / observed, 4),
      streamsNeverShown: sum((s) => s.receive.streamsNeverShown),
      heldBackShare,
    },
    joinPhase: { seconds: round(m.joinSeconds, 2), serverCpuSeconds: m.joinServerCpuSeconds === null ? null : round(m.joinServerCpuSeconds, 2) },
    joinToFirstFrameMs: {
      samples: firstFrames.length,
      p50: roundOrNull(percentile(firstFrames, 50)),
      p95: roundOrNull(percentile(firstFrames, 95)),
      max: roundOrNull(percentile(firstFrames, 100)),
    },
    audio: { packetsReceived: audio, packetsPerSubscriberPerSecond: perSubscriberSecond(audio) },
    sent: { videoPackets: sum((s) => s.videoPacketsSent), audioPackets: sum((s) => s.audioPacketsSent) },
    serverErrors,
    serverLog: m.serverLogProblems,
    server,
    loadGenerator: {
      cpuSeconds: round(m.loadCpuSeconds, 2),
      cpuPerSecond: round(m.loadCpuSeconds / m.windowSeconds),
      workers: m.workers,
      eventLoopDelayMs: {
        p99: Math.max(0, ...pools.map((p) => p.eventLoopDelayMs.p99)),
        max: Math.max(0, ...pools.map((p) => p.eventLoopDelayMs.max)),
      },
    },
    machine: { cpus: m.cpus, loadAverage: [round(m.loadAverage[0], 2), round(m.loadAverage[1], 2)] },
    warnings: [],
  };
}

function addCounts(into: Record<string, number>, counts: Record<string, number>): void {
  for (const [k, n] of Object.entries(counts)) into[k] = (into[k] ?? 0) + n;
}

function percent(share: number): string {
  return `${(share * 100).toFixed(2)} %`;
}

function roundOrNull(n: number | null): number | null {
  return n === null ? null : Math.round(n);
}

export function formatReport(r: LoadReport): string {
  const ms = (n: number | null) => (n === null ? '–' : `${n} ms`);
  const counts = (o: Record<string, number>) => Object.entries(o).map(([k, n]) => `${k} ×${n}`).join(', ');
  const lines = [
    `participants      ${r.participants.joined} of ${r.participants.requested} joined${r.participants.failed ? `; failed: ${counts(r.participants.failures)}` : ''}`,
    `media restarts    ${counts(r.participants.mediaRestarts) || 'none'}`,
    `camera            ${r.publishing.simulcast} simulcast, ${r.publishing.singleLayer} single layer`,
    `joins             took ${r.joinPhase.seconds} s${r.joinPhase.serverCpuSeconds === null ? '' : `, server CPU ${r.joinPhase.serverCpuSeconds} s meanwhile`}`,
    `window            ${r.windowSeconds} s`,
    `video frames      ${r.video.framesReceived} received, ${r.video.framesPerSubscriberPerSecond} per subscriber per second`,
    `freezes           ${r.video.freezes}, ${percent(r.video.frozenShare)} of watched time frozen; ${r.video.streamsNeverShown} streams never shown`,
    `held back by SFU  ${Object.entries(r.video.heldBackShare).map(([reason, share]) => `${reason} ${percent(share)}`).join(', ') || 'none'} of video time`,
    `join→first frame  p50 ${ms(r.joinToFirstFrameMs.p50)}, p95 ${ms(r.joinToFirstFrameMs.p95)}, max ${ms(r.joinToFirstFrameMs.max)} (${r.joinToFirstFrameMs.samples} joins)`,
    `audio packets     ${r.audio.packetsReceived} received, ${r.audio.packetsPerSubscriberPerSecond} per subscriber per second`,
    `sent              ${r.sent.videoPackets} video and ${r.sent.audioPackets} audio packets`,
    r.server
      ? `server            ${r.server.cpuSeconds} CPU s (${r.server.cpuPerSecond} per s), RSS ${r.server.rssMb} MB (peak ${r.server.peakRssMb} MB), ${r.server.processes} processes`
      : 'server            not measured (give --server-pid with --url)',
    `load generator    ${r.loadGenerator.cpuSeconds} CPU s (${r.loadGenerator.cpuPerSecond} per s), ${r.loadGenerator.workers} worker threads, event loop delay p99 ${r.loadGenerator.eventLoopDelayMs.p99} ms, max ${r.loadGenerator.eventLoopDelayMs.max} ms`,
  ];
  lines.push(`machine           ${r.machine.cpus} CPUs, load average ${r.machine.loadAverage[0]} at the window's start, ${r.machine.loadAverage[1]} at its end`);
  if (Object.keys(r.serverErrors).length > 0) lines.push(`server errors     ${counts(r.serverErrors)}`);
  if (r.serverLog && Object.keys(r.serverLog).length > 0) lines.push(`server log        ${counts(r.serverLog)}`);
  for (const w of r.warnings) lines.push(`warning           ${w}`);
  return lines.join('\n');
}
