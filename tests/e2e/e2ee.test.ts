/**
 * End-to-end encryption through the real UI, server, SFU and Chromium: three participants decode
 * each other's encrypted media; what the SFU forwards is ciphertext (seen through its test tap);
 * keys change when someone leaves; someone with a wrong meeting secret decodes nothing and reads
 * no chat. A browser that can't encrypt is kept out, unless the host lets it in: then everyone is
 * warned and media goes unencrypted while it is there.
 */
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { waitFor } from '../helpers/browser.js';
import { useServerAndBrowser } from '../helpers/e2e-setup.js';
import { Participant } from '../helpers/meeting-page.js';
import type { E2eeTestHook } from '../../src/client/session/test-hook.js';
import type { FrameStats } from '../../src/client/e2ee/worker-protocol.js';
import { vp8DescriptorLength } from '../../src/sfu/vp8.js';

const tapFile = join(mkdtempSync(join(tmpdir(), 'confab-tap-')), 'tap.jsonl');
const fx = useServerAndBrowser({ env: { CONFAB_MEDIA_TAP_FILE: tapFile } });

type Hook = Omit<E2eeTestHook, 'frameStats' | 'sampleFrames'>;

async function e2ee(p: Participant): Promise<Hook | null> {
  return p.page.evaluate(() => {
    const h = (window as unknown as { __confab: { e2ee: E2eeTestHook | null } }).__confab.e2ee;
    return h && { keyId: h.keyId, safetyCode: h.safetyCode, encrypting: h.encrypting, peers: h.peers };
  });
}

async function frameStats(p: Participant): Promise<FrameStats> {
  return p.page.evaluate(() => (window as unknown as { __confab: { e2ee: E2eeTestHook } }).__confab.e2ee.frameStats());
}

async function sendChat(p: Participant, text: string): Promise<void> {
  if (!(await p.page.isVisible('#chat-panel'))) await p.page.click('#chat-toggle');
  await p.page.fill('#chat-input', text);
  await p.page.press('#chat-input', 'Enter');
}

async function chatTexts(p: Participant): Promise<string[]> {
  return p.page.$$eval('#chat-panel .chat-message .chat-text', (els) => els.map((e) => e.textContent ?? ''));
}

interface TapLine {
  kind: 'audio' | 'video';
  head: string;
  tail: string;
  size: number;
}

function readTap(): TapLine[] {
  return readFileSync(tapFile, 'utf8')
    .split('\n')
    .filter(Boolean)
    .map((l) => JSON.parse(l) as TapLine);
}

