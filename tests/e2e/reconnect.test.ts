/**
 * Reconnection in real browsers. A participant whose signaling WebSocket drops resumes the same
 * session (same participant id, no lobby), the other never sees them leave, and media flows again
 * both ways. An outage longer than the server's grace period ends with "You were disconnected" and
 * a Rejoin button that brings them back, through the lobby, with media.
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { waitFor } from '../helpers/browser.js';
import { useServerAndBrowser } from '../helpers/e2e-setup.js';
import { Participant } from '../helpers/meeting-page.js';

const GRACE_SECONDS = 6;
const fx = useServerAndBrowser({ env: { CONFAB_RESUME_GRACE_SECONDS: String(GRACE_SECONDS) } });

/** Runs before the app: keeps its WebSockets, so a test can drop one as a network failure would. */
const KEEP_SOCKETS = `(() => {
  const Native = window.WebSocket;
  const sockets = (window.__sockets = []);
  window.WebSocket = class extends Native {
    constructor(...args) {
      super(...args);
      sockets.push(this);
    }
  };
})();`;

/** Closes the page's signaling WebSocket without the app asking for it (no `leave` is sent). */
async function dropSignaling(p: Participant): Promise<void> {
  await p.page.evaluate(() => {
    const sockets = (window as unknown as { __sockets: WebSocket[] }).__sockets;
    sockets[sockets.length - 1]!.close(4000, 'test: the network dropped');
  });
}

interface Seen {
  states: string[];
  status: string[];
  toasts: string[];
  tileGone: boolean;
}

/**
 * From now on, records on the page every state it shows, every status banner, every toast shown
 * after this call (a toast still on screen from before is not one), and whether `remoteId`'s tile
 * is ever missing: what someone looking at the screen could have seen.
 * (A string, so that the test's compiler adds nothing the page doesn't have.)
 */
async function watch(p: Participant, remoteId: string | null = null): Promise<void> {
  await p.page.evaluate(`((id) => {
    const seen = (window.__seen = { states: [], status: [], toasts: [], tileGone: false });
    const toasts = new Set(document.querySelectorAll('#toast > *'));
    const record = () => {
      const state = document.body.dataset.state ?? '';
      if (seen.states.at(-1) !== state) seen.states.push(state);
      const status = document.querySelector('#status:not([hidden])')?.textContent ?? '';
      if (status && seen.status.at(-1) !== status) seen.status.push(status);
      for (const toast of document.querySelectorAll('#toast > *')) {
        if (toasts.has(toast)) continue;
        toasts.add(toast);
        seen.toasts.push(toast.textContent);
      }
      if (id && !document.querySelector('[data-participant-id="' + id + '"]')) seen.tileGone = true;
    };
    new MutationObserver(record).observe(document.body, { subtree: true, childList: true, attributes: true, characterData: true });
    record();
  })(${JSON.stringify(remoteId)})`);
}

function seen(p: Participant): Promise<Seen> {
  return p.page.evaluate(() => (window as unknown as { __seen: Seen }).__seen);
}

/** Alice hosts with the lobby on; Bob is admitted; both decode each other. */
async function call(): Promise<{ alice: Participant; bob: Participant; aliceId: string; bobId: string }> {
  const alice = await Participant.open(fx.browser, fx.server.hostLink!, 'Alice');
  const meetingUrl = await alice.startMeeting();
  await alice.join();
  const bob = await Participant.open(fx.browser, meetingUrl, 'Bob', { initScript: KEEP_SOCKETS });
  await bob.joinAndWaitFor('lobby');
  await alice.admit('Bob');
  await bob.waitForState('connected');
  const [aliceId, bobId] = [await alice.participantId(), await bob.participantId()];
  await Promise.all([alice.expectMediaFlowing([bobId]), bob.expectMediaFlowing([aliceId])]);
  return { alice, bob, aliceId, bobId };
}

test('a dropped signaling connection resumes the same session; the other sees no leave; media flows again both ways', { timeout: 120_000 }, async () => {
  const { alice, bob, aliceId, bobId } = await call();
  await watch(alice, bobId);
  await watch(bob);

  await dropSignaling(bob);
  await waitFor('Bob reconnecting, then back in the call', async () =>
    (await seen(bob)).states.includes('reconnecting') && (await bob.state()) === 'connected' ? true : undefined,
  );
  assert.equal(await bob.participantId(), bobId);
  const bobSaw = await seen(bob);
  assert.deepEqual(bobSaw.states, ['connected', 'reconnecting', 'connected']);
  assert.ok(bobSaw.status.some((s) => s.includes('Reconnecting')), `status texts: ${JSON.stringify(bobSaw.status)}`);
  await Promise.all([alice.expectMediaFlowing([bobId]), bob.expectMediaFlowing([aliceId])]);

  const aliceSaw = await seen(alice);
  assert.deepEqual(aliceSaw.states, ['connected']);
  assert.equal(aliceSaw.tileGone, false, "Bob's tile disappeared at Alice's");
  assert.deepEqual(aliceSaw.toasts.filter((t) => t.includes('Bob')), []);
  assert.ok(fx.server.jsonLogs().some((l) => l.includes('"msg":"resumed"')), 'the server logged the resume');
  await Promise.all([alice.close(), bob.close()]);
});

test('an outage longer than the grace period: "You were disconnected", and Rejoin brings them back with media', { timeout: 120_000 }, async () => {
  const { alice, bob, aliceId, bobId } = await call();
  await watch(bob);

  // Offline: the socket drops, and no resume gets through.
  await bob.page.context().setOffline(true);
  await dropSignaling(bob);
  await bob.waitForState('reconnecting');
  // Bob's place is kept for the grace period; then Alice sees him leave.
  await waitFor("Bob's tile gone at Alice's", async () => ((await alice.remoteTileIds()).includes(bobId) ? undefined : true), (GRACE_SECONDS + 15) * 1000);
  assert.equal(await bob.state(), 'reconnecting');
  await bob.page.context().setOffline(false);

  // Bob's next try reaches the server, which refuses it: the end screen says so, Rejoin focused.
  await bob.waitForState('failed');
  assert.equal(await bob.page.textContent('#ended-title'), 'You were disconnected');
  assert.equal(await bob.page.evaluate(() => document.activeElement?.id), 'rejoin');
  assert.ok((await seen(bob)).status.some((s) => s.includes('Reconnecting')));
  await bob.page.keyboard.press('Enter');

  // A new join, with the same name and devices: through the lobby.
  await bob.waitForState('lobby');
  await alice.admit('Bob');
  await bob.waitForState('connected');
  const newBobId = await bob.participantId();
  assert.notEqual(newBobId, bobId);
  await Promise.all([alice.expectMediaFlowing([newBobId]), bob.expectMediaFlowing([aliceId])]);
  await Promise.all([alice.close(), bob.close()]);
});
