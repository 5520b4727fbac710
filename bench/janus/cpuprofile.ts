/**
 * Where processes spent their CPU, from V8 `.cpuprofile`s (node --cpu-prof): self time per function
 * over all the profiles, only for samples within a window of the monotonic clock (the profiles'
 * timestamps are CLOCK_MONOTONIC microseconds, the clock of process.hrtime in any process).
 */
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';

interface CpuProfile {
  nodes: { id: number; callFrame: { functionName: string; url: string; lineNumber: number } }[];
  startTime: number;
  endTime: number;
  samples: number[];
  timeDeltas: number[];
}

export interface ProfileEntry {
  /** Function, and where it is: `name (file:line)`, or V8's own bucket such as `(garbage collector)`. */
  name: string;
  /** Share of the busy (non-idle) time. */
  share: number;
}

export interface ProfileSummary {
  busySeconds: number;
  /** Busy time by where the code lives: werift, Node's internals, Confab's own code, GC, … */
  byArea: ProfileEntry[];
  top: ProfileEntry[];
}

const IDLE = '(idle)';

/** A file URL shortened to the part that says whose code it is. */
function where(url: string): string {
  const nodeModules = url.lastIndexOf('/node_modules/');
  if (nodeModules >= 0) return url.slice(nodeModules + '/node_modules/'.length).replace('/lib/', '/');
  const cwd = `file://${process.cwd()}/`;
  return url.startsWith(cwd) ? url.slice(cwd.length) : url;
}

/** tsx compiles TypeScript without keeping lines, so only JavaScript gets a line number. */
function location(url: string, lineNumber: number): string {
  return url.endsWith('.ts') ? where(url) : `${where(url)}:${lineNumber + 1}`;
}

function area(url: string, functionName: string): string {
  if (url === '') return functionName.startsWith('(') ? functionName : '(native)';
  if (url.includes('/node_modules/werift/')) return 'werift';
  if (url.includes('/node_modules/')) return 'other npm packages';
  if (url.startsWith('node:')) return "Node's internals (crypto, dgram, buffer, …)";
  return 'Confab';
}

function ranked(micros: Map<string, number>, busy: number, n: number): ProfileEntry[] {
  return [...micros]
    .sort((a, b) => b[1] - a[1])
    .slice(0, n)
    .map(([name, us]) => ({ name, share: us / busy }));
}

export function summariseProfile(profiles: readonly CpuProfile[], window: { from: number; to: number }, top = 10): ProfileSummary {
  const byName = new Map<string, number>();
  const byArea = new Map<string, number>();
  let busy = 0;
  for (const profile of profiles) {
    const frames = new Map(profile.nodes.map((n) => [n.id, n.callFrame]));
    let t = profile.startTime;
    for (let i = 0; i < profile.samples.length; i++) {
      t += profile.timeDeltas[i]!;
      // A sample stands for the time until the next one.
      const next = i + 1 < profile.samples.length ? t + profile.timeDeltas[i + 1]! : profile.endTime;
      if (t < window.from || t >= window.to) continue;
      const frame = frames.get(profile.samples[i]!)!;
      if (frame.functionName === IDLE) continue;
      const us = next - t;
      const name = frame.url ? `${frame.functionName || '(anonymous)'} (${location(frame.url, frame.lineNumber)})` : frame.functionName;
      byName.set(name, (byName.get(name) ?? 0) + us);
      const a = area(frame.url, frame.functionName);
      byArea.set(a, (byArea.get(a) ?? 0) + us);
      busy += us;
    }
  }
  if (busy === 0) throw new Error('the profiles have no samples in the measurement window');
  return { busySeconds: busy / 1e6, byArea: ranked(byArea, busy, Infinity), top: ranked(byName, busy, top) };
}

/** The profiles a process wrote with --cpu-prof --cpu-prof-dir `dir` (one per thread or process). */
export function readProfiles(dir: string): CpuProfile[] {
  return readdirSync(dir)
    .filter((f) => f.endsWith('.cpuprofile'))
    .map((f) => JSON.parse(readFileSync(join(dir, f), 'utf8')) as CpuProfile);
}
