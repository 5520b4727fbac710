import assert from 'node:assert/strict';
import { once } from 'node:events';
import type { AddressInfo } from 'node:net';
import { test } from 'node:test';
import { WebSocketServer } from 'ws';
import { MAX_SDP_MESSAGE_BYTES, type ServerMessage } from '../protocol/messages.js';
import { Signaling } from './signaling.js';

test('server messages are validated: valid ones pass, known but invalid ones are reported, unknown types ignored', async (t) => {
  const wss = new WebSocketServer({ host: '127.0.0.1', port: 0 });
  t.after(() => wss.close());
  await once(wss, 'listening');
  const url = `http://127.0.0.1:${(wss.address() as AddressInfo).port}`;
  const got: ServerMessage[] = [];
  const invalid: string[] = [];
  let closed!: (code: number) => void;
  const done = new Promise<number>((resolve) => (closed = resolve));
  wss.on('connection', (ws) => {
    ws.on('message', (data) => {
      assert.deepEqual(JSON.parse(String(data)), { type: 'leave' });
      ws.send(JSON.stringify({ type: 'participant-left', participantId: 'p1' }));
      ws.send(JSON.stringify({ type: 'offer', sdp: 'x'.repeat(MAX_SDP_MESSAGE_BYTES + 1), publish: { audio: '0', video: '1', screen: '2' }, tracks: [] }));
      ws.send(JSON.stringify({ type: 'from-the-future' }));
      ws.send('not json');
      ws.close(1000);
    });
  });
  const signaling = await Signaling.connect(url, { message: (m) => got.push(m), invalid: (type) => invalid.push(type), closed });
  signaling.send({ type: 'leave' });
  assert.equal(await done, 1000);
  assert.deepEqual(got, [{ type: 'participant-left', participantId: 'p1' }]);
  assert.deepEqual(invalid, ['offer', 'json']);
});
