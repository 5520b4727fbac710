/**
 * Screen sharing through the real UI, end-to-end encrypted like all media: a guest shares (Chromium's
 * fake screen, no picker: --use-fake-ui-for-media-stream with the fake devices picks it); the others
 * decode it on the m-line `tracks` marks as that guest's screen and see it large on the stage, above
 * the tiles on a phone and beside them on a desktop, with the sharer's camera tile still there. The
 * host stops the share from the participants panel, and the SFU forwards no more of it, even though
 * the guest's browser keeps capturing; the guest shares again and stops it, with the button and with
 * the browser's own "stop sharing".
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { waitFor } from '../helpers/browser.js';
import { useServerAndBrowser } from '../helpers/e2e-setup.js';
import { Participant, type RemoteMediaStats } from '../helpers/meeting-page.js';

const fx = useServerAndBrowser();

const stageOf = (id: string) => `#screen-stage:not([hidden])[data-participant-id="${id}"]`;

/** `from`'s screen as `p` receives it, or undefined while `tracks` carries none. */
async function screenStats(p: Participant, from: string): Promise<RemoteMediaStats | undefined> {
  return (await p.remoteMedia()).find((s) => s.participantId === from && s.source === 'screen');
}

/** Decoded frames of whatever `mid` carries now (also after the offer no longer lists it). */
async function framesOnMid(p: Participant, mid: string): Promise<number> {
  return p.page.evaluate(async (m) => {
    const pc = (window as unknown as { __confab: { pc: RTCPeerConnection } }).__confab.pc;
    let n = 0;
    (await pc.getStats()).forEach((s: Record<string, unknown>) => {
      if (s.type === 'inbound-rtp' && s.mid === m) n = (s.framesDecoded as number) ?? 0;
    });
    return n;
  }, mid);
}

/** Waits until `p` decodes `minFrames` more frames of `from`'s screen; returns its mid. */
async function expectScreenFrames(p: Participant, from: string, minFrames = 10): Promise<string> {
  const first = await waitFor(`${p.name} receiving a screen`, () => screenStats(p, from));
  const start = first.framesDecoded;
  const now = await waitFor(
    `${p.name} decoding the screen`,
    async () => {
      const s = await screenStats(p, from);
      return s && s.framesDecoded - start >= minFrames ? s : undefined;
    },
    20_000,
  );
  return now.mid;
}

async function box(p: Participant, selector: string): Promise<{ x: number; y: number; width: number; height: number }> {
  const b = await p.page.locator(selector).first().boundingBox();
  assert.ok(b, `${p.name}: ${selector} has a box`);
  return b;
}

async function pressed(p: Participant): Promise<string | null> {
  return p.page.getAttribute('#toggle-screen', 'aria-pressed');
}

