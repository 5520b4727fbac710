import assert from 'node:assert/strict';
import type { IncomingMessage } from 'node:http';
import { test } from 'node:test';
import { clientAddress } from './client-address.js';

const req = (remote: string, forwarded?: string | string[]) =>
  ({ socket: { remoteAddress: remote }, headers: forwarded === undefined ? {} : { 'x-forwarded-for': forwarded } }) as unknown as IncomingMessage;

test('without a trusted proxy the socket address counts and the header is ignored', () => {
  assert.equal(clientAddress(req('198.51.100.7', '203.0.113.1'), false), '198.51.100.7');
});

test('behind a trusted proxy the address the proxy appended counts, not what the client wrote', () => {
  assert.equal(clientAddress(req('127.0.0.1', '1.2.3.4, 203.0.113.9'), true), '203.0.113.9');
  assert.equal(clientAddress(req('127.0.0.1', ['1.2.3.4', '203.0.113.9']), true), '203.0.113.9');
  assert.equal(clientAddress(req('127.0.0.1'), true), '127.0.0.1');
});
