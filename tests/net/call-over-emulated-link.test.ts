/**
 * Confab over an impaired link: the server listens on the host's end of an emulated link
 * (tests/helpers/netem.ts), one Chromium runs inside the link's namespace and one on the host.
 * The page loads through the link; a call flows at 5 Mbit/s and 20 ms, survives a 5 s cut, and
 * keeps flowing at 1 Mbit/s, 50 ms and 2% loss each way.
 */
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { waitFor } from '../helpers/browser.js';
import { Participant } from '../helpers/meeting-page.js';
import { useEmulatedCall } from '../helpers/emulated-call.js';
import { netemUnavailable } from '../helpers/netem.js';

const FAST = { rateKbps: 5000, delayMs: 20 };

describe('a call over an emulated link', { skip: netemUnavailable() }, () => {
  // The call tests run in order on one meeting: the host's browser outside, the remote one behind the link.
  let host: Participant;
  let remote: Participant;
  let hostId: string;
  let remoteId: string;
  const fx = useEmulatedCall({ down: FAST, up: FAST }, async () => {
    await host?.close();
    await remote?.close();
  });

  test('the home page loads in the namespace, through the link', { timeout: 30_000 }, async () => {
    const page = await fx.inside.newPage();
    const before = await fx.link.stats();
    await page.goto(`${fx.origin}/`);
    await page.waitForSelector('#meeting-title', { state: 'attached' });
    assert.match(await page.title(), /Confab/);
    const stats = await fx.link.stats();
    assert.ok(stats.down.delivered > before.down.delivered && stats.up.delivered > before.up.delivered, 'the page came through the emulator');
    await page.close();
  });

  test('a call flows with one participant behind 5 Mbit/s and 20 ms', { timeout: 60_000 }, async () => {
    const beforeCall = await fx.link.stats();
    // The server prints its host link with localhost; the same key works on the link's address.
    host = await Participant.open(fx.outside, `${fx.origin}/#hostkey=${fx.server.hostKey}`, 'Host');
    const meetingUrl = await host.startMeeting('Emulated link', { lobby: false });
    await host.join();
    remote = await Participant.open(fx.inside, meetingUrl, 'Remote');
    await remote.join();
    [hostId, remoteId] = [await host.participantId(), await remote.participantId()];
    await Promise.all([host.expectMediaFlowing([remoteId]), remote.expectMediaFlowing([hostId])]);
    const s = await fx.link.stats();
    // The namespace has no other way out, so this holds by construction; it checks the counters.
    assert.ok(s.up.delivered - beforeCall.up.delivered > 100 && s.down.delivered - beforeCall.down.delivered > 100, 'media crossed the link both ways');
  });

  test('the call survives a 5 s cut', { timeout: 60_000 }, async () => {
    const cutAt = Date.now();
    const atCut = await fx.link.cut();
    const framesAt = async () => (await remote.remoteMedia()).find((m) => m.participantId === hostId && m.kind === 'video')?.framesDecoded ?? 0;
    // Stopped: the count a second ago is the count now (the jitter buffer drains for a moment).
    const samples: { at: number; frames: number }[] = [];
    const frozen = await waitFor('video to stop behind the cut', async () => {
      const frames = await framesAt();
      samples.push({ at: Date.now(), frames });
      const old = samples.filter((x) => x.at <= Date.now() - 1_000).pop();
      return old && old.frames === frames ? frames : undefined;
    }, 4_500, 250);
    await new Promise((r) => setTimeout(r, Math.max(0, cutAt + 5_000 - Date.now()))); // the cut's length, not a condition
    assert.equal(await framesAt(), frozen, 'no video crossed the cut');
    const s = await fx.link.restore();
    assert.ok(s.down.cutDropped > atCut.down.cutDropped && s.up.cutDropped > atCut.up.cutDropped, 'the cut dropped media both ways');
    await Promise.all([host.expectMediaFlowing([remoteId]), remote.expectMediaFlowing([hostId])]);
    console.log(`5 s cut: media back ${Date.now() - cutAt - 5_000} ms after restore`);
    // And keeps flowing: the first frames after a cut can be the retransmitted backlog alone.
    await Promise.all([host.expectMediaFlowing([remoteId], 20, 5_000), remote.expectMediaFlowing([hostId], 20, 5_000)]);
    assert.equal(await remote.participantId(), remoteId, 'the same session carried on, no rejoin');
  });

  test('the call flows at 1 Mbit/s, 50 ms and 2% loss each way', { timeout: 60_000 }, async () => {
    const impaired = { rateKbps: 1000, delayMs: 50, lossPercent: 2 };
    const before = await fx.link.set({ down: impaired, up: impaired });
    const startedAt = Date.now();
    await Promise.all([host.expectMediaFlowing([remoteId], 30), remote.expectMediaFlowing([hostId], 30)]);
    // Sustained, not a burst: another 20 frames each within 5 s.
    await Promise.all([host.expectMediaFlowing([remoteId], 20, 5_000), remote.expectMediaFlowing([hostId], 20, 5_000)]);
    const s = await fx.link.stats();
    const delta = (d: 'down' | 'up', k: 'lost' | 'queueDropped' | 'deliveredBytes') => s[d][k] - before[d][k];
    const kbps = (d: 'down' | 'up') => ((delta(d, 'deliveredBytes') * 8) / (Date.now() - startedAt)).toFixed(0);
    console.log(
      `1 Mbit/s, 50 ms, 2% loss: ${kbps('down')} kbit/s down, ${kbps('up')} up; ${delta('down', 'lost')} / ${delta('up', 'lost')} packets lost, ` +
        `${delta('down', 'queueDropped')} / ${delta('up', 'queueDropped')} dropped by the full queue`,
    );
    assert.ok(delta('down', 'lost') > 0 && delta('up', 'lost') > 0, 'loss was applied both ways');
  });
});
