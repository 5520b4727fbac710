/**
 * The meeting experience through the real UI: raised hands reach the moderator in the server's
 * order (also on a late joiner's screen), reactions reach everyone, the active speaker follows
 * whoever speaks (and a pin overrides it in speaker view), joins and leaves are announced, remote
 * tiles show their connection quality, and the keyboard shortcuts work but not while typing.
 *
 * Speaking needs real sound: Chromium's fake microphone plays a WAV file, per browser process. So
 * the host and Sam run in a browser whose microphone is silent, Lea and Lou in one that talks.
 */
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import type { Browser } from 'playwright-core';
import { launchBrowser, waitFor } from '../helpers/browser.js';
import { useServerAndBrowser } from '../helpers/e2e-setup.js';
import { voiceWav } from '../helpers/fake-media.js';
import { Participant } from '../helpers/meeting-page.js';

const fx = useServerAndBrowser({ browserArgs: async () => [`--use-file-for-fake-audio-capture=${await voiceWav('silence')}`] });
let talking: Browser;
before(async () => {
  talking = await launchBrowser([`--use-file-for-fake-audio-capture=${await voiceWav('speech')}`]);
});
after(async () => {
  await talking?.close();
});

const tile = (id: string) => `.stage [data-participant-id="${id}"]`;

async function attr(p: Participant, selector: string, name: string): Promise<string | null> {
  return p.page.$eval(selector, (el, n) => el.getAttribute(n), name).catch(() => null);
}

/** The participant id on the tile with `data-<flag>="true"`, or null. */
async function marked(p: Participant, flag: 'speaking' | 'featured'): Promise<string | null> {
  return p.page.evaluate((f) => document.querySelector<HTMLElement>(`[data-${f}="true"]`)?.dataset.participantId ?? null, flag);
}

/**
 * Record every reaction that appears on the tile (it shows for only four seconds: a loaded machine
 * could poll one page after another past that).
 */
async function recordReactions(p: Participant, tileSelector: string): Promise<void> {
  await p.page.evaluate((sel) => {
    const seen: string[] = [];
    (window as unknown as { __reactionsSeen: string[] }).__reactionsSeen = seen;
    let shown = false;
    new MutationObserver(() => {
      const el = document.querySelector(`${sel} .tile-reaction:not([hidden])`);
      if (el && !shown) seen.push(el.textContent ?? '');
      shown = el !== null;
    }).observe(document.body, { subtree: true, childList: true, attributes: true, attributeFilter: ['hidden'] });
  }, tileSelector);
}

async function waitForToast(p: Participant, text: string): Promise<void> {
  await p.page.waitForFunction((t) => document.getElementById('toast')?.textContent?.includes(t), text, { timeout: 10_000 });
}

/** Join a meeting without a lobby; optionally with the microphone off and the camera off (less CPU). */
async function joinAs(browser: Browser, url: string, name: string, options: { micOff?: boolean } = {}): Promise<Participant> {
  const p = await Participant.open(browser, url, name);
  await p.page.click('#toggle-video');
  if (options.micOff) await p.page.click('#toggle-audio');
  await p.join();
  return p;
}

/** Until everyone has verified everyone's key, encrypted payloads (reactions) can't reach them all. */
async function keysExchanged(p: Participant, count: number): Promise<void> {
  await waitFor(`${p.name} holding everyone's keys`, () =>
    p.page.evaluate((n) => {
      const peers = (window as unknown as { __confab: { e2ee: { peers: Record<string, { status: string }> } | null } }).__confab.e2ee?.peers ?? {};
      const secure = Object.values(peers).filter((v) => v.status === 'secure').length;
      return secure === n ? true : undefined;
    }, count),
  );
}

