/**
 * Join to first remote frame, with real browsers on loopback: one participant stays in the meeting
 * with their camera on; others join one at a time through the real UI, and each measures, in the
 * page, the time from clicking "Join" to the first decoded frame of a remote camera (so the
 * signaling, ICE, DTLS, the E2EE key exchange, the keyframe and the decoder are all inside it).
 */
import type { Browser } from 'playwright-core';
import { Participant } from '../tests/helpers/meeting-page.js';
import type { RunningServer } from '../tests/helpers/server.js';

export interface FirstFrameResult {
  joins: number;
  p50Ms: number;
  p95Ms: number;
  maxMs: number;
}

/** Clicks Join and resolves with the milliseconds until a remote camera frame was decoded. */
async function joinToFirstFrame(p: Participant): Promise<number> {
  await p.page.fill('#name', p.name);
  return p.page.evaluate(async () => {
    const t0 = performance.now();
    document.querySelector<HTMLButtonElement>('#join')!.click();
    while (performance.now() - t0 < 30_000) {
      const c = (window as unknown as { __confab?: { pc: RTCPeerConnection | null; tracks: { mid: string; source: string }[] } }).__confab;
      if (c?.pc) {
        const cameras = new Set(c.tracks.filter((t) => t.source === 'camera').map((t) => t.mid));
        let decoded = false;
        (await c.pc.getStats()).forEach((s: Record<string, unknown>) => {
          if (s.type === 'inbound-rtp' && cameras.has(s.mid as string) && ((s.framesDecoded as number) ?? 0) > 0) decoded = true;
        });
        if (decoded) return performance.now() - t0;
      }
      await new Promise((r) => setTimeout(r, 10)); // polling interval of the measurement itself
    }
    throw new Error('no remote frame within 30 s');
  });
}

const percentile = (sorted: number[], q: number) => sorted[Math.min(sorted.length - 1, Math.ceil(q * sorted.length) - 1)]!;

export async function measureFirstFrame(server: RunningServer, browser: Browser, joins: number): Promise<FirstFrameResult> {
  const host = await Participant.open(browser, server.hostLink!, 'Host');
  const url = await host.startMeeting('First frame', { lobby: false });
  await host.join();
  const times: number[] = [];
  try {
    for (let i = 1; i <= joins; i++) {
      const guest = await Participant.open(browser, url, `Guest ${i}`);
      try {
        await guest.waitForState('prejoin');
        times.push(await joinToFirstFrame(guest));
      } finally {
        await guest.close();
      }
    }
  } finally {
    await host.close();
  }
  times.sort((a, b) => a - b);
  return { joins, p50Ms: Math.round(percentile(times, 0.5)), p95Ms: Math.round(percentile(times, 0.95)), maxMs: Math.round(times.at(-1)!) };
}
