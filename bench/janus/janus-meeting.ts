/**
 * A Janus VideoRoom meeting of synthetic participants: Janus started from its own config, a room
 * (VP8 + Opus) created through the API, every participant publishing, then every participant
 * subscribing to all the others in one multistream subscription.
 */
import { randomInt } from 'node:crypto';
import { performance } from 'node:perf_hooks';
import { delay, JOIN_INTERVAL_MS, PACING_MS, withinJoinTimeout, type MeetingUnderTest, type Workload } from './meeting.js';
import { JanusParticipant } from './participant.js';
import { startJanus } from './server.js';

export async function startJanusMeeting(w: Workload, placeServer: (pid: number) => void): Promise<MeetingUnderTest> {
  const janus = await startJanus();
  placeServer(janus.pid);
  const now = () => performance.now();
  const people: JanusParticipant[] = [];
  const pacing = setInterval(() => {
    const t = now();
    for (const p of people) p.tick(t);
  }, PACING_MS);
  const close = async () => {
    clearInterval(pacing);
    await Promise.allSettled(people.map((p) => p.close()));
    await janus.stop();
  };
  try {
    await withinJoinTimeout(
      (async () => {
        for (let i = 0; i < w.participants; i++) people.push(await JanusParticipant.connect(janus.wsUrl, now));
        const room = randomInt(1, 2 ** 31);
        const admin = await people[0]!.attach();
        // No periodic FIR and no bitrate cap: keyframes only when a subscriber asks, as in Confab.
        await admin.message({ request: 'create', room, admin_key: janus.roomAdminKey, publishers: w.participants, audiocodec: 'opus', videocodec: 'vp8', fir_freq: 0, bitrate: 0 });
        for (const [i, p] of people.entries()) {
          if (i > 0) await delay(JOIN_INTERVAL_MS);
          await p.publish(room, `Load ${i}`, w.layer);
        }
        await Promise.all(people.map((p) => p.subscribe(room, people.filter((o) => o !== p).map((o) => o.feedId))));
      })(),
      'Janus meeting setup',
    );
  } catch (err) {
    await close();
    throw err;
  }
  return {
    server: 'Janus',
    pid: janus.pid,
    startWindow() {
      const t = now();
      for (const p of people) p.subscriber.startWindow(t);
    },
    async receiveStats() {
      const t = now();
      return people.map((p) => p.subscriber.stats(t));
    },
    close,
  };
}
