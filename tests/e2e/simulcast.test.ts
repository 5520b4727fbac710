/**
 * Simulcast end to end: Alice's browser sends three layers of her camera; the SFU sends Bob, who
 * shows her large, the full layer and Carol, whose window is tiny, the quarter layer (read from the
 * decoder's frameWidth). Layers nobody receives are paused in Alice's encoder (dynacast). When Bob's
 * window shrinks, his layer falls at a keyframe and his decoder carries on without a freeze.
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { waitFor } from '../helpers/browser.js';
import { useServerAndBrowser } from '../helpers/e2e-setup.js';
import { Participant, type RemoteMediaStats } from '../helpers/meeting-page.js';

const fx = useServerAndBrowser();

/** Alice's camera as `p` decodes it now. */
async function aliceCamera(p: Participant, aliceId: string): Promise<RemoteMediaStats | undefined> {
  return (await p.remoteMedia()).find((s) => s.participantId === aliceId && s.source === 'camera');
}

/** Waits until `p` decodes Alice's camera at a width `ok` accepts, with frames still rising. */
async function expectWidth(p: Participant, aliceId: string, what: string, ok: (width: number) => boolean): Promise<RemoteMediaStats> {
  let last: RemoteMediaStats | undefined;
  let settled: RemoteMediaStats | undefined;
  return waitFor(
    `${p.name} decoding Alice at ${what}`,
    async () => {
      const now = await aliceCamera(p, aliceId);
      const rising = now !== undefined && last !== undefined && now.framesDecoded > last.framesDecoded;
      last = now;
      if (!now || !rising || !ok(now.frameWidth)) return (settled = undefined);
      // Twice in a row, so that a frame or two in passing doesn't count.
      if (settled) return now;
      settled = now;
      return undefined;
    },
    45_000,
    500,
  ).catch((err: Error) => {
    throw new Error(`${err.message}; last: ${JSON.stringify(last)}`);
  });
}

/** Alice's outgoing camera layers by rid: whether each is active. */
async function aliceLayers(alice: Participant): Promise<Record<string, boolean>> {
  return alice.page.evaluate(async () => {
    const pc = (window as unknown as { __confab: { pc: RTCPeerConnection | null } }).__confab.pc;
    const out: Record<string, boolean> = {};
    (await pc!.getStats()).forEach((s: Record<string, unknown>) => {
      if (s.type === 'outbound-rtp' && typeof s.rid === 'string') out[s.rid] = s.active === true;
    });
    return out;
  });
}

async function freezes(p: Participant, aliceId: string): Promise<number> {
  return p.page.evaluate(async (id) => {
    const c = (window as unknown as { __confab: { pc: RTCPeerConnection | null; tracks: { mid: string; participantId: string; source: string }[] } }).__confab;
    const mid = c.tracks.find((t) => t.participantId === id && t.source === 'camera')?.mid;
    let n = 0;
    (await c.pc!.getStats()).forEach((s: Record<string, unknown>) => {
      if (s.type === 'inbound-rtp' && s.mid === mid) n = (s.freezeCount as number) ?? 0;
    });
    return n;
  }, aliceId);
}

test('two subscribers with different tile sizes get different layers of one camera', { timeout: 240_000 }, async () => {
  const alice = await Participant.open(fx.browser, fx.server.hostLink!, 'Alice');
  const meetingUrl = await alice.startMeeting('Simulcast', { lobby: false });
  await alice.join();
  const aliceId = await alice.participantId();
  const bob = await Participant.open(fx.browser, meetingUrl, 'Bob', { context: { viewport: { width: 1500, height: 1000 } } });
  await bob.join();
  const carol = await Participant.open(fx.browser, meetingUrl, 'Carol', { context: { viewport: { width: 420, height: 340 } } });
  await carol.join();
  // Only Alice's camera is needed: fewer encoders leave this 2-core machine the CPU to encode hers
  // at full size (under CPU pressure, Chrome lowers resolution and drops the top layer).
  for (const p of [bob, carol]) await p.page.click('#toggle-video');

  // Bob pins Alice: her tile fills his stage.
  await bob.page.click(`[data-participant-id="${aliceId}"] .tile-pin`);

  const big = await expectWidth(bob, aliceId, 'the full layer', (w) => w >= 1000);
  const small = await expectWidth(carol, aliceId, 'the quarter layer', (w) => w > 0 && w <= 400);
  assert.ok(big.frameWidth >= 2 * small.frameWidth, `Bob ${big.frameWidth}, Carol ${small.frameWidth}`);

  // Nobody takes the half layer: Alice's browser stops encoding it.
  await waitFor('Alice pausing the unused middle layer', async () => {
    const layers = await aliceLayers(alice);
    return layers.h === false && layers.q === true && layers.f === true ? true : undefined;
  }, 20_000).catch(async (err: Error) => {
    // What kept it running: a subscriber back on it (a dip in its estimate, an upgrade probe held).
    const probes = (await (await fetch(`${fx.server.url}/metrics`)).text()).match(/^confab_upgrade_probes_\w+ \d+$/gm);
    const widths = { bob: (await aliceCamera(bob, aliceId))?.frameWidth, carol: (await aliceCamera(carol, aliceId))?.frameWidth };
    throw new Error(`${err.message}; layers ${JSON.stringify(await aliceLayers(alice))}, widths ${JSON.stringify(widths)}, ${probes?.join(', ')}`);
  });

  // Bob's window shrinks: he drops to a lower layer, at a keyframe, and keeps decoding.
  const freezesBefore = await freezes(bob, aliceId);
  await bob.page.setViewportSize({ width: 420, height: 340 });
  await expectWidth(bob, aliceId, 'a lower layer', (w) => w > 0 && w <= 700);
  assert.ok((await freezes(bob, aliceId)) - freezesBefore <= 1, 'Bob\'s video froze while switching layers');

  for (const p of [alice, bob, carol]) await p.close();
});
