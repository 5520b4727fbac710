import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { ParticipantInfo } from '../../protocol/messages.js';
import { handQueue } from './hand-queue.js';

const person = (id: string, handRaisedAt?: number): ParticipantInfo => ({ id, name: id, role: 'guest', audioMuted: false, videoMuted: false, verified: false, e2ee: true, handRaisedAt, screenSharing: false });

test('the queue orders everyone\'s hands by the server\'s stamp, ours included', () => {
  const participants = new Map([person('a', 30), person('b'), person('c', 10)].map((p) => [p.id, p]));
  assert.deepEqual(handQueue({ participantId: 'me', handRaisedAt: 20, participants }), ['c', 'me', 'a']);
  assert.deepEqual(handQueue({ participantId: 'me', handRaisedAt: null, participants }), ['c', 'a']);
  assert.deepEqual(handQueue({ participantId: null, handRaisedAt: 5, participants: new Map() }), []); // not in the meeting
});
