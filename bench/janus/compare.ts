/**
 * The Janus side-by-side benchmark: the same synthetic workload against Confab and against Janus
 * 1.1.2's VideoRoom, one after the other in this run, each measured from outside; then a busier
 * workload for the forwarding rate one core reaches, and a CPU profile of Confab's server.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { availableParallelism, tmpdir } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { localMediaAddress } from './config.js';
import { startConfabMeeting } from './confab-meeting.js';
import { readProfiles, summariseProfile, type ProfileSummary } from './cpuprofile.js';
import { ensureJanusInstalled } from './install.js';
import { startJanusMeeting } from './janus-meeting.js';
import type { MeetingUnderTest, Workload } from './meeting.js';
import { measureWindow, type ServerFigures } from './measure.js';
import { affinity, pin, pinTree } from './process-cpu.js';

export interface JanusBenchOptions {
  /** The workload both servers carry easily. */
  comparable: Workload;
  /** A workload that keeps one server core busy, for packets per second per core. */
  saturation: Workload;
  warmupMs: number;
  windowMs: number;
}

export interface SideBySide {
  workload: Workload;
  confab: ServerFigures;
  janus: ServerFigures;
  /** Confab's CPU per forwarded packet over Janus's. */
  ratio: number;
}

export interface JanusBenchResult {
  options: JanusBenchOptions;
  /** Where server and participants ran, e.g. "server on CPU 1, participants on CPU 0". */
  placement: string;
  /** The address Janus's media used (it gathers no loopback candidates). */
  janusMediaAddress: string;
  comparable: SideBySide;
  saturation: SideBySide;
  /** Confab's server processes during a comparable-workload window, profiled. */
  profile: ProfileSummary;
}

type Start = (w: Workload, placeServer: (pid: number) => void) => Promise<MeetingUnderTest>;

/** With two cores or more, the server gets CPU 1 and this process (the participants) CPU 0. */
function placement(): { placeServer(pid: number): void; restore(): void; description: string } {
  if (availableParallelism() < 2) return { placeServer: () => {}, restore: () => {}, description: 'not pinned (one core)' };
  const own = affinity(process.pid);
  pin(process.pid, '0');
  return {
    placeServer: (pid) => pinTree(pid, '1'),
    restore: () => pin(process.pid, own),
    description: 'server on CPU 1, synthetic participants on CPU 0',
  };
}

/** One server under one workload; prints how long the phase took, as the bench runs for minutes. */
async function measure(label: string, start: Start, w: Workload, o: JanusBenchOptions, placeServer: (pid: number) => void): Promise<ServerFigures> {
  const t0 = performance.now();
  const meeting = await start(w, placeServer);
  const setup = (performance.now() - t0) / 1000;
  try {
    return await measureWindow(meeting, w, o.warmupMs, o.windowMs);
  } finally {
    await meeting.close();
    console.log(`  ${label}, ${w.participants} participants: set up in ${setup.toFixed(1)} s, ${((performance.now() - t0) / 1000).toFixed(1)} s in all`);
  }
}

async function sideBySide(w: Workload, o: JanusBenchOptions, placeServer: (pid: number) => void): Promise<SideBySide> {
  const confab = await measure('Confab', startConfabMeeting, w, o, placeServer);
  const janus = await measure('Janus', startJanusMeeting, w, o, placeServer);
  return { workload: w, confab, janus, ratio: confab.microsPerPacket / janus.microsPerPacket };
}

/**
 * A profile of Confab's server, cut to the measurement window. Media runs in the server process
 * for it (no media workers): --cpu-prof can't reach forked workers (Node refuses it in
 * NODE_OPTIONS), and a worker runs the same forwarding code.
 */
async function profileConfab(o: JanusBenchOptions, placeServer: (pid: number) => void): Promise<ProfileSummary> {
  const dir = mkdtempSync(join(tmpdir(), 'confab-bench-prof-'));
  try {
    const start: Start = (w, place) => startConfabMeeting(w, place, { env: { CONFAB_MEDIA_WORKERS: '0' }, nodeArgs: ['--cpu-prof', '--cpu-prof-dir', dir] });
    const figures = await measure('Confab with --cpu-prof', start, o.comparable, o, placeServer); // the profile is written as the server exits
    return summariseProfile(readProfiles(dir), figures.windowMicros);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

/** The figures, or why the comparison was skipped (Janus missing and not installable here). */
export async function runJanusBench(o: JanusBenchOptions): Promise<JanusBenchResult | { skipped: string }> {
  const missing = ensureJanusInstalled();
  if (missing) return { skipped: missing };
  console.log('\nConfab vs Janus: measuring…');
  const place = placement();
  try {
    return {
      options: o,
      placement: place.description,
      janusMediaAddress: localMediaAddress(),
      comparable: await sideBySide(o.comparable, o, place.placeServer),
      saturation: await sideBySide(o.saturation, o, place.placeServer),
      profile: await profileConfab(o, place.placeServer),
    };
  } finally {
    place.restore();
  }
}
