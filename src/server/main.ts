/** Entry point: `npm start`. Starts HTTP + signaling + the media plane (its worker processes). */
import { createServer } from 'node:http';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { WebSocketServer } from 'ws';
import { HARD_MAX_MESSAGE_BYTES, SIGNALING_PATH } from '../protocol/messages.js';
import { ClientKeys, Throttle } from '../security/throttle.js';
import { MediaPlane } from '../sfu/media-plane.js';
import { openDatabase } from '../store/database.js';
import { InviteStore } from '../store/invite-store.js';
import { MeetingStore } from '../store/meeting-store.js';
import { SettingsStore } from '../store/settings-store.js';
import { clientAddress } from './client-address.js';
import { loadConfig } from './config.js';
import { ensureHostKey, hostLink } from './host-key.js';
import { createRequestHandler } from './http.js';
import { randomId } from './ids.js';
import { createLogger } from './log.js';
import { MeetingDirectory } from './meeting-directory.js';
import { createMetrics } from './metrics.js';
import { SignalingServer } from './signaling.js';

const DAY_MS = 24 * 60 * 60 * 1000;
const config = loadConfig();
const log = createLogger(config.logLevel);
const db = openDatabase(config.dataDir);
const settings = new SettingsStore(db);
const directory = new MeetingDirectory(new MeetingStore(db), new InviteStore(db), {
  maxParticipants: config.maxParticipants,
  lastN: config.lastN,
  denyCooldownMs: 10 * 60_000,
  ttlMs: config.meetingTtlDays * DAY_MS,
  newId: () => randomId(),
});
const newHostKey = ensureHostKey(settings);
const clientKeys = new ClientKeys();
/** Guessing defences: a few free failures per client, then doubling waits up to 15 minutes. */
const guessThrottle = (): Throttle =>
  new Throttle({ freeFailures: 5, baseDelayMs: 2_000, maxDelayMs: 15 * 60_000, forgetAfterMs: 60 * 60_000 });
const joinThrottle = guessThrottle();
const media = new MediaPlane(config.rtc, { workers: config.mediaWorkers, log, mediaTapFile: config.mediaTapFile });
try {
  await media.start();
} catch (err) {
  log.fatal({ err }, 'media workers did not start');
  process.exit(1);
}
if (config.mediaTapFile) {
  // Says so loudly: outside an end-to-end-encrypted meeting the tap records people's media.
  log.warn('media tap is on (CONFAB_MEDIA_TAP_FILE): the first bytes of forwarded media are written to a file; for tests only');
}
const passwordThrottle = new Throttle({ freeFailures: 20, baseDelayMs: 2_000, maxDelayMs: 5 * 60_000, forgetAfterMs: 60 * 60_000 });
const signaling = new SignalingServer({ directory, media, log, joinThrottle, passwordThrottle, resumeGraceMs: config.resumeGraceSeconds * 1000 });
const metrics = createMetrics({
  meetings: () => media.routerCount,
  participants: () => signaling.connectionCount,
  mediaPeers: () => media.peerCount,
  media: () => media.stats(),
});
const purge = setInterval(() => {
  const removed = directory.purgeExpired();
  if (removed > 0) log.info({ removed }, 'expired meetings deleted');
}, 10 * 60_000); // also forgets empty meetings whose denials have run out
directory.purgeExpired();

if (!existsSync(join(config.clientDir, 'index.html'))) {
  log.warn({ clientDir: config.clientDir }, 'client not built; run `npm run build`');
}

const server = createServer(
  createRequestHandler({
    directory,
    settings,
    clientDir: config.clientDir,
    metrics,
    log,
    openCreation: config.openCreation,
    trustProxy: config.trustProxy,
    meetingTtlDays: config.meetingTtlDays,
    organization: config.organization,
    clientKeys,
    creationThrottle: guessThrottle(),
    // Meeting ids are 128-bit, so lookups of unknown ids are throttled more loosely than secrets.
    lookupThrottle: new Throttle({ freeFailures: 30, baseDelayMs: 1_000, maxDelayMs: 5 * 60_000, forgetAfterMs: 60 * 60_000 }),
  }),
);
const wss = new WebSocketServer({ noServer: true, maxPayload: HARD_MAX_MESSAGE_BYTES });

server.on('upgrade', (req, socket, head) => {
  const url = new URL(req.url ?? '/', 'http://localhost');
  // Browsers always send Origin: refuse pages of other sites (cross-site WebSocket hijacking).
  const origin = req.headers.origin;
  const sameOrigin = origin === undefined || safeHost(origin) === req.headers.host;
  if (url.pathname !== SIGNALING_PATH || !sameOrigin) {
    socket.end('HTTP/1.1 403 Forbidden\r\nConnection: close\r\n\r\n');
    return;
  }
  wss.handleUpgrade(req, socket, head, (ws) => {
    alive.add(ws);
    ws.on('pong', () => alive.add(ws));
    signaling.handle(ws, clientKeys.of(clientAddress(req, config.trustProxy)));
  });
});

// Detect dead clients: a connection that misses a pong is terminated (and so leaves the meeting).
const alive = new WeakSet<object>();
const heartbeat = setInterval(() => {
  for (const ws of wss.clients) {
    if (!alive.has(ws)) {
      ws.terminate();
      continue;
    }
    alive.delete(ws);
    ws.ping();
  }
}, config.heartbeatSeconds * 1000);

function safeHost(origin: string): string | undefined {
  try {
    return new URL(origin).host;
  } catch {
    return undefined;
  }
}

server.listen(config.port, config.host, () => {
  const address = server.address();
  const port = typeof address === 'object' && address ? address.port : config.port;
  log.info({ port }, 'listening');
  const shown = config.host === '0.0.0.0' || config.host === '::' ? 'localhost' : config.host;
  const base = config.publicUrl ?? `http://${shown}:${port}`;
  if (process.stdout.isTTY) process.stdout.write(`\nConfab is running: ${base}/\n`);
  if (newHostKey) {
    // Printed once, on the terminal only (never through the logger): whoever has it may create meetings.
    process.stdout.write(
      `\nHost link (shown only this once; keep it private, it lets you create meetings):\n  ${hostLink(base, newHostKey)}\n` +
        `Lost it? \`npm run host-link\` makes a new one (the old one stops working).\n\n`,
    );
  }
});

async function shutdown(signal: string): Promise<void> {
  log.info({ signal }, 'shutting down');
  clearInterval(heartbeat);
  clearInterval(purge);
  for (const ws of wss.clients) ws.close(1001, 'server shutting down');
  server.close();
  await media.close();
  db.close();
  process.exit(0);
}
process.on('SIGINT', () => void shutdown('SIGINT'));
process.on('SIGTERM', () => void shutdown('SIGTERM'));
