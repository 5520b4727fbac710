import assert from 'node:assert/strict';
import { test } from 'node:test';
import { DEFAULTS, parseLoadArgs, resolveOptions } from './options.js';

test('defaults, and the caps that keep a run bounded', () => {
  assert.deepEqual(resolveOptions({}), DEFAULTS);
  assert.equal(resolveOptions({ participants: 200 }).participants, 200);
  assert.throws(() => resolveOptions({ participants: 201 }), /participants must be a whole number from 1 to 200/);
  assert.throws(() => resolveOptions({ durationSeconds: 601 }), /duration/);
  assert.throws(() => resolveOptions({ participants: 0 }), /participants/);
  assert.throws(() => resolveOptions({ joinIntervalMs: 1.5 }), /join-interval-ms/);
  assert.throws(() => resolveOptions({ participants: 2, speakers: 3 }), /speakers/);
  // Fewer participants than the default speakers: everyone speaks.
  assert.equal(resolveOptions({ participants: 2 }).speakers, 2);
});

test('the command line sets every option; the host key comes only from the environment', () => {
  const { options, json } = parseLoadArgs(
    ['--participants', '10', '--duration', '15', '--settle', '0', '--join-interval-ms', '250', '--speakers', '1', '--tiles', '4', '--tile-size', '640x360', '--workers', '0', '--url', 'http://127.0.0.1:8080', '--server-pid', '1234', '--json'],
    { CONFAB_HOST_KEY: 'k'.repeat(43) },
  );
  assert.deepEqual(options, {
    participants: 10,
    durationSeconds: 15,
    settleSeconds: 0,
    joinIntervalMs: 250,
    speakers: 1,
    tiles: 4,
    tileWidth: 640,
    tileHeight: 360,
    workers: 0,
    url: 'http://127.0.0.1:8080',
    hostKey: 'k'.repeat(43),
    serverPid: 1234,
  });
  assert.equal(json, true);
  assert.equal(parseLoadArgs([], {}).options.participants, 50);
});

test('a run stays on this machine and needs what it uses', () => {
  assert.throws(() => parseLoadArgs(['--url', 'http://192.0.2.1:8080'], { CONFAB_HOST_KEY: 'k' }), /loopback/);
  assert.throws(() => parseLoadArgs(['--url', 'http://localhost:8080'], {}), /CONFAB_HOST_KEY/);
  assert.ok(parseLoadArgs(['--url', 'http://localhost:8080'], { CONFAB_HOST_KEY: 'k' }));
  assert.throws(() => parseLoadArgs(['--tile-size', 'big'], {}), /tile-size/);
  assert.throws(() => parseLoadArgs(['--participants', 'many'], {}), /participants/);
  assert.throws(() => parseLoadArgs(['--frobnicate'], {}), /Unknown option/);
});
