/**
 * HTTP: the built client, a small REST API, health and metrics. Every response carries the security
 * headers; no URL (which holds meeting ids) and no client address is ever logged.
 */
import { createReadStream, existsSync, statSync } from 'node:fs';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { extname, join, resolve, sep } from 'node:path';
import { CreateMeetingResponse, MEETING_ID_PATTERN } from '../protocol/messages.js';
import type { MeetingDirectory } from '../rooms/meeting-directory.js';
import type { Logger } from './log.js';
import type { Metrics } from './metrics.js';
import { SECURITY_HEADERS } from './security-headers.js';

const CONTENT_TYPES: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.ico': 'image/x-icon',
  '.woff2': 'font/woff2',
  '.json': 'application/json',
  '.wav': 'audio/wav',
};

export interface HttpDeps {
  directory: MeetingDirectory;
  clientDir: string;
  metrics: Metrics;
  log: Logger;
}

const MEETING_PAGE = new RegExp(`^/m/${MEETING_ID_PATTERN.source.slice(1, -1)}$`);
const STATIC_FILE = /^\/(?:[A-Za-z0-9_-][A-Za-z0-9._-]*\/)*[A-Za-z0-9_-][A-Za-z0-9._-]*$/;

export function createRequestHandler(deps: HttpDeps): (req: IncomingMessage, res: ServerResponse) => void {
  const root = resolve(deps.clientDir);
  const indexHtml = join(root, 'index.html');

  return (req, res) => {
    for (const [k, v] of Object.entries(SECURITY_HEADERS)) res.setHeader(k, v);
    const url = new URL(req.url ?? '/', 'http://localhost');
    const path = url.pathname;
    const route = routeOf(req.method ?? 'GET', path);
    const end = deps.metrics.httpRequests.startTimer({ route });
    res.on('finish', () => end({ status: String(res.statusCode) }));

    switch (route) {
      case 'healthz':
        return json(res, 200, { status: 'ok' });
      case 'create-meeting': {
        const meeting = deps.directory.create();
        deps.log.info({ meetings: deps.directory.count }, 'meeting created');
        return json(res, 201, CreateMeetingResponse.parse({ meetingId: meeting.id }));
      }
      case 'metrics':
        // Operational counters only; served to the machine itself, not the world.
        if (!isLoopbackRequest(req)) return json(res, 404, { error: 'not found' });
        void deps.metrics.registry.metrics().then((body) => {
          res.writeHead(200, { 'Content-Type': deps.metrics.registry.contentType, 'Cache-Control': 'no-store' });
          res.end(body);
        });
        return;
      case 'page':
        return sendFile(res, indexHtml, 'no-store');
      case 'static': {
        const file = resolve(root, `.${path}`);
        if (!file.startsWith(root + sep) || !existsSync(file) || !statSync(file).isFile()) {
          return json(res, 404, { error: 'not found' });
        }
        const immutable = path.startsWith('/assets/');
        return sendFile(res, file, immutable ? 'public, max-age=31536000, immutable' : 'no-cache');
      }
      case 'method-not-allowed':
        return json(res, 405, { error: 'method not allowed' });
      default:
        return json(res, 404, { error: 'not found' });
    }
  };
}

type Route = 'healthz' | 'create-meeting' | 'metrics' | 'page' | 'static' | 'method-not-allowed' | 'not-found';

function routeOf(method: string, path: string): Route {
  const read = method === 'GET' || method === 'HEAD';
  if (path === '/healthz') return read ? 'healthz' : 'method-not-allowed';
  if (path === '/api/meetings') return method === 'POST' ? 'create-meeting' : 'method-not-allowed';
  if (path === '/metrics') return read ? 'metrics' : 'method-not-allowed';
  if (path === '/' || MEETING_PAGE.test(path)) return read ? 'page' : 'method-not-allowed';
  if (STATIC_FILE.test(path)) return read ? 'static' : 'method-not-allowed';
  return 'not-found';
}

function isLoopbackRequest(req: IncomingMessage): boolean {
  const a = req.socket.remoteAddress ?? '';
  return a === '::1' || a.startsWith('127.') || a.startsWith('::ffff:127.');
}

function json(res: ServerResponse, status: number, body: unknown): void {
  res.writeHead(status, { 'Content-Type': 'application/json; charset=utf-8', 'Cache-Control': 'no-store' });
  res.end(JSON.stringify(body));
}

function sendFile(res: ServerResponse, file: string, cacheControl: string): void {
  if (!existsSync(file)) {
    res.writeHead(503, { 'Content-Type': 'text/plain; charset=utf-8', 'Cache-Control': 'no-store' });
    res.end('The client is not built. Run: npm run build');
    return;
  }
  res.writeHead(200, {
    'Content-Type': CONTENT_TYPES[extname(file)] ?? 'application/octet-stream',
    'Cache-Control': cacheControl,
  });
  createReadStream(file).pipe(res);
}
