/**
 * NACK and RTX work in both directions: with 5% of media packets dropped at the SFU's transport
 * (inbound and outbound), the SFU asks the publisher to retransmit what it missed, retransmits to
 * the subscriber what the subscriber missed, and video keeps decoding.
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { waitFor } from '../helpers/browser.js';
import { Participant } from '../helpers/meeting-page.js';
import { useServerAndBrowser } from '../helpers/e2e-setup.js';

const fx = useServerAndBrowser({ env: { CONFAB_RTC_SIMULATED_LOSS_PERCENT: '5' } });

type Counters = Record<string, number>;

async function videoCounters(p: Participant, type: 'outbound-rtp' | 'inbound-rtp'): Promise<Counters> {
  return p.page.evaluate(async (type) => {
    const pc = (window as unknown as { __confab: { pc: RTCPeerConnection } }).__confab.pc;
    const sum: Record<string, number> = {};
    (await pc.getStats()).forEach((s: Record<string, unknown>) => {
      if (s.type !== type || s.kind !== 'video') return;
      for (const k of ['nackCount', 'retransmittedPacketsSent', 'retransmittedPacketsReceived', 'framesDecoded', 'packetsLost']) {
        if (typeof s[k] === 'number') sum[k] = (sum[k] ?? 0) + (s[k] as number);
      }
    });
    return sum;
  }, type);
}

test('lost packets are re-requested and retransmitted on both legs', { timeout: 120_000 }, async () => {
  const sender = await Participant.open(fx.browser, fx.server.hostLink!, 'Sender');
  const url = await sender.startMeeting('Bandwidth', { lobby: false });
  await sender.join();
  const receiver = await Participant.open(fx.browser, url, 'Receiver');
  await receiver.join();
  const senderId = await sender.participantId();

  // Publisher leg: the SFU NACKs what it lost, and Chrome answers with RTX.
  const out = await waitFor('publisher retransmissions', async () => {
    const c = await videoCounters(sender, 'outbound-rtp');
    return (c.nackCount ?? 0) > 0 && (c.retransmittedPacketsSent ?? 0) > 0 ? c : undefined;
  }, 30_000);
  // Subscriber leg: Chrome NACKs what the SFU's forwarding lost, and the SFU retransmits.
  const inb = await waitFor('subscriber retransmissions', async () => {
    const c = await videoCounters(receiver, 'inbound-rtp');
    return (c.nackCount ?? 0) > 0 && (c.retransmittedPacketsReceived ?? 0) > 0 ? c : undefined;
  }, 30_000);
  await receiver.expectMediaFlowing([senderId], 30);
  console.log(`publisher: ${JSON.stringify(out)}; subscriber: ${JSON.stringify(inb)}`);
  assert.ok(out.retransmittedPacketsSent! > 0 && inb.retransmittedPacketsReceived! > 0);
});
