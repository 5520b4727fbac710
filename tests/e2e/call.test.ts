/**
 * The call works: three browsers join one meeting through the real UI and decode each other's
 * video and audio through our SFU; one leaves; a fourth joins late.
 */
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import type { Browser } from 'playwright-core';
import { launchBrowser, waitFor } from '../helpers/browser.js';
import { Participant } from '../helpers/meeting-page.js';
import { startServer, type RunningServer } from '../helpers/server.js';

let server: RunningServer;
let browser: Browser;
before(async () => {
  server = await startServer();
  browser = await launchBrowser();
});
after(async () => {
  await browser?.close();
  await server?.stop();
});

test('three participants see and hear each other; leave and late join', { timeout: 180_000 }, async () => {
  const alice = await Participant.open(browser, server.hostLink!, 'Alice');
  const meetingUrl = await alice.startMeeting();
  await alice.join();
  // Guests wait in the lobby until the host admits them.
  const bob = await Participant.open(browser, meetingUrl, 'Bob');
  await bob.joinAndWaitFor('lobby');
  await alice.admit('Bob');
  await bob.waitForState('connected');
  const carol = await Participant.open(browser, meetingUrl, 'Carol');
  await carol.joinAndWaitFor('lobby');
  await alice.admit('Carol');
  await carol.waitForState('connected');
  const all = [alice, bob, carol];
  const ids = new Map<Participant, string>();
  for (const p of all) ids.set(p, await p.participantId());
  const others = (p: Participant, group: Participant[]) => group.filter((q) => q !== p).map((q) => ids.get(q)!);

  // Everyone has a tile for the two others, and decodes both videos and both audios.
  for (const p of all) {
    await waitFor(`${p.name}'s tiles`, async () =>
      JSON.stringify(await p.remoteTileIds()) === JSON.stringify(others(p, all).sort()) ? true : undefined,
    );
  }
  await Promise.all(all.map((p) => p.expectMediaFlowing(others(p, all))));

  // Alice mutes her microphone and turns her camera off: Bob's tile for her shows both.
  const aliceTile = `[data-participant-id="${ids.get(alice)}"]`;
  await alice.page.click('#toggle-audio');
  await alice.page.click('#toggle-video');
  await bob.page.waitForSelector(`${aliceTile} .tile-mic-off:not([hidden])`, { timeout: 10_000 });
  await bob.page.waitForSelector(`${aliceTile}.tile--no-video`, { timeout: 10_000 });
  await alice.page.click('#toggle-audio');
  await alice.page.click('#toggle-video');
  await bob.page.waitForSelector(`${aliceTile}:not(.tile--no-video) .tile-mic-off[hidden]`, { state: 'attached', timeout: 10_000 });

  // Carol leaves: her tile goes, and Alice and Bob keep decoding each other.
  await carol.leave();
  const remaining = [alice, bob];
  for (const p of remaining) {
    await waitFor(`${p.name} drops Carol's tile`, async () =>
      JSON.stringify(await p.remoteTileIds()) === JSON.stringify(others(p, remaining)) ? true : undefined,
    );
  }
  await Promise.all(remaining.map((p) => p.expectMediaFlowing(others(p, remaining))));
  await carol.close();

  // Dave joins late and gets everyone's video within a few seconds.
  const dave = await Participant.open(browser, meetingUrl, 'Dave');
  await dave.joinAndWaitFor('lobby');
  const started = Date.now();
  await alice.admit('Dave');
  await dave.waitForState('connected');
  ids.set(dave, await dave.participantId());
  const expected = others(dave, [alice, bob, dave]);
  await waitFor('Dave decoding both videos', async () => {
    const media = await dave.remoteMedia();
    return expected.every((id) => media.some((s) => s.participantId === id && s.kind === 'video' && s.framesDecoded > 0)) ? true : undefined;
  }, 8_000);
  const firstFrameMs = Date.now() - started;
  assert.ok(firstFrameMs < 8_000, `first frames after ${firstFrameMs} ms`);
  await dave.expectMediaFlowing(expected);
  await Promise.all([alice, bob].map((p) => p.expectMediaFlowing(others(p, [alice, bob, dave]))));
  console.log(`late joiner: admission to first remote frames ${firstFrameMs} ms`);

  // Nothing personal reached the server log: no names, no addresses, no meeting id.
  const meetingId = new URL(meetingUrl).pathname.split('/').pop()!;
  const log = server.jsonLogs().join('\n');
  assert.ok(server.jsonLogs().some((l) => l.includes('"msg":"joined"')), 'the log is being read');
  for (const secret of ['Alice', 'Bob', 'Carol', 'Dave', '127.0.0.1', meetingId, server.hostKey!, ...ids.values()]) {
    assert.ok(!log.includes(secret), `server log contains ${secret}`);
  }
  assert.doesNotMatch(log, /\b\d{1,3}(?:\.\d{1,3}){3}\b/, 'server log contains an IPv4 address');

  // No page loaded anything from another origin (fonts, icons, scripts, analytics: all bundled).
  const origin = new URL(server.url).origin;
  const foreign = [alice, bob, carol, dave].flatMap((p) => p.requests).filter((u) => !u.startsWith(`${origin}/`) && !/^(blob|data):/.test(u));
  assert.ok(alice.requests.length > 3, 'the request log is being read');
  assert.deepEqual(foreign, []);
});
