/** Entry point: `npm start`. Starts HTTP + signaling + the in-process media plane. */
import { createServer } from 'node:http';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { WebSocketServer } from 'ws';
import { HARD_MAX_MESSAGE_BYTES, SIGNALING_PATH } from '../protocol/messages.js';
import { MeetingDirectory } from '../rooms/meeting-directory.js';
import { MediaPlane } from '../sfu/media-plane.js';
import { loadConfig } from './config.js';
import { createRequestHandler } from './http.js';
import { randomId } from './ids.js';
import { createLogger } from './log.js';
import { createMetrics } from './metrics.js';
import { SignalingServer } from './signaling.js';

const config = loadConfig();
const log = createLogger(config.logLevel);
const directory = new MeetingDirectory(() => randomId(), config.maxParticipants);
const media = new MediaPlane(config.rtc);
const signaling = new SignalingServer({ directory, media, log });
const metrics = createMetrics({ meetings: () => media.routerCount, participants: () => signaling.connectionCount });

if (!existsSync(join(config.clientDir, 'index.html'))) {
  log.warn({ clientDir: config.clientDir }, 'client not built; run `npm run build`');
}

const server = createServer(createRequestHandler({ directory, clientDir: config.clientDir, metrics, log }));
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
    signaling.handle(ws);
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
  if (process.stdout.isTTY) {
    const shown = config.host === '0.0.0.0' || config.host === '::' ? 'localhost' : config.host;
    process.stdout.write(`\nConfab is running: http://${shown}:${port}/\n\n`);
  }
});

async function shutdown(signal: string): Promise<void> {
  log.info({ signal }, 'shutting down');
  clearInterval(heartbeat);
  for (const ws of wss.clients) ws.close(1001, 'server shutting down');
  server.close();
  await media.close();
  process.exit(0);
}
process.on('SIGINT', () => void shutdown('SIGINT'));
process.on('SIGTERM', () => void shutdown('SIGTERM'));
