/** Janus comes from Debian's `janus` package: installed here when missing and we are root. */
import { execFileSync } from 'node:child_process';
import { existsSync } from 'node:fs';

export const JANUS_BIN = '/usr/bin/janus';

/** Null once Janus is there (installing it if need be), else why not and how to install it. */
export function ensureJanusInstalled(): string | null {
  if (existsSync(JANUS_BIN)) return null;
  if (process.getuid?.() !== 0) return 'Janus is not installed: install it with `sudo apt-get install -y janus`, then run the bench again.';
  console.log('Installing Janus (apt-get install -y janus)…');
  const apt = (...args: string[]) =>
    execFileSync('apt-get', args, { stdio: ['ignore', 'ignore', 'inherit'], env: { ...process.env, DEBIAN_FRONTEND: 'noninteractive' } });
  try {
    try {
      apt('install', '-y', '-qq', 'janus');
    } catch {
      apt('update', '-qq'); // stale package lists are the usual reason
      apt('install', '-y', '-qq', 'janus');
    }
  } catch (err) {
    return `Installing Janus failed (${err instanceof Error ? err.message : String(err)}); install it with \`apt-get install -y janus\`.`;
  }
  return null;
}
