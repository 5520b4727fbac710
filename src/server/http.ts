/**
 * HTTP: the built client, a small REST API, health and metrics. Every response carries the security
 * headers; no URL (which holds meeting ids) and no client address is ever logged.
 */
import { createReadStream, existsSync, statSync } from 'node:fs';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { extname, join, resolve, sep } from 'node:path';
import {
  CreateMeetingRequest,
  CreateMeetingResponse,
  MEETING_ID_PATTERN,
  type InstanceInfo,
  type MeetingPublicInfo,
} from '../protocol/messages.js';
import type { ClientKeys, Throttle, ThrottleDecision } from '../security/throttle.js';
import type { SettingsStore } from '../store/settings-store.js';
import { clientAddress } from './client-address.js';
import { hostKeyMatches } from './host-key.js';
import type { Logger } from './log.js';
import type { MeetingDirectory } from './meeting-directory.js';
import { privacyPage } from './privacy-page.js';
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
  settings: SettingsStore;
  clientDir: string;
  metrics: Metrics;
  log: Logger;
  openCreation: boolean;
  trustProxy: boolean;
  meetingTtlDays: number;
  organization: string | undefined;
  clientKeys: ClientKeys;
  /** Failed host-key attempts and, with open creation, creations, per client. */
  creationThrottle: Throttle;
  /** Lookups of unknown meeting ids, per client. */
  lookupThrottle: Throttle;
}

const HSTS = 'max-age=63072000; includeSubDomains';

/** Request bodies are tiny JSON objects. */
const MAX_BODY_BYTES = 4096;

const MEETING_ID = MEETING_ID_PATTERN.source.slice(1, -1);
const MEETING_PAGE = new RegExp(`^/m/${MEETING_ID}$`);
const MEETING_API = new RegExp(`^/api/meetings/(${MEETING_ID})$`);
const STATIC_FILE = /^\/(?:[A-Za-z0-9_-][A-Za-z0-9._-]*\/)*[A-Za-z0-9_-][A-Za-z0-9._-]*$/;

