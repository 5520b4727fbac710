/** `npm run load -- [options]`: what a load run does, with bounds so it can't run away. */
import { parseArgs } from 'node:util';

export interface LoadOptions {
  participants: number;
  /** Seconds of the measurement window. */
  durationSeconds: number;
  /** Seconds between the last join and the window, for the last renegotiations to finish. */
  settleSeconds: number;
  joinIntervalMs: number;
  /** Participants with an open microphone (the first ones); the others join muted. */
  speakers: number;
  /** Remote cameras each participant shows, and the size of each tile. */
  tiles: number;
  tileWidth: number;
  tileHeight: number;
  /** Worker threads for the participants; 0 runs them in the calling thread. */
  workers: number;
  /** A running server to use (loopback only); otherwise the run starts its own. */
  url?: string | undefined;
  /** The host key for `url` (from its host link); the run's own server makes its own. */
  hostKey?: string | undefined;
  /** The server process to measure when using `url`. */
  serverPid?: number | undefined;
}

export const MAX_PARTICIPANTS = 200;
export const MAX_DURATION_SECONDS = 600;

export const DEFAULTS: LoadOptions = {
  participants: 50,
  durationSeconds: 30,
  settleSeconds: 2,
  joinIntervalMs: 100,
  speakers: 3,
  tiles: 9,
  tileWidth: 320,
  tileHeight: 180,
  workers: 2,
};

export const USAGE = `npm run load -- [options]
  --participants N      synthetic participants (default ${DEFAULTS.participants}, at most ${MAX_PARTICIPANTS})
  --duration S          measurement window in seconds (default ${DEFAULTS.durationSeconds}, at most ${MAX_DURATION_SECONDS})
  --settle S            seconds from the last join to the window (default ${DEFAULTS.settleSeconds})
  --join-interval-ms M  time between joins (default ${DEFAULTS.joinIntervalMs})
  --speakers K          participants sending audio; the others are muted (default ${DEFAULTS.speakers})
  --tiles T             remote cameras each participant shows (default ${DEFAULTS.tiles})
  --tile-size WxH       size of each tile (default ${DEFAULTS.tileWidth}x${DEFAULTS.tileHeight})
  --workers W           worker threads for the participants, 0 for none (default ${DEFAULTS.workers})
  --url URL             use this running server (loopback only) instead of starting one;
                        its host key comes from the environment variable CONFAB_HOST_KEY
  --server-pid PID      with --url: the server process to measure
  --json                print the report as JSON`;

function check(n: number, name: string, min: number, max: number): number {
  if (!Number.isInteger(n) || n < min || n > max) throw new Error(`--${name} must be a whole number from ${min} to ${max}`);
  return n;
}

/** Fills in defaults and checks bounds, for callers of runLoad as much as for the command line. */
export function resolveOptions(given: Partial<LoadOptions>): LoadOptions {
  const set = Object.fromEntries(Object.entries(given).filter(([, v]) => v !== undefined)) as Partial<LoadOptions>;
  const participants = check(set.participants ?? DEFAULTS.participants, 'participants', 1, MAX_PARTICIPANTS);
  const o: LoadOptions = { ...DEFAULTS, speakers: Math.min(DEFAULTS.speakers, participants), ...set, participants };
  check(o.durationSeconds, 'duration', 1, MAX_DURATION_SECONDS);
  check(o.settleSeconds, 'settle', 0, 60);
  check(o.joinIntervalMs, 'join-interval-ms', 0, 60_000);
  check(o.speakers, 'speakers', 0, participants);
  check(o.tiles, 'tiles', 0, 256);
  check(o.tileWidth, 'tile-size', 1, 16384);
  check(o.tileHeight, 'tile-size', 1, 16384);
  check(o.workers, 'workers', 0, 16);
  if (o.serverPid !== undefined) check(o.serverPid, 'server-pid', 1, 2 ** 22);
  if (o.url !== undefined) {
    const host = new URL(o.url).hostname;
    // The synthetic participants use loopback ICE only, and a load run must not leave the machine.
    if (!['127.0.0.1', 'localhost', '[::1]'].includes(host)) throw new Error('--url must be a loopback address');
    if (!o.hostKey) throw new Error("--url needs the server's host key in CONFAB_HOST_KEY");
  }
  return o;
}

/** Parses the command line; `env` supplies the host key so it never shows in a process list. */
export function parseLoadArgs(argv: readonly string[], env: NodeJS.ProcessEnv): { options: LoadOptions; json: boolean } {
  const { values } = parseArgs({
    args: [...argv],
    options: {
      participants: { type: 'string' },
      duration: { type: 'string' },
      settle: { type: 'string' },
      'join-interval-ms': { type: 'string' },
      speakers: { type: 'string' },
      tiles: { type: 'string' },
      'tile-size': { type: 'string' },
      workers: { type: 'string' },
      url: { type: 'string' },
      'server-pid': { type: 'string' },
      json: { type: 'boolean', default: false },
    },
    strict: true,
  });
  const num = (v: string | undefined) => (v === undefined ? undefined : Number(v));
  let tileWidth: number | undefined;
  let tileHeight: number | undefined;
  if (values['tile-size'] !== undefined) {
    const m = /^(\d+)x(\d+)$/.exec(values['tile-size']);
    if (!m) throw new Error('--tile-size must look like 320x180');
    tileWidth = Number(m[1]);
    tileHeight = Number(m[2]);
  }
  const options = resolveOptions({
    participants: num(values.participants),
    durationSeconds: num(values.duration),
    settleSeconds: num(values.settle),
    joinIntervalMs: num(values['join-interval-ms']),
    speakers: num(values.speakers),
    tiles: num(values.tiles),
    tileWidth,
    tileHeight,
    workers: num(values.workers),
    url: values.url,
    hostKey: values.url === undefined ? undefined : env.CONFAB_HOST_KEY,
    serverPid: num(values['server-pid']),
  });
  return { options, json: values.json };
}
