/**
 * Moderation through the real UI, enforced where it matters: a guest muted by the host stops being
 * heard even when a modified client keeps sending; a kicked and banned guest can't come back with the
 * same link; a locked meeting refuses newcomers; ending the meeting removes everyone.
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { waitFor } from '../helpers/browser.js';
import { Participant } from '../helpers/meeting-page.js';
import { useServerAndBrowser } from '../helpers/e2e-setup.js';

const fx = useServerAndBrowser({ env: { CONFAB_ORGANIZATION: 'Gymnasium Musterstadt' } });

async function audioCounter(p: Participant, type: 'inbound-rtp' | 'outbound-rtp', fromMid?: string): Promise<number> {
  return p.page.evaluate(
    async ({ type, fromMid }) => {
      const pc = (window as unknown as { __confab: { pc: RTCPeerConnection } }).__confab.pc;
      let n = 0;
      (await pc.getStats()).forEach((s: Record<string, unknown>) => {
        if (s.type !== type || s.kind !== 'audio') return;
        if (fromMid !== undefined && s.mid !== fromMid) return;
        n += ((type === 'inbound-rtp' ? s.packetsReceived : s.packetsSent) as number) ?? 0;
      });
      return n;
    },
    { type, fromMid },
  );
}

async function midOf(p: Participant, participantId: string, kind: 'audio' | 'video'): Promise<string> {
  return p.page.evaluate(
    ({ participantId, kind }) =>
      (window as unknown as { __confab: { tracks: { mid: string; participantId: string; kind: string }[] } }).__confab.tracks.find(
        (t) => t.participantId === participantId && t.kind === kind,
      )!.mid,
    { participantId, kind },
  );
}

test('a muted guest is not forwarded, even from a client that keeps sending; kick with ban sticks', { timeout: 180_000 }, async () => {
  const host = await Participant.open(fx.browser, fx.server.hostLink!, 'Hana');
  const url = await host.startMeeting('Class 7b');
  await host.join();
  const guest = await Participant.open(fx.browser, url, 'Gus');
  await guest.joinAndWaitFor('lobby');
  await host.admit('Gus');
  await guest.waitForState('connected');
  const guestId = await guest.participantId();
  await host.expectMediaFlowing([guestId]);
  // A self-chosen name is labelled as such.
  await host.page.click('#toggle-participants');
  assert.match((await host.page.textContent(`[data-participant-row="${guestId}"]`)) ?? '', /Guest|Gast/);
  await host.page.click('#toggle-participants');

  // The host mutes the guest's microphone from the participants panel.
  await host.page.click('#toggle-participants');
  await host.page.click(`[data-participant-row="${guestId}"] [data-action="mute-audio"]`);
  await host.page.waitForSelector(`[data-participant-id="${guestId}"] .tile-mic-off:not([hidden])`);
  // A modified client ignores the mute and turns its microphone back on.
  await guest.page.evaluate(() => {
    const pc = (window as unknown as { __confab: { pc: RTCPeerConnection } }).__confab.pc;
    for (const s of pc.getSenders()) if (s.track?.kind === 'audio') s.track.enabled = true;
  });
  const mid = await midOf(host, guestId, 'audio');
  const received0 = await audioCounter(host, 'inbound-rtp', mid);
  const sent0 = await audioCounter(guest, 'outbound-rtp');
  // Wait until the guest has demonstrably sent 100 more audio packets...
  await waitFor('the guest to keep sending', async () => ((await audioCounter(guest, 'outbound-rtp')) - sent0 >= 100 ? true : undefined));
  // ...of which the host received (next to) none: the SFU dropped them.
  const receivedDelta = (await audioCounter(host, 'inbound-rtp', mid)) - received0;
  assert.ok(receivedDelta <= 3, `host still received ${receivedDelta} audio packets from the muted guest`);

  // Kick with ban: the guest sees why, and the same link (same browser) does not get back in.
  await host.page.click(`[data-participant-row="${guestId}"] [data-action="ban"]`);
  await host.page.click('#confirm-remove'); // removing someone asks first
  await guest.waitForState('removed');
  assert.equal(await guest.page.getAttribute('#removed-reason', 'data-reason'), 'banned');
  await guest.page.goto(url);
  await guest.page.fill('#name', 'Gus again');
  await guest.page.click('#join');
  await guest.waitForState('removed');
  assert.equal(await guest.page.getAttribute('#removed-reason', 'data-reason'), 'banned');
  await host.waitForState('connected');
  await guest.close();
  await host.close();
});

test('a locked meeting refuses newcomers; ending it removes everyone', { timeout: 120_000 }, async () => {
  const host = await Participant.open(fx.browser, fx.server.hostLink!, 'Hana');
  const url = await host.startMeeting('Staff meeting', { lobby: false });
  await host.join();
  // A name that looks like a link stays plain text: nothing to click, nothing opens.
  const guest = await Participant.open(fx.browser, url, 'www.evil.example/login');
  await guest.join();
  await host.page.click('#toggle-participants');
  await host.page.waitForSelector('text=www.evil.example/login');
  assert.equal(await host.page.locator('a[href*="evil"]').count(), 0);
  await host.page.check('#lock-meeting');
  const late = await Participant.open(fx.browser, url, 'Late');
  await late.joinAndWaitFor('failed');
  assert.match((await late.page.textContent('body')) ?? '', /locked|gesperrt/i);
  await host.page.click('#end-meeting');
  await host.page.click('#confirm-end');
  for (const p of [host, guest]) {
    await p.waitForState('removed');
    assert.equal(await p.page.getAttribute('#removed-reason', 'data-reason'), 'meeting-ended');
  }
  await Promise.all([host, guest, late].map((p) => p.close()));
});

test('a personal invitation: the invitee sees who runs the server, enters without the lobby under the given name, once', { timeout: 120_000 }, async () => {
  const host = await Participant.open(fx.browser, fx.server.hostLink!, 'Hana');
  await host.startMeeting('Elternabend');
  await host.join();
  await host.page.click('#toggle-participants');
  await host.page.fill('#invite-name', 'Ina Schmidt');
  await host.page.click('#create-invite');
  const link = await host.page.inputValue('#invite-link');
  assert.match(link, /\/m\/[A-Za-z0-9_-]{22}#key=[A-Za-z0-9_-]{43}&invite=[A-Za-z0-9_-]{43}$/);
  await host.page.waitForSelector('[data-invite-id]');

  const ina = await Participant.open(fx.browser, link, 'Somebody else');
  await ina.page.waitForSelector('#organization:not([hidden])');
  assert.match((await ina.page.textContent('#organization')) ?? '', /Gymnasium Musterstadt/);
  assert.doesNotMatch(ina.page.url(), /#/); // the token left the address bar at once
  await ina.join(); // straight in: no lobby for personal invitations
  const inaId = await ina.participantId();
  const row = host.page.locator(`[data-participant-row="${inaId}"]`);
  await row.waitFor();
  assert.match((await row.textContent()) ?? '', /Ina Schmidt/);
  assert.doesNotMatch((await row.textContent()) ?? '', /Guest|Gast/); // a verified name, not a self-chosen one

  // Single use: the same link does not get anyone else in.
  const copycat = await Participant.open(fx.browser, link, 'Copycat');
  await copycat.page.fill('#name', 'Copycat');
  await copycat.page.click('#join');
  await copycat.page.waitForFunction(() => ['failed', 'invalid-link'].includes(document.body.dataset.state ?? ''));
  await Promise.all([host, ina, copycat].map((p) => p.close()));
});
