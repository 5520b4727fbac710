import assert from 'node:assert/strict';
import { test } from 'node:test';
import { createLogger } from './log.js';

test('the redaction net catches relayed payloads and names, also one level down', () => {
  const lines: string[] = [];
  const log = createLogger('info', { write: (line: string) => void lines.push(line) });
  log.info({ data: 'ciphertext-1' }, 'relay');
  log.info({ message: { type: 'relay', to: 'p1', data: 'ciphertext-2' } }, 'relay');
  log.info({ participant: { name: 'Ada' } }, 'joined');
  const text = lines.join('');
  assert.equal(lines.length, 3);
  for (const secret of ['ciphertext-1', 'ciphertext-2', 'Ada']) assert.ok(!text.includes(secret), `${secret} in ${text}`);
  assert.match(text, /\[redacted\]/);
});
