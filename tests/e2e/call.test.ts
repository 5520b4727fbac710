/**
 * The call works: three browsers join one meeting through the real UI and decode each other's
 * video and audio through our SFU; one leaves; a fourth joins late.
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { waitFor } from '../helpers/browser.js';
import { Participant } from '../helpers/meeting-page.js';
import { useServerAndBrowser } from '../helpers/e2e-setup.js';

const fx = useServerAndBrowser();

test('three participants see and hear each other; leave and late join', { timeout: 180_000 }, async () => {
  const alice = await Participant.open(fx.browser, fx.server.hostLink!, 'Alice');
  const meetingUrl = await alice.startMeeting();
  await alice.join();
  // Guests wait in the lobby until the host admits them.
  const bob = await Participant.open(fx.browser, meetingUrl, 'Bob');
  await bob.joinAndWaitFor('lobby');
  await alice.admit('Bob');
  await bob.waitForState('connected');
  const carol = await Participant.open(fx.browser, meetingUrl, 'Carol');
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
  const dave = await Participant.open(fx.browser, meetingUrl, 'Dave');
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
  const log = fx.server.jsonLogs().join('\n');
  assert.ok(fx.server.jsonLogs().some((l) => l.includes('"msg":"joined"')), 'the log is being read');
  for (const secret of ['Alice', 'Bob', 'Carol', 'Dave', '127.0.0.1', meetingId, fx.server.hostKey!, ...ids.values()]) {
    assert.ok(!log.includes(secret), `server log contains ${secret}`);
  }
  assert.doesNotMatch(log, /\b\d{1,3}(?:\.\d{1,3}){3}\b/, 'server log contains an IPv4 address');

  // No page loaded anything from another origin (fonts, icons, scripts, analytics: all bundled).
  const origin = new URL(fx.server.url).origin;
  const foreign = [alice, bob, carol, dave].flatMap((p) => p.requests).filter((u) => !u.startsWith(`${origin}/`) && !/^(blob|data):/.test(u));
  assert.ok(alice.requests.length > 3, 'the request log is being read');
  assert.deepEqual(foreign, []);
});
