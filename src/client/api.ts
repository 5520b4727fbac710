/**
 * The REST calls the pages make. Every answer is validated with the shared schemas; every failure
 * becomes a result the page can put into words (see api.test.ts).
 */
import { CreateMeetingResponse, InstanceInfo, MeetingPublicInfo } from '../protocol/messages.js';

type Fetch = typeof fetch;

/** Why a call did not work. `status` is the HTTP status, when there was one. */
export type ApiFailure =
  | { kind: 'network' }
  | { kind: 'response'; status: number }
  | { kind: 'unauthorized' }
  | { kind: 'forbidden'; status: number }
  | { kind: 'rate-limited'; retryAfterSeconds: number | null }
  | { kind: 'not-found' }
  | { kind: 'status'; status: number };

export type ApiResult<T> = ({ ok: true } & T) | ({ ok: false } & ApiFailure);

/** `GET /api/instance`. */
export async function fetchInstance(fetchImpl: Fetch = fetch): Promise<ApiResult<{ info: InstanceInfo }>> {
  const res = await request(fetchImpl, '/api/instance', { method: 'GET' });
  if (!('status' in res)) return res;
  if (!res.ok) return failure(res);
  const info = await parse(res, InstanceInfo);
  return info ? { ok: true, info } : { ok: false, kind: 'response', status: res.status };
}

/** `POST /api/meetings`, with the host key when we have one. */
export async function createMeeting(
  title: string,
  hostKey: string | null,
  fetchImpl: Fetch = fetch,
  options: { lobby?: boolean; password?: string } = {},
): Promise<ApiResult<{ meetingId: string; hostSecret: string }>> {
  const headers: Record<string, string> = { 'Content-Type': 'application/json' };
  if (hostKey) headers.Authorization = `Bearer ${hostKey}`;
  const res = await request(fetchImpl, '/api/meetings', { method: 'POST', headers, body: JSON.stringify({
      title,
      ...(options.lobby !== undefined ? { lobby: options.lobby } : {}),
      ...(options.password ? { password: options.password } : {}),
    }) });
  if (!('status' in res)) return res;
  if (res.status !== 201) return failure(res);
  const created = await parse(res, CreateMeetingResponse);
  return created ? { ok: true, ...created } : { ok: false, kind: 'response', status: res.status };
}

/** `GET /api/meetings/<id>`: 404 for unknown, ended and never-existing meetings alike. */
export async function fetchMeetingInfo(meetingId: string, fetchImpl: Fetch = fetch): Promise<ApiResult<{ info: MeetingPublicInfo }>> {
  const res = await request(fetchImpl, `/api/meetings/${encodeURIComponent(meetingId)}`, { method: 'GET' });
  if (!('status' in res)) return res;
  if (!res.ok) return failure(res);
  const info = await parse(res, MeetingPublicInfo);
  return info ? { ok: true, info } : { ok: false, kind: 'response', status: res.status };
}

/**
 * `Retry-After`: delta-seconds or an HTTP date. Returns whole seconds (at least 1), or null when
 * absent or unreadable.
 */
export function parseRetryAfter(header: string | null, now: number = Date.now()): number | null {
  if (header === null) return null;
  const value = header.trim();
  if (/^\d+$/.test(value)) return Math.max(1, Number(value));
  // An HTTP date names a weekday and a month; Date.parse alone would also accept "-3".
  const date = /^[A-Za-z]{3}, /.test(value) ? Date.parse(value) : NaN;
  if (Number.isNaN(date)) return null;
  return Math.max(1, Math.ceil((date - now) / 1000));
}

async function request(fetchImpl: Fetch, url: string, init: RequestInit): Promise<Response | { ok: false; kind: 'network' }> {
  try {
    return await fetchImpl(url, { ...init, credentials: 'same-origin', cache: 'no-store' });
  } catch {
    return { ok: false, kind: 'network' };
  }
}

function failure(res: Response): { ok: false } & ApiFailure {
  void res.body?.cancel().catch(() => undefined);
  switch (res.status) {
    case 401:
      return { ok: false, kind: 'unauthorized' };
    case 403:
      return { ok: false, kind: 'forbidden', status: res.status };
    case 404:
      return { ok: false, kind: 'not-found' };
    case 429:
      return { ok: false, kind: 'rate-limited', retryAfterSeconds: parseRetryAfter(res.headers.get('Retry-After')) };
    default:
      return { ok: false, kind: 'status', status: res.status };
  }
}

async function parse<T>(res: Response, schema: { safeParse(v: unknown): { success: true; data: T } | { success: false } }): Promise<T | null> {
  try {
    const parsed = schema.safeParse(await res.json());
    return parsed.success ? parsed.data : null;
  } catch {
    return null; // not JSON
  }
}