export function createRequestHandler(deps: HttpDeps): (req: IncomingMessage, res: ServerResponse) => void {
  const root = resolve(deps.clientDir);
  const indexHtml = join(root, 'index.html');

  return (req, res) => {
    for (const [k, v] of Object.entries(SECURITY_HEADERS)) res.setHeader(k, v);
    // TLS ends at the reverse proxy; when it says the request came over HTTPS, pin HTTPS.
    if (deps.trustProxy && req.headers['x-forwarded-proto'] === 'https') res.setHeader('Strict-Transport-Security', HSTS);
    const url = new URL(req.url ?? '/', 'http://localhost');
    const path = url.pathname;
    const route = routeOf(req.method ?? 'GET', path);
    const end = deps.metrics.httpRequests.startTimer({ route });
    res.on('finish', () => end({ status: String(res.statusCode) }));

    switch (route) {
      case 'healthz':
        return json(res, 200, { status: 'ok' });
      case 'instance':
        return json(res, 200, { openCreation: deps.openCreation, organization: deps.organization ?? null } satisfies InstanceInfo);
      case 'create-meeting':
        return void createMeeting(req, res, deps).catch((err: unknown) => {
          deps.log.error({ err }, 'create meeting failed');
          if (!res.headersSent) json(res, 500, { error: 'internal' });
        });
      case 'describe-meeting': {
        const key = deps.clientKeys.of(clientAddress(req, deps.trustProxy));
        const decision = deps.lookupThrottle.check(key);
        if (!decision.allowed) return tooMany(res, decision);
        const info = deps.directory.describe(MEETING_API.exec(path)![1]!);
        if (!info) {
          deps.lookupThrottle.fail(key);
          return json(res, 404, { error: 'not-found' });
        }
        return json(res, 200, info satisfies MeetingPublicInfo);
      }
      case 'metrics':
        // Operational counters only; served to the machine itself, not the world.
        if (!fromThisMachine(req) || req.headers['x-forwarded-for'] !== undefined) return json(res, 404, { error: 'not found' });
        void deps.metrics.registry.metrics().then((body) => {
          res.writeHead(200, { 'Content-Type': deps.metrics.registry.contentType, 'Cache-Control': 'no-store' });
          res.end(body);
        });
        return;
      case 'page':
        return sendFile(res, indexHtml, 'no-store');
      case 'privacy':
        res.writeHead(200, { 'Content-Type': 'text/html; charset=utf-8', 'Cache-Control': 'no-cache' });
        return void res.end(privacyPage({ meetingTtlDays: deps.meetingTtlDays }));
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

type Route =
  | 'healthz'
  | 'instance'
  | 'create-meeting'
  | 'describe-meeting'
  | 'metrics'
  | 'page'
  | 'privacy'
  | 'static'
  | 'method-not-allowed'
  | 'not-found';

function routeOf(method: string, path: string): Route {
  const read = method === 'GET' || method === 'HEAD';
  if (path === '/healthz') return read ? 'healthz' : 'method-not-allowed';
  if (path === '/api/instance') return read ? 'instance' : 'method-not-allowed';
  if (path === '/api/meetings') return method === 'POST' ? 'create-meeting' : 'method-not-allowed';
  if (MEETING_API.test(path)) return read ? 'describe-meeting' : 'method-not-allowed';
  if (path === '/metrics') return read ? 'metrics' : 'method-not-allowed';
  if (path === '/' || MEETING_PAGE.test(path)) return read ? 'page' : 'method-not-allowed';
  if (path === '/privacy') return read ? 'privacy' : 'method-not-allowed';
  if (STATIC_FILE.test(path)) return read ? 'static' : 'method-not-allowed';
  return 'not-found';
}

/**
 * POST /api/meetings. Without open creation the caller must present the instance host key as a
 * bearer token; wrong keys are throttled per client. With open creation, creations are throttled.
 */
async function createMeeting(req: IncomingMessage, res: ServerResponse, deps: HttpDeps): Promise<void> {
  const key = deps.clientKeys.of(clientAddress(req, deps.trustProxy));
  const decision = deps.creationThrottle.check(key);
  if (!decision.allowed) return tooMany(res, decision);
  if (!deps.openCreation) {
    const auth = req.headers.authorization ?? '';
    const token = auth.startsWith('Bearer ') ? auth.slice(7).trim() : '';
    if (!token || !hostKeyMatches(deps.settings, token)) {
      deps.creationThrottle.fail(key);
      return json(res, 401, { error: 'host-key-required' });
    }
  }
  const body = await readJson(req);
  const parsed = CreateMeetingRequest.safeParse(body);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    return json(res, 400, { error: 'invalid-request', message: `${issue?.path.join('.') || 'body'}: ${issue?.message ?? 'invalid'}` });
  }
  if (deps.openCreation) deps.creationThrottle.fail(key); // every open creation counts against the budget
  const created = await deps.directory.create(parsed.data);
  deps.log.info('meeting created');
  json(res, 201, CreateMeetingResponse.parse(created));
}

async function readJson(req: IncomingMessage): Promise<unknown> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of req as AsyncIterable<Buffer>) {
    size += chunk.length;
    if (size > MAX_BODY_BYTES) return undefined;
    chunks.push(chunk);
  }
  try {
    return JSON.parse(Buffer.concat(chunks).toString('utf8')) as unknown;
  } catch {
    return undefined;
  }
}

function tooMany(res: ServerResponse, decision: ThrottleDecision): void {
  const retry = decision.allowed ? 1 : decision.retryAfterSeconds;
  res.setHeader('Retry-After', String(retry));
  json(res, 429, { error: 'rate-limited', retryAfterSeconds: retry });
}

/** Loopback, or a connection whose two ends are the same address (when the server listens on only one). */
function fromThisMachine(req: IncomingMessage): boolean {
  const a = req.socket.remoteAddress ?? '';
  return a === '::1' || a.startsWith('127.') || a.startsWith('::ffff:127.') || a === req.socket.localAddress;
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
