/**
 * CPU time and memory of a process and its children (the server and its media worker processes),
 * read from /proc as `ps` would.
 */
import { execFileSync } from 'node:child_process';
import { readdirSync, readFileSync } from 'node:fs';

export interface ProcessUsage {
  cpuSeconds: number;
  rssBytes: number;
  /** Sum of each process's peak resident set size so far (VmHWM). */
  peakRssBytes: number;
  processes: number;
}

/** Fields after the "(comm)" field, which may hold spaces: [0] is state, [1] the parent pid. */
function statFields(stat: string): string[] {
  return stat.slice(stat.lastIndexOf(')') + 2).split(' ');
}

/** utime + stime (fields 14 and 15 of /proc/<pid>/stat) in clock ticks. */
export function statCpuTicks(stat: string): number {
  const fields = statFields(stat);
  const ticks = Number(fields[11]) + Number(fields[12]);
  if (!Number.isFinite(ticks)) throw new Error('unreadable /proc stat');
  return ticks;
}

export function statParentPid(stat: string): number {
  return Number(statFields(stat)[1]);
}

/** A "Name:   1234 kB" line of /proc/<pid>/status, in bytes. */
export function statusBytes(status: string, name: string): number {
  const m = new RegExp(`^${name}:\\s+(\\d+) kB`, 'm').exec(status);
  if (!m) throw new Error(`no ${name} in /proc status`);
  return Number(m[1]) * 1024;
}

/** `root` and every process below it, given each process's parent. */
export function descendants(root: number, parents: ReadonlyMap<number, number>): number[] {
  const out = [root];
  for (let i = 0; i < out.length; i++) for (const [pid, parent] of parents) if (parent === out[i]) out.push(pid);
  return out;
}

function read(path: string): string | undefined {
  try {
    return readFileSync(path, 'utf8');
  } catch {
    return undefined; // the process ended meanwhile
  }
}

let clockTicks: number | undefined;

export function processTreeUsage(root: number): ProcessUsage {
  clockTicks ??= Number(execFileSync('getconf', ['CLK_TCK']).toString().trim());
  const stats = new Map<number, string>();
  const parents = new Map<number, number>();
  for (const name of readdirSync('/proc')) {
    if (!/^\d+$/.test(name)) continue;
    const stat = read(`/proc/${name}/stat`);
    if (!stat) continue;
    stats.set(Number(name), stat);
    parents.set(Number(name), statParentPid(stat));
  }
  if (!stats.has(root)) throw new Error(`no process ${root}`);
  const usage: ProcessUsage = { cpuSeconds: 0, rssBytes: 0, peakRssBytes: 0, processes: 0 };
  for (const pid of descendants(root, parents)) {
    const status = read(`/proc/${pid}/status`);
    if (!status) continue;
    usage.cpuSeconds += statCpuTicks(stats.get(pid)!) / clockTicks;
    usage.rssBytes += statusBytes(status, 'VmRSS');
    usage.peakRssBytes += statusBytes(status, 'VmHWM');
    usage.processes++;
  }
  return usage;
}
