/** Janus comes from Debian's `janus` package: installed here when missing and we are root. */
import { execFileSync } from 'node:child_process';
import { existsSync } from 'node:fs';

export const JANUS_BIN = '/usr/bin/janus';

export function ensureJanusInstalled(): void {
  if (existsSync(JANUS_BIN)) return;
  if (process.getuid?.() !== 0) {
    throw new Error('Janus is not installed. Install it with `sudo apt-get install -y janus`, then run the bench again.');
  }
  console.log('Installing Janus (apt-get install -y janus)…');
  const apt = (...args: string[]) =>
    execFileSync('apt-get', args, { stdio: ['ignore', 'ignore', 'inherit'], env: { ...process.env, DEBIAN_FRONTEND: 'noninteractive' } });
  try {
    apt('install', '-y', '-qq', 'janus');
  } catch {
    apt('update', '-qq'); // stale package lists are the usual reason
    apt('install', '-y', '-qq', 'janus');
  }
}