test('hands, reactions, the active speaker and speaker view, announcements, connection quality, shortcuts', { timeout: 150_000 }, async () => {
  const hana = await Participant.open(fx.browser, fx.server.hostLink!, 'Hana');
  const url = await hana.startMeeting('Interaction', { lobby: false });
  await hana.join();
  const sam = await joinAs(fx.browser, url, 'Sam');
  await waitForToast(hana, 'Sam joined.');
  const lou = await joinAs(talking, url, 'Lou', { micOff: true });
  const [samId, louId] = await Promise.all([sam.participantId(), lou.participantId()]);

  // ---- raised hands: Lou with the H key, then Sam with the button; the host sees the queue in that order
  await lou.page.keyboard.press('h');
  await waitForToast(hana, 'Lou raised their hand.');
  await sam.page.click('#toggle-hand');
  await sam.page.waitForSelector('#toggle-hand[aria-pressed="true"]');
  await hana.page.keyboard.press('p');
  await hana.page.waitForSelector('#participants-panel:not([hidden])');
  await waitFor('the hand queue on the host\'s panel', async () => {
    const queue = await hana.page.$$eval('#hand-queue [data-hand-queue-item]', (els) => els.map((e) => (e as HTMLElement).dataset.handQueueItem));
    return JSON.stringify(queue) === JSON.stringify([louId, samId]) ? true : undefined;
  });
  // A late joiner sees the same order on the tiles.
  const lea = await joinAs(talking, url, 'Lea');
  const leaId = await lea.participantId();
  for (const [id, position] of [[louId, '1'], [samId, '2']] as const) {
    await lea.page.waitForSelector(`${tile(id)} .tile-hand:not([hidden])`);
    assert.equal(await lea.page.textContent(`${tile(id)} .tile-hand`), position);
    assert.match((await attr(lea, `${tile(id)} .tile-hand`, 'aria-label')) ?? '', new RegExp(`number ${position} in the queue`));
  }
  // The host lowers Lou's hand: Lou's button is released, Sam moves up.
  await hana.page.click(`[data-hand-queue-item="${louId}"] [data-action="lower-hand"]`);
  await lou.page.waitForSelector('#toggle-hand[aria-pressed="false"]');
  await lea.page.waitForFunction((sel) => document.querySelector(sel)?.textContent === '1', `${tile(samId)} .tile-hand`);
  await lea.page.waitForSelector(`${tile(louId)} .tile-hand[hidden]`, { state: 'attached' });
  await hana.page.keyboard.press('p');
  await hana.page.waitForSelector('#participants-panel', { state: 'hidden' });

  // ---- a reaction from Sam shows on Sam's tile for everyone, Sam included
  await Promise.all([hana, sam, lea, lou].map((p) => keysExchanged(p, 3)));
  const others = [hana, lea, lou];
  await Promise.all(others.map((p) => recordReactions(p, tile(samId))));
  await sam.page.click('#reactions');
  await sam.page.click('#reaction-picker [data-emoji="🎉"]');
  await Promise.all(
    others.map((p) => p.page.waitForFunction(() => (window as unknown as { __reactionsSeen: string[] }).__reactionsSeen.length > 0)),
  );
  for (const p of others) {
    assert.deepEqual(await p.page.evaluate(() => (window as unknown as { __reactionsSeen: string[] }).__reactionsSeen), ['🎉'], p.name);
  }
  await sam.page.waitForSelector('[data-local="true"] .tile-reaction:not([hidden])');
  await sam.page.keyboard.press('Escape');
  await sam.page.waitForSelector('#reaction-picker', { state: 'hidden' });

  // ---- the active speaker: Lea talks (Lou is muted, the others are silent)
  await waitFor('Lea as the host\'s active speaker', async () => ((await marked(hana, 'speaking')) === leaId ? true : undefined), 20_000);
  // Speaker view shows her large and the others in the strip.
  await hana.page.click('#toggle-view');
  assert.equal(await attr(hana, '#toggle-view', 'aria-pressed'), 'true');
  assert.equal(await marked(hana, 'featured'), leaId);
  assert.equal(await hana.page.$$eval('#tile-strip [data-participant-id]', (els) => els.length), 3);
  // Lea stops, Lou starts (with the M key): the spotlight follows.
  await lea.page.click('#toggle-audio');
  await lou.page.keyboard.press('m');
  await lou.page.waitForSelector('#toggle-audio[aria-pressed="false"]');
  await waitFor('Lou as the host\'s active speaker', async () => ((await marked(hana, 'speaking')) === louId ? true : undefined), 20_000);
  await waitFor('Lou featured', async () => ((await marked(hana, 'featured')) === louId ? true : undefined), 5_000);
  // Pinning (from the keyboard) overrides the active speaker; unpinning gives the spotlight back.
  await hana.page.locator(`${tile(samId)} .tile-pin`).press('Enter');
  assert.equal(await marked(hana, 'featured'), samId);
  assert.equal(await attr(hana, `${tile(samId)} .tile-pin`, 'aria-pressed'), 'true');
  assert.equal(await marked(hana, 'speaking'), louId);
  await hana.page.locator(`${tile(samId)} .tile-pin`).press('Enter');
  assert.equal(await marked(hana, 'featured'), louId);

  // ---- every remote tile shows its connection quality, with a name for screen readers
  for (const id of [samId, louId, leaId]) {
    await hana.page.waitForSelector(`${tile(id)} .tile-quality:not([hidden])`);
    assert.match((await attr(hana, `${tile(id)} .tile-quality`, 'aria-label')) ?? '', /^Connection: (good|fair|poor)$/);
    assert.match((await attr(hana, `${tile(id)} .tile-quality`, 'data-quality')) ?? '', /^(good|fair|poor)$/);
  }

  // ---- shortcuts: ? shows the list; C opens the chat, and typing there doesn't trigger shortcuts
  await sam.page.keyboard.press('?');
  await sam.page.waitForSelector('#shortcuts-dialog[open]');
  assert.equal(await sam.page.$$eval('#shortcuts-dialog kbd', (els) => els.map((e) => e.textContent).join('')), 'MVHCP?');
  await sam.page.keyboard.press('Escape');
  await sam.page.waitForSelector('#shortcuts-dialog:not([open])', { state: 'attached' });
  await sam.page.keyboard.press('c');
  await sam.page.waitForSelector('#chat-panel:not([hidden])');
  await sam.page.keyboard.type('hm, my pc mic is fine');
  assert.equal(await sam.page.inputValue('#chat-input'), 'hm, my pc mic is fine');
  assert.equal(await attr(sam, '#toggle-audio', 'aria-pressed'), 'false');
  assert.equal(await attr(sam, '#toggle-hand', 'aria-pressed'), 'true');

  // ---- leaving is announced
  await sam.leave();
  await waitForToast(hana, 'Sam left.');
  for (const p of [hana, sam, lou, lea]) await p.close();
});
