/**
 * A media worker crashes under a meeting, in real browsers: two meetings on two worker processes,
 * one worker is killed. A new worker takes its place and its meeting, whose browsers get a new
 * PeerConnection and decode each other again, as the same participants, without anyone seeing a
 * leave; the other meeting's media goes on without a break on its PeerConnections.
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { waitFor } from '../helpers/browser.js';
import { useServerAndBrowser } from '../helpers/e2e-setup.js';
import { Participant } from '../helpers/meeting-page.js';

const fx = useServerAndBrowser({ env: { CONFAB_MEDIA_WORKERS: '2' } });

/** Each live worker's slot, pid and meeting count, from /metrics. */
async function workers(): Promise<{ worker: string; pid: number; meetings: number }[]> {
  const text = await (await fetch(`${fx.server.url}/metrics`)).text();
  return [...text.matchAll(/^confab_media_worker_meetings\{worker="(\d+)",pid="(\d+)"\} (\d+)$/gm)].map((m) => ({ worker: m[1]!, pid: Number(m[2]), meetings: Number(m[3]) }));
}

/** A host and a guest (lobby off) decoding each other. */
async function meeting(hostName: string, guestName: string): Promise<[Participant, Participant, string, string]> {
  const host = await Participant.open(fx.browser, fx.server.hostLink!, hostName);
  const url = await host.startMeeting('Worker test', { lobby: false });
  await host.join();
  const guest = await Participant.open(fx.browser, url, guestName);
  await guest.join();
  const [hostId, guestId] = [await host.participantId(), await guest.participantId()];
  await Promise.all([host.expectMediaFlowing([guestId]), guest.expectMediaFlowing([hostId])]);
  return [host, guest, hostId, guestId];
}

/**
 * From now on, the page records whether `remoteId`'s tile ever disappears (a leave), keeps its
 * current PeerConnection for comparison, and measures the longest time no audio packet arrived
 * (sampled every 50 ms). Audio, because it flows at a steady 50 packets a second whatever the
 * bandwidth; video may be paused by the SFU's bandwidth planning on a machine this loaded.
 * A string, so that the test's compiler adds nothing to the page.
 */
async function watch(p: Participant, remoteId: string): Promise<void> {
  await p.page.evaluate(`((id) => {
    const seen = (window.__seen = { tileGone: false, pc: window.__confab.pc, longestStall: 0 });
    new MutationObserver(() => {
      if (!document.querySelector('[data-participant-id="' + id + '"]')) seen.tileGone = true;
    }).observe(document.body, { subtree: true, childList: true });
    let last = -1;
    let since = performance.now();
    setInterval(async () => {
      let packets = 0;
      (await window.__confab.pc.getStats()).forEach((s) => { if (s.type === 'inbound-rtp' && s.kind === 'audio') packets += s.packetsReceived ?? 0; });
      const now = performance.now();
      if (packets !== last) {
        seen.longestStall = Math.max(seen.longestStall, now - since);
        last = packets;
        since = now;
      }
      seen.stalledNow = now - since;
    }, 50);
  })(${JSON.stringify(remoteId)})`);
}

async function seen(p: Participant): Promise<{ tileGone: boolean; samePc: boolean; longestStall: number }> {
  return p.page.evaluate(() => {
    const w = window as unknown as { __seen: { tileGone: boolean; pc: RTCPeerConnection; longestStall: number; stalledNow: number }; __confab: { pc: RTCPeerConnection } };
    return { tileGone: w.__seen.tileGone, samePc: w.__confab.pc === w.__seen.pc, longestStall: Math.max(w.__seen.longestStall, w.__seen.stalledNow) };
  });
}

test('a killed media worker: its meeting gets media again on new PeerConnections, nobody leaves; media in the other meeting never stops', { timeout: 240_000 }, async () => {
  const [alice, bob, aliceId, bobId] = await meeting('Alice', 'Bob');
  const aWorker = (await workers()).find((w) => w.meetings === 1);
  assert.ok(aWorker, 'meeting A on a worker');
  const [carol, dave, carolId, daveId] = await meeting('Carol', 'Dave');
  const placed = await workers();
  assert.equal(placed.length, 2);
  assert.ok(placed.every((w) => w.meetings === 1), `one meeting per worker: ${JSON.stringify(placed)}`);

  await Promise.all([watch(alice, bobId), watch(bob, aliceId), watch(carol, daveId), watch(dave, carolId)]);
  // The server starts the new connections; a browser that noticed first would say so here.
  const restarts: string[] = [];
  for (const p of [alice, bob]) p.page.on('console', (m) => m.text().includes('restarting media') && restarts.push(`${p.name}: ${m.text()}`));
  process.kill(aWorker.pid, 'SIGKILL');

  // Alice and Bob: new PeerConnections, decoding each other again, as the same participants.
  for (const p of [alice, bob]) await waitFor(`${p.name}'s new PeerConnection`, async () => ((await seen(p)).samePc ? undefined : true));
  await Promise.all([alice.expectMediaFlowing([bobId], 10, 45_000), bob.expectMediaFlowing([aliceId], 10, 45_000)]);
  for (const [p, id, other] of [[alice, aliceId, 'Bob'], [bob, bobId, 'Alice']] as const) {
    assert.equal(await p.participantId(), id);
    assert.equal((await seen(p)).tileGone, false, `${p.name} saw ${other} leave`);
    assert.equal(await p.state(), 'connected');
  }
  assert.deepEqual(restarts, []);

  // Carol and Dave: still decoding, on the PeerConnections they had, and their audio never stopped.
  await Promise.all([carol.expectMediaFlowing([daveId]), dave.expectMediaFlowing([carolId])]);
  for (const p of [carol, dave]) {
    const s = await seen(p);
    assert.deepEqual([s.samePc, s.tileGone], [true, false], `${p.name}: ${JSON.stringify(s)}`);
    assert.ok(s.longestStall < 2000, `no audio reached ${p.name} for ${Math.round(s.longestStall)} ms`);
  }

  // A new worker has the dead one's slot and its meeting; the crash is logged.
  const after = await workers();
  assert.deepEqual(after.find((w) => w.worker === aWorker.worker)?.meetings, 1);
  assert.ok(after.length === 2 && after.every((w) => w.pid !== aWorker.pid), JSON.stringify(after));
  const crash = fx.server.jsonLogs().map((l) => JSON.parse(l) as Record<string, unknown>).find((l) => l.msg === 'media worker crashed; moving its meetings to another worker');
  assert.deepEqual(crash && [crash.pid, crash.signal, crash.meetings, crash.peers], [aWorker.pid, 'SIGKILL', 1, 2]);
  await Promise.all([alice, bob, carol, dave].map((p) => p.close()));
});
