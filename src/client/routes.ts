/** The two pages the server serves index.html for: `/` and `/m/<meetingId>`. */
import { MEETING_ID_PATTERN } from '../protocol/messages.js';

export type Route = { page: 'home' } | { page: 'meeting'; meetingId: string } | { page: 'invalid-meeting' };

export function parseRoute(pathname: string): Route {
  const m = /^\/m\/([^/]*)\/?$/.exec(pathname);
  if (!m) return { page: 'home' };
  let id = '';
  try {
    id = decodeURIComponent(m[1] ?? '');
  } catch {
    return { page: 'invalid-meeting' };
  }
  return MEETING_ID_PATTERN.test(id) ? { page: 'meeting', meetingId: id } : { page: 'invalid-meeting' };
}

export function meetingPath(meetingId: string): string {
  return `/m/${meetingId}`;
}
