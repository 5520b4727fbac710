/**
 * Server CPU time from /proc, summed over the process and its descendants (so media worker
 * processes count too), and CPU pinning with taskset so that server and load generator each get
 * one core of a two-core machine.
 */
import { execFileSync } from 'node:child_process';
import { readdirSync, readFileSync } from 'node:fs';
import { statCpuTicks } from '../../src/loadgen/proc-usage.js';

const CLK_TCK = Number(execFileSync('getconf', ['CLK_TCK']).toString().trim());

/** Field 4 of /proc/<pid>/stat, after the "(comm)" field that may hold spaces. */
function parentOf(stat: string): number {
  return Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1]);
}

/** Every process's /proc/<pid>/stat line, and who its children are. */
function processTable(): { stats: Map<number, string>; children: Map<number, number[]> } {
  const stats = new Map<number, string>();
  for (const name of readdirSync('/proc')) {
    if (!/^\d+$/.test(name)) continue;
    try {
      stats.set(Number(name), readFileSync(`/proc/${name}/stat`, 'utf8'));
    } catch {
      /* exited meanwhile */
    }
  }
  const children = new Map<number, number[]>();
  for (const [pid, stat] of stats) {
    const parent = parentOf(stat);
    children.set(parent, [...(children.get(parent) ?? []), pid]);
  }
  return { stats, children };
}

/** `root` and its live descendants, each with its stat line. */
function tree(root: number): Map<number, string> {
  const { stats, children } = processTable();
  if (!stats.has(root)) throw new Error(`process ${root} is gone`);
  const found = new Map<number, string>();
  const todo = [root];
  for (let pid = todo.pop(); pid !== undefined; pid = todo.pop()) {
    const stat = stats.get(pid);
    if (stat === undefined) continue;
    found.set(pid, stat);
    todo.push(...(children.get(pid) ?? []));
  }
  return found;
}

/** utime + stime of `root` and all its live descendants, in seconds. */
export function treeCpuSeconds(root: number): number {
  let ticks = 0;
  for (const stat of tree(root).values()) ticks += statCpuTicks(stat);
  return ticks / CLK_TCK;
}

/** CPU time the whole machine has been busy (all cores; /proc/stat without idle and iowait), in seconds. */
export function machineBusySeconds(): number {
  const [user, nice, system, , , irq, softirq, steal] = readFileSync('/proc/stat', 'utf8').split('\n')[0]!.trim().split(/\s+/).slice(1).map(Number);
  return (user! + nice! + system! + irq! + softirq! + steal!) / CLK_TCK;
}

/** The CPUs a process may run on, as taskset's list ("0,1"). */
export function affinity(pid: number): string {
  const out = execFileSync('taskset', ['-p', '-c', String(pid)]).toString();
  return out.slice(out.lastIndexOf(':') + 1).trim();
}

/** Pins every thread of `pid` to `cpus`; threads and processes it starts later inherit it. */
export function pin(pid: number, cpus: string): void {
  execFileSync('taskset', ['-a', '-p', '-c', cpus, String(pid)], { stdio: 'ignore' });
}

/** Pins `root` and the processes it has started already (e.g. media workers). */
export function pinTree(root: number, cpus: string): void {
  for (const pid of tree(root).keys()) pin(pid, cpus);
}