test('a shared screen reaches everyone large, encrypted; a moderator stops it in the SFU; the sharer stops it', { timeout: 240_000 }, async () => {
  const host = await Participant.open(fx.browser, fx.server.hostLink!, 'Hana');
  const url = await host.startMeeting('Screens', { lobby: false });
  await host.join();
  const sam = await Participant.open(fx.browser, url, 'Sam');
  await sam.join();
  const pia = await Participant.open(fx.browser, url, 'Pia', { context: { viewport: { width: 390, height: 844 } } });
  await pia.join();
  const samId = await sam.participantId();
  const viewers = [host, pia];
  for (const p of viewers) await p.expectMediaFlowing([samId], 5);
  assert.equal(await sam.page.getAttribute('#toggle-screen', 'aria-label'), 'Share your screen');

  // Sam shares. He sees his own screen on the stage, with a button to stop; the others decode it.
  await sam.page.click('#toggle-screen');
  await waitFor('Sam\'s button pressed', async () => ((await pressed(sam)) === 'true' ? true : undefined));
  await sam.page.waitForSelector(`${stageOf(samId)}[data-own="true"] #stop-screen-share:not([hidden])`);
  const mids = await Promise.all(viewers.map((p) => expectScreenFrames(p, samId)));
  for (const p of viewers) {
    await p.page.waitForSelector(`${stageOf(samId)}[data-own="false"]`);
    await waitFor(`${p.name}'s stage playing`, () => p.page.$eval('#screen-stage video', (v) => ((v as HTMLVideoElement).videoWidth > 0 ? true : undefined)));
    assert.match((await p.page.textContent('#screen-stage .screen-caption')) ?? '', /Screen of Sam/);
    // Large, and Sam's camera tile stays: beside the stage on a desktop, below it on a phone.
    const stage = await box(p, '#screen-stage');
    const tile = await box(p, `.tile[data-participant-id="${samId}"]`);
    assert.ok(stage.width * stage.height > 3 * tile.width * tile.height, `${p.name}: the stage is large (${JSON.stringify({ stage, tile })})`);
    const viewport = p.page.viewportSize()!;
    for (const b of [stage, tile]) assert.ok(b.x >= 0 && b.y >= 0 && b.x + b.width <= viewport.width && b.y + b.height <= viewport.height, `${p.name}: on screen`);
    if (p === pia) assert.ok(tile.y >= stage.y + stage.height, 'phone: the tiles are below the stage');
    else assert.ok(tile.x >= stage.x + stage.width, 'desktop: the tiles are beside the stage');
  }

  // The host stops Sam's share from the participants panel.
  await host.page.click('#toggle-participants');
  await host.page.click(`[data-participant-row="${samId}"] [data-action="stop-screen-share"]`);
  await sam.page.waitForFunction(() => document.getElementById('toast')?.textContent?.includes('A moderator stopped your screen share'));
  await waitFor('Sam\'s button released', async () => ((await pressed(sam)) === 'false' ? true : undefined));
  for (const p of [host, pia, sam]) await p.page.waitForSelector('#screen-stage', { state: 'hidden' });
  await host.page.waitForSelector(`[data-participant-row="${samId}"] [data-action="stop-screen-share"]`, { state: 'detached' });
  // Even if Sam's browser kept sending (the SFU pauses his screen Producer), nothing more is decoded:
  // while his camera delivers 30 more frames, his old screen m-line delivers none.
  for (const [i, p] of viewers.entries()) {
    await waitFor(`${p.name}'s offer without Sam's screen`, async () => ((await screenStats(p, samId)) ? undefined : true));
    const mid = mids[i]!;
    const screen0 = await framesOnMid(p, mid);
    const camera0 = (await p.remoteMedia()).find((s) => s.participantId === samId && s.source === 'camera')!.framesDecoded;
    await waitFor(`${p.name} decoding Sam's camera`, async () => {
      const camera = (await p.remoteMedia()).find((s) => s.participantId === samId && s.source === 'camera')!.framesDecoded;
      return camera - camera0 >= 30 ? true : undefined;
    });
    assert.equal(await framesOnMid(p, mid), screen0, `${p.name} decoded Sam's screen after the stop`);
  }

  // Sam shares again (a new choice). Then Hana shares too: the newest share takes the stage, and
  // a switcher offers the other one.
  await sam.page.click('#toggle-screen');
  for (const p of viewers) await expectScreenFrames(p, samId);
  const hanaId = await host.participantId();
  await host.page.click('#toggle-screen');
  await expectScreenFrames(pia, hanaId);
  await pia.page.waitForSelector(stageOf(hanaId));
  assert.deepEqual(await pia.page.$$eval('.screen-switcher button', (bs) => bs.map((b) => [b.textContent, b.getAttribute('aria-pressed')])), [
    ['Screen of Sam', 'false'],
    ['Screen of Hana', 'true'],
  ]);
  await pia.page.click(`.screen-switcher [data-screen-of="${samId}"]`);
  await pia.page.waitForSelector(stageOf(samId));
  await host.page.click('#toggle-screen');
  await sam.page.waitForSelector(`${stageOf(samId)}[data-own="true"]`);
  await pia.page.waitForSelector('.screen-switcher', { state: 'hidden' });

  // Sam stops it himself.
  await sam.page.click('#stop-screen-share');
  for (const p of [host, pia, sam]) await p.page.waitForSelector('#screen-stage', { state: 'hidden' });
  assert.equal(await pressed(sam), 'false');

  // And once more, ended by the browser's own "stop sharing" (which ends the capture track).
  await sam.page.click('#toggle-screen');
  await host.page.waitForSelector(stageOf(samId));
  await sam.page.evaluate(() => {
    const pc = (window as unknown as { __confab: { pc: RTCPeerConnection } }).__confab.pc;
    for (const s of pc.getSenders()) if (s.track?.label.startsWith('screen')) s.track.dispatchEvent(new Event('ended'));
  });
  for (const p of [host, pia, sam]) await p.page.waitForSelector('#screen-stage', { state: 'hidden' });
  await waitFor('Sam\'s capture released', () =>
    sam.page.evaluate(() => {
      const pc = (window as unknown as { __confab: { pc: RTCPeerConnection } }).__confab.pc;
      return pc.getSenders().some((s) => s.track?.label.startsWith('screen')) ? undefined : true;
    }),
  );
  for (const p of viewers) await p.expectMediaFlowing([samId], 5);
});
