/**
 * Prepares the meeting of a load run: created through the REST API with the host key, then a short
 * host connection turns the lobby off and lets in participants that don't end-to-end encrypt (the
 * synthetic ones send clear media). That connection joins as a browser that encrypts, since an
 * unencrypted join is refused until the meeting allows it; it sends no media and leaves at once.
 */
import { CreateMeetingResponse, type ServerMessage } from '../protocol/messages.js';
import { Signaling } from './signaling.js';

const SETUP_TIMEOUT_MS = 10_000;

export async function createMeeting(baseUrl: string, hostKey: string): Promise<CreateMeetingResponse> {
  const res = await fetch(new URL('/api/meetings', baseUrl), {
    method: 'POST',
    headers: { Authorization: `Bearer ${hostKey}`, 'Content-Type': 'application/json' },
    body: JSON.stringify({ title: 'Load test', lobby: false }),
  });
  if (res.status !== 201) throw new Error(`creating the meeting failed: HTTP ${res.status}`);
  return CreateMeetingResponse.parse(await res.json());
}

export async function openMeetingForLoad(baseUrl: string, meeting: CreateMeetingResponse): Promise<void> {
  let settle: { resolve: () => void; reject: (e: Error) => void } | undefined;
  const done = new Promise<void>((resolve, reject) => (settle = { resolve, reject }));
  const timer = setTimeout(() => settle?.reject(new Error('meeting setup timed out')), SETUP_TIMEOUT_MS);
  const signaling = await Signaling.connect(baseUrl, {
    message: (m: ServerMessage) => {
      if (m.type === 'welcome') {
        signaling.send({ type: 'set-lobby', enabled: false });
        signaling.send({ type: 'set-allow-unencrypted', allowed: true });
      } else if (m.type === 'meeting-state' && m.state.allowUnencrypted && !m.state.lobbyEnabled) {
        settle?.resolve();
      } else if (m.type === 'error' && !m.recoverable) {
        settle?.reject(new Error(`meeting setup refused: ${m.code}`));
      }
    },
    invalid: () => {},
    closed: () => settle?.reject(new Error('meeting setup connection closed')),
  });
  signaling.send({ type: 'join', meetingId: meeting.meetingId, name: 'Load setup', audioMuted: true, videoMuted: true, e2ee: true, hostSecret: meeting.hostSecret });
  try {
    await done;
  } finally {
    clearTimeout(timer);
    signaling.send({ type: 'leave' });
    signaling.close();
  }
}
