/**
 * A load run: starts a Confab server on loopback (or uses the one at `url`), opens a meeting for
 * synthetic participants, lets them join one by one, measures for the window, and reports.
 * `runLoad` is what `npm run load` and the benchmark call.
 */
import { rmSync } from 'node:fs';
import { availableParallelism, loadavg } from 'node:os';
import { performance } from 'node:perf_hooks';
import { startServer, type RunningServer } from '../../tests/helpers/server.js';
import { createMeeting, openMeetingForLoad } from './meeting-setup.js';
import { resolveOptions, type LoadOptions } from './options.js';
import type { ParticipantPlan } from './participant.js';
import type { PoolHandle } from './pool-rpc.js';
import { createPools } from './pools.js';
import { processTreeUsage } from './proc-usage.js';
import { buildReport, type LoadReport } from './report.js';
import { logProblems } from './server-log.js';

export type { LoadOptions } from './options.js';
export type { LoadReport } from './report.js';

interface Target {
  url: string;
  hostKey: string;
  pid: number | undefined;
  /** The server's warnings and errors by message, when its log is ours to read. */
  logProblems(): Record<string, number> | null;
  stop(): Promise<void>;
}

async function ownServer(participants: number): Promise<Target> {
  const server: RunningServer = await startServer({
    // Room for everyone and the short setup connection.
    CONFAB_MAX_PARTICIPANTS: String(Math.max(100, participants + 1)),
  });
  // Should this process end before stop() (an error, Ctrl-C), the server it started goes with it.
  const orphaned = () => {
    try {
      process.kill(server.pid, 'SIGTERM');
    } catch {
      // already gone
    }
  };
  process.once('exit', orphaned);
  const stop = async () => {
    process.off('exit', orphaned);
    try {
      await server.stop(); // also scans the server's structured log for addresses and the host key
    } finally {
      rmSync(server.dataDir, { recursive: true, force: true });
    }
  };
  if (!server.hostKey) {
    await stop();
    throw new Error('the server printed no host link');
  }
  return { url: server.url, hostKey: server.hostKey, pid: server.pid, logProblems: () => logProblems(server.jsonLogs()), stop };
}

const delay = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

export async function runLoad(given: Partial<LoadOptions> = {}): Promise<LoadReport> {
  const o = resolveOptions(given);
  const target: Target = o.url
    ? { url: o.url, hostKey: o.hostKey!, pid: o.serverPid, logProblems: () => null, stop: async () => {} }
    : await ownServer(o.participants);
  let report: LoadReport;
  try {
    report = await measure(o, target);
  } catch (err) {
    await target.stop().catch(() => {});
    throw err;
  }
  try {
    await target.stop();
  } catch {
    // Not the message itself: it quotes the offending log line, which may hold the host key.
    report.warnings.push('the server log failed the privacy scan: a structured log line holds an address or the host key');
  }
  return report;
}

async function measure(o: LoadOptions, target: Target): Promise<LoadReport> {
  let pools: PoolHandle[] = [];
  try {
    const meeting = await createMeeting(target.url, target.hostKey);
    await openMeetingForLoad(target.url, meeting);
    pools = await createPools(o.workers);
    const usage = () => (target.pid === undefined ? null : processTreeUsage(target.pid));
    const joinStart = performance.now();
    const serverAtFirstJoin = usage();
    const joins: Promise<unknown>[] = [];
    for (let i = 0; i < o.participants; i++) {
      if (i > 0) await delay(o.joinIntervalMs); // the schedule of joins, as people arrive
      const plan: ParticipantPlan = {
        index: i,
        count: o.participants,
        baseUrl: target.url,
        meetingId: meeting.meetingId,
        hostSecret: i === 0 ? meeting.hostSecret : undefined,
        speaker: i < o.speakers,
        tiles: o.tiles,
        tileWidth: o.tileWidth,
        tileHeight: o.tileHeight,
      };
      // A failed join is reported with the participant's stats; the run goes on.
      joins.push(pools[i % pools.length]!.join(plan).catch(() => {}));
    }
    await Promise.all(joins);
    const joinSeconds = (performance.now() - joinStart) / 1000;
    const serverAfterJoins = usage();
    await delay(o.settleSeconds * 1000);

    const serverBefore = usage();
    const loadBefore = process.cpuUsage();
    const loadAverageBefore = loadavg()[0]!;
    const start = performance.now();
    await Promise.all(pools.map((p) => p.startWindow()));
    await delay(o.durationSeconds * 1000); // the measurement window
    const pooled = await Promise.all(pools.map((p) => p.stats()));
    const windowSeconds = (performance.now() - start) / 1000;
    const serverAfter = usage();
    const load = process.cpuUsage(loadBefore);
    return buildReport(pooled, {
      windowSeconds,
      requested: o.participants,
      server: serverBefore && serverAfter ? { before: serverBefore, after: serverAfter } : null,
      joinSeconds,
      joinServerCpuSeconds: serverAtFirstJoin && serverAfterJoins ? serverAfterJoins.cpuSeconds - serverAtFirstJoin.cpuSeconds : null,
      loadCpuSeconds: (load.user + load.system) / 1e6,
      workers: o.workers,
      cpus: availableParallelism(),
      loadAverage: [loadAverageBefore, loadavg()[0]!],
      serverLogProblems: target.logProblems(),
    });
  } finally {
    await Promise.allSettled(pools.map((p) => p.close()));
  }
}
