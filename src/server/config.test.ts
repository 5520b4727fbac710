import assert from 'node:assert/strict';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { availableParallelism } from 'node:os';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { loadConfig } from './config.js';

test('defaults: all interfaces, port 8080, no STUN, UDP 40000-49999', () => {
  const c = loadConfig({});
  assert.equal(c.host, '0.0.0.0');
  assert.equal(c.port, 8080);
  assert.deepEqual(c.rtc.stunServers, []);
  assert.equal(c.rtc.portMin, 40000);
  assert.equal(c.rtc.portMax, 49999);
  assert.equal(c.mediaTapFile, undefined); // the test tap is off unless asked for
  assert.equal(c.mediaWorkers, availableParallelism()); // one media worker per core
});

test('environment overrides the config file, which overrides defaults', () => {
  const dir = mkdtempSync(join(tmpdir(), 'confab-config-'));
  const file = join(dir, 'confab.json');
  writeFileSync(file, JSON.stringify({ port: 9000, rtc: { announcedIp: '203.0.113.9', portMin: 50000, portMax: 50100 } }));
  const c = loadConfig({ CONFAB_CONFIG: file, HOST: '127.0.0.1', CONFAB_RTC_PORT_MAX: '50200', CONFAB_RTC_LISTEN_IPS: '10.0.0.2, 10.0.0.3' });
  assert.equal(c.port, 9000);
  assert.equal(c.host, '127.0.0.1');
  assert.equal(c.rtc.announcedIp, '203.0.113.9');
  assert.equal(c.rtc.portMin, 50000);
  assert.equal(c.rtc.portMax, 50200);
  assert.deepEqual(c.rtc.listenIps, ['10.0.0.2', '10.0.0.3']);
  assert.equal(loadConfig({ CONFAB_MEDIA_TAP_FILE: '/tmp/tap.jsonl' }).mediaTapFile, '/tmp/tap.jsonl');
  assert.equal(loadConfig({ CONFAB_MEDIA_WORKERS: '0' }).mediaWorkers, 0);
});

test('invalid values fail loudly and name the setting', () => {
  assert.throws(() => loadConfig({ PORT: 'eighty' }), /port/);
  assert.throws(() => loadConfig({ CONFAB_MEDIA_WORKERS: '-1' }), /mediaWorkers/);
  assert.throws(() => loadConfig({ CONFAB_RTC_ANNOUNCED_IP: 'my-host' }), /rtc\.announcedIp: not an IP/);
  assert.throws(() => loadConfig({ CONFAB_RTC_PORT_MIN: '5000', CONFAB_RTC_PORT_MAX: '4000' }), /portMin/);
});
