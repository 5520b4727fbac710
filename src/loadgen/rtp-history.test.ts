import assert from 'node:assert/strict';
import { test } from 'node:test';
import { RtpHistory } from './rtp-history.js';

test('recent packets are kept as copies until their slot is reused', () => {
  const history = new RtpHistory(16);
  const payload = Buffer.from('frame slice');
  history.keep(payload, 65535, 1234, true);
  payload.fill(0); // the sender reuses its buffer
  assert.deepEqual(history.get(65535), { payload: Buffer.from('frame slice'), timestamp: 1234, marker: true });
  assert.equal(history.get(1), undefined);
  history.keep(Buffer.from('x'), (65535 + 128) & 0xffff, 9, false); // 127: another slot
  history.keep(Buffer.from('y'), 65535 - 128, 9, false); // the same slot as 65535
  assert.equal(history.get(65535), undefined);
  assert.equal(history.get(65535 - 128)?.payload.toString(), 'y');
});
