import assert from 'node:assert/strict';
import { test } from 'node:test';
import { descendants, processTreeUsage, statCpuTicks, statParentPid, statusBytes } from './proc-usage.js';

test('CPU ticks and parent come from /proc/<pid>/stat, whatever the command name holds', () => {
  const stat = '4242 (node (worker) x) S 4200 4242 4200 0 -1 4194560 100 0 0 0 150 25 0 0 20 0 11 0 9999';
  assert.equal(statCpuTicks(stat), 175);
  assert.equal(statParentPid(stat), 4200);
  assert.throws(() => statCpuTicks('1 (x) S'), /unreadable/);
});

test('sizes come from /proc/<pid>/status in bytes', () => {
  const status = 'Name:\tnode\nVmHWM:\t  204800 kB\nVmRSS:\t  102400 kB\n';
  assert.equal(statusBytes(status, 'VmRSS'), 100 * 1024 * 1024);
  assert.equal(statusBytes(status, 'VmHWM'), 200 * 1024 * 1024);
  assert.throws(() => statusBytes(status, 'VmSwap'), /no VmSwap/);
});

test('a process tree is the process and everything below it', () => {
  const parents = new Map([[10, 1], [11, 10], [12, 11], [13, 1], [14, 10]]);
  assert.deepEqual(descendants(10, parents).sort(), [10, 11, 12, 14]);
});

test('this process can be measured', () => {
  const usage = processTreeUsage(process.pid);
  assert.ok(usage.cpuSeconds > 0);
  assert.ok(usage.rssBytes > 10 * 1024 * 1024);
  assert.ok(usage.peakRssBytes >= usage.rssBytes);
  assert.ok(usage.processes >= 1);
  assert.throws(() => processTreeUsage(2 ** 22 + 1), /no process/);
});