test('E2EE: encrypted media and chat, ciphertext at the SFU, new keys on leave, nothing for a wrong secret', { timeout: 240_000 }, async () => {
  const alice = await Participant.open(fx.browser, fx.server.hostLink!, 'Alice');
  const meetingUrl = await alice.startMeeting('Encrypted', { lobby: false });
  await alice.join();
  const bob = await Participant.open(fx.browser, meetingUrl, 'Bob');
  await bob.join();
  // Carol's browser keeps a copy of the first bytes of its first plaintext frames, taken before
  // encryption, to compare with what the SFU forwarded.
  const carol = await Participant.open(fx.browser, meetingUrl, 'Carol');
  await carol.page.fill('#name', 'Carol');
  await carol.page.click('#join');
  await waitFor('Carol\'s encryption', () => carol.page.evaluate(() => {
    const h = (window as unknown as { __confab: { e2ee: E2eeTestHook | null } }).__confab.e2ee;
    if (!h) return undefined;
    h.sampleFrames(400);
    return true;
  }), 10_000, 5);
  await carol.waitForState('connected');

  const all = [alice, bob, carol];
  const ids = new Map<Participant, string>();
  for (const p of all) ids.set(p, await p.participantId());
  const others = (p: Participant, group: Participant[]) => group.filter((q) => q !== p).map((q) => ids.get(q)!);

  // 1. Everyone decodes everyone, through decryption; every peer is verified and the safety code
  //    each shows for itself is the one the others received.
  await Promise.all(all.map((p) => p.expectMediaFlowing(others(p, all))));
  const hooks = new Map<Participant, Hook>();
  for (const p of all) {
    const h = await e2ee(p);
    assert.ok(h, `${p.name} encrypts`);
    assert.equal(h.encrypting, true);
    hooks.set(p, h);
  }
  for (const p of all) {
    for (const q of all) {
      if (p === q) continue;
      const view = hooks.get(p)!.peers[ids.get(q)!];
      assert.equal(view?.status, 'secure', `${p.name} verified ${q.name}`);
      assert.equal(view?.safetyCode, hooks.get(q)!.safetyCode, `${p.name} sees ${q.name}'s own safety code`);
    }
    const stats = await frameStats(p);
    assert.ok(stats.encrypted > 50 && stats.decrypted > 50, `${p.name} encrypted and decrypted frames: ${JSON.stringify({ ...stats, samples: stats.samples.length })}`);
  }

  // 2. The SFU forwarded ciphertext. Every audio packet ends in our frame trailer (magic 0xCE, one
  //    clear byte); no video packet carries the bytes Carol's encoder produced after each frame's
  //    clear header, although the clear headers themselves (keyframe dimensions) are there.
  const tap = readTap();
  const audio = tap.filter((l) => l.kind === 'audio');
  const video = tap.filter((l) => l.kind === 'video');
  assert.ok(audio.length > 100 && video.length > 100, `the tap saw media: ${audio.length} audio, ${video.length} video`);
  for (const l of audio) assert.match(l.tail, /01ce$/, 'an audio payload in the encrypted frame format');
  const samples = (await frameStats(carol)).samples;
  const videoSamples = samples.filter((s) => s.kind === 'video' && s.hex.length >= 2 * (s.clearBytes + 24));
  assert.ok(videoSamples.length > 20, `Carol sampled plaintext frames: ${videoSamples.length}`);
  const frameStarts = video.map((l) => {
    const payload = Buffer.from(l.head, 'hex');
    const at = vp8DescriptorLength(payload);
    return at < 0 ? '' : payload.subarray(at).toString('hex');
  });
  let headersSeen = 0;
  for (const s of videoSamples) {
    const clear = s.hex.slice(0, 2 * s.clearBytes);
    const secret = s.hex.slice(2 * s.clearBytes, 2 * (s.clearBytes + 24));
    assert.ok(!frameStarts.some((f) => f.includes(secret)), 'plaintext after the clear header reached the SFU');
    if (s.clearBytes === 10 && frameStarts.some((f) => f.startsWith(clear))) headersSeen++;
  }
  assert.ok(headersSeen > 0, 'the sampled frames went through the tap (their keyframe headers are there)');

  // 3. Chat is end-to-end encrypted too; it reaches the others.
  await sendChat(alice, 'Hallo zusammen');
  for (const p of [bob, carol]) await waitFor(`${p.name} reads the chat`, async () => ((await chatTexts(p)).includes('Hallo zusammen') ? true : undefined));

  // 4. Carol leaves: Alice and Bob move to new keys, and each receives the other's new key.
  const before = { alice: hooks.get(alice)!.keyId!, bob: hooks.get(bob)!.keyId! };
  await carol.leave();
  await waitFor('new key ids after the leave', async () => {
    const [a, b] = [await e2ee(alice), await e2ee(bob)];
    if (!a || !b || a.keyId! <= before.alice || b.keyId! <= before.bob) return undefined;
    const bobHasAlices = b.peers[ids.get(alice)!]?.keyId === a.keyId;
    const aliceHasBobs = a.peers[ids.get(bob)!]?.keyId === b.keyId;
    return bobHasAlices && aliceHasBobs ? true : undefined;
  });
  await bob.expectMediaFlowing([ids.get(alice)!]);
  await carol.close();

  // 5. Mallory has the meeting's address but a different secret: she gets in (the lobby is off),
  //    her browser receives the packets, but it decodes no frame and reads no chat.
  const wrongKey = Buffer.alloc(32, 7).toString('base64url');
  const mallory = await Participant.open(fx.browser, meetingUrl.replace(/#key=.*/, `#key=${wrongKey}`), 'Mallory');
  await mallory.join();
  const malloryId = await mallory.participantId();
  await waitFor('Alice rejects Mallory\'s key', async () => ((await e2ee(alice))?.peers[malloryId]?.status === 'failed' ? true : undefined));
  await sendChat(alice, 'Nur für Bob');
  await waitFor('Bob reads it', async () => ((await chatTexts(bob)).includes('Nur für Bob') ? true : undefined));
  await bob.expectMediaFlowing([ids.get(alice)!], 30);
  const seen = await mallory.remoteMedia();
  const fromAlice = seen.filter((s) => s.participantId === ids.get(alice));
  assert.ok(fromAlice.some((s) => s.kind === 'video' && s.packetsReceived > 30), `Mallory receives Alice's packets: ${JSON.stringify(seen)}`);
  assert.deepEqual(seen.filter((s) => s.kind === 'video').map((s) => s.framesDecoded), seen.filter((s) => s.kind === 'video').map(() => 0), 'Mallory decoded no frame');
  assert.equal((await frameStats(mallory)).decrypted, 0);
  if (await mallory.page.isVisible('#chat-panel')) assert.deepEqual(await chatTexts(mallory), []);
  else {
    await mallory.page.click('#chat-toggle');
    assert.deepEqual(await chatTexts(mallory), []);
  }
  for (const p of [alice, bob, mallory]) await p.close();
});

/** Chromium without encoded transforms, like a browser that can't do E2EE. */
const WITHOUT_E2EE = 'delete window.RTCRtpScriptTransform;';

test('a browser without E2EE is refused, until the host lets it in: then everyone is warned', { timeout: 240_000 }, async () => {
  const alice = await Participant.open(fx.browser, fx.server.hostLink!, 'Alice');
  const meetingUrl = await alice.startMeeting('Mixed', { lobby: false });
  await alice.join();
  const bob = await Participant.open(fx.browser, meetingUrl, 'Bob');
  await bob.join();

  // Told plainly, with no way in.
  const old = await Participant.open(fx.browser, meetingUrl, 'Olga', { initScript: WITHOUT_E2EE });
  await old.waitForState('e2ee-unsupported');
  assert.equal(await old.page.isVisible('#join'), false);

  // The host allows such browsers; Olga's page, opened again, lets her join, with a warning.
  await alice.page.click('#toggle-participants');
  await alice.page.check('#allow-unencrypted');
  const meetingId = new URL(meetingUrl).pathname.split('/').pop()!;
  await waitFor('the server to allow it', async () => {
    const info = (await (await fetch(`${fx.server.url}/api/meetings/${meetingId}`)).json()) as { allowUnencrypted: boolean };
    return info.allowUnencrypted ? true : undefined;
  });
  await old.page.reload();
  await old.page.waitForSelector('#e2ee-prejoin-warning', { state: 'visible' });
  await old.join();
  const ids = { alice: await alice.participantId(), bob: await bob.participantId(), olga: await old.participantId() };

  // Everyone sees the warning; the others stop encrypting so that Olga can see and hear them.
  for (const p of [alice, bob]) {
    await waitFor(`${p.name} sends unencrypted`, async () => ((await e2ee(p))?.encrypting === false ? true : undefined));
    await p.page.waitForSelector('#e2ee-warning [data-warning="others"]', { state: 'visible' });
    assert.equal(await p.page.getAttribute('#e2ee-indicator', 'data-e2ee'), 'unencrypted');
  }
  assert.equal(await old.page.getAttribute('#e2ee-indicator', 'data-e2ee'), 'unencrypted');
  await Promise.all([
    old.expectMediaFlowing([ids.alice, ids.bob]),
    alice.expectMediaFlowing([ids.bob, ids.olga]),
    bob.expectMediaFlowing([ids.alice, ids.olga]),
  ]);

  // Olga leaves: encryption resumes, and Alice and Bob decode each other's encrypted media again.
  await old.leave();
  for (const p of [alice, bob]) {
    await waitFor(`${p.name} encrypts again`, async () => ((await e2ee(p))?.encrypting === true ? true : undefined));
    assert.equal(await p.page.getAttribute('#e2ee-indicator', 'data-e2ee'), 'encrypted');
  }
  const decryptedBefore = (await frameStats(bob)).decrypted;
  await bob.expectMediaFlowing([ids.alice]);
  assert.ok((await frameStats(bob)).decrypted > decryptedBefore + 10, 'Bob decrypts Alice\'s frames again');
  for (const p of [alice, bob, old]) await p.close();
});
